"""One writer connection, fed by a queue, committing waiting writes together (group commit).

SQLite allows one writer at a time; pooled writers queue on its lock and their tail latency explodes. Here every
write goes through one thread and one connection. Writes that arrive while a commit is in flight are committed
together in the next transaction, each in its own savepoint, so one failing write does not fail the others and the
cost of the durable commit (fsync) is shared. The caller blocks until its write is committed (or has failed).
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

import structlog
from sqlalchemy import Connection, Engine

T = TypeVar("T")
log = structlog.get_logger(__name__)

Job = tuple[Callable[[Connection], Any], Future[Any]]


class WriterClosed(RuntimeError):
    """The writer has been shut down."""


class SingleWriter:
    def __init__(self, engine: Engine, *, batch_size: int = 64, name: str = "db-writer") -> None:
        self._engine = engine
        self._batch_size = batch_size
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def write(self, job: Callable[[Connection], T], *, timeout: float | None = 30.0) -> T:
        """Run ``job`` in a transaction on the writer connection; return its result once committed."""
        if self._closed:
            raise WriterClosed("the database writer is closed")
        future: Future[T] = Future()
        self._jobs.put((job, future))
        try:
            return future.result(timeout=timeout)
        except FutureTimeout:
            if future.cancel():  # never started: it will not be written, so the caller may say nothing was decided
                raise TimeoutError("the database writer did not start the write in time") from None
            return future.result()  # already being written: its outcome decides, never a silent late commit

    async def write_async(self, job: Callable[[Connection], T], *, timeout: float | None = 30.0) -> T:
        """As :meth:`write`, awaited on the event loop: no thread waits for the commit."""
        if self._closed:
            raise WriterClosed("the database writer is closed")
        future: Future[T] = Future()
        self._jobs.put((job, future))
        waiting = asyncio.wrap_future(future)
        try:
            return await asyncio.wait_for(asyncio.shield(waiting), timeout)
        except TimeoutError:
            if future.cancel():  # never started: it will not be written
                raise TimeoutError("the database writer did not start the write in time") from None
            return await waiting  # already being written: its outcome decides

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._jobs.put(None)
            self._thread.join(timeout=10)

    def _run(self) -> None:
        connection: Connection | None = None
        while True:
            first = self._jobs.get()
            if first is None:
                break
            batch = [first]
            stop = False
            while len(batch) < self._batch_size:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stop = True
                    break
                batch.append(job)
            try:
                if connection is None:
                    connection = self._engine.connect()
                    connection.info["writer"] = True
                self._commit(connection, batch)
            except Exception as exc:  # the connection or the commit failed: every write in the batch failed
                log.error("writer_batch_failed", error=type(exc).__name__, size=len(batch))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if connection is not None:
                    connection.invalidate()
                    connection.close()
                    connection = None
            if stop:
                break
        if connection is not None:
            connection.close()

    @staticmethod
    def _commit(connection: Connection, batch: list[Job]) -> None:
        results: list[tuple[Future[Any], Any, BaseException | None]] = []
        jobs = [(job, future) for job, future in batch if future.set_running_or_notify_cancel()]
        if not jobs:
            return
        with connection.begin() as transaction:
            if len(jobs) == 1:  # alone in its transaction: no savepoint needed
                job, future = jobs[0]
                try:
                    results.append((future, job(connection), None))
                except Exception as exc:
                    transaction.rollback()
                    future.set_exception(exc)
                    return
            else:
                for job, future in jobs:
                    try:
                        with connection.begin_nested():
                            results.append((future, job(connection), None))
                    except Exception as exc:
                        results.append((future, None, exc))
        for (
            future,
            result,
            error,
        ) in results:  # only after the commit: nothing is reported before it is durable
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)
