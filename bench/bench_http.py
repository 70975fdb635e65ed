"""HTTP benchmark: `underwrite serve` as a subprocess, driven by C concurrent keep-alive clients POSTing applications.

    .venv/bin/python bench/bench_http.py [--concurrency 32] [--requests 6000 | --duration 20] [--rate 300]
                                             [--idempotency] [--database-url postgresql+psycopg://... --workers 2]
                                             [--py-spy out.svg]

The server gets a fresh temporary SQLite file (or --database-url) and UNDERWRITE_ENVIRONMENT=development, so it
migrates the database and creates the demo API key. The load generator is a minimal asyncio HTTP/1.1 client on
asyncio.open_connection (pre-encoded requests; only the status line and Content-Length are parsed) so that it takes
as little CPU as possible from the server on a small machine. Every answer must be 201; afterwards the number of
decision records in the database must equal the number of 201s.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import workload
from bench_decide import percentile, print_table
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from engine.config import DEMO_API_KEY
from engine.store.tables import DecisionRecord, table_of

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def count_decisions(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table_of(DecisionRecord))).scalar_one())
    finally:
        engine.dispose()


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its direct children (uvicorn workers); Linux only."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1] is the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


# -- the server -------------------------------------------------------------------------------------------------


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(database_url: str, workers: int, folder: Path) -> Server:
    port = free_port()
    env = dict(
        os.environ,
        UNDERWRITE_DATABASE_URL=database_url,
        UNDERWRITE_ENVIRONMENT="development",
        PYTHONUNBUFFERED="1",
    )
    log_path = folder / "server.log"
    command = [sys.executable, "-c", "from engine.cli import app; app()", "serve", "--port", str(port)]
    if workers != 1:
        command += ["--workers", str(workers)]
    with log_path.open("wb") as log:  # the child keeps its own descriptor
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    server = Server(port=port, process=process, log_path=log_path)
    deadline = time.monotonic() + 60
    url = f"http://127.0.0.1:{port}/health/ready"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    server.stop()
    raise SystemExit(f"the server was not ready within 60 s:\n{server.log_tail()}")


# -- the load generator -----------------------------------------------------------------------------------------


@dataclass
class Requests:
    """Pre-encoded POST /v1/applications requests; each request's bytes are built before the clock starts."""

    host: str
    bodies: list[bytes]
    idempotency: bool
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def encode(self, index: int) -> bytes:
        body = self.bodies[index % len(self.bodies)]
        head = (
            f"POST /v1/applications HTTP/1.1\r\nHost: {self.host}\r\nContent-Type: application/json\r\n"
            f"X-API-Key: {DEMO_API_KEY}\r\nContent-Length: {len(body)}\r\n"
        )
        if self.idempotency:
            head += f"Idempotency-Key: bench-{self.run}-{index}\r\n"
        return head.encode() + b"\r\n" + body


@dataclass
class Results:
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    samples: dict[int, bytes] = field(default_factory=dict)  # one body per unexpected status
    errors: Counter[str] = field(default_factory=Counter)


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """(status, body, keep-alive) of one HTTP/1.1 response with a Content-Length."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("the server closed the connection")
    status = int(status_line.split(b" ", 2)[1])
    length = 0
    keep_alive = True
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value.strip())
        elif name == b"connection" and value.strip().lower() == b"close":
            keep_alive = False
    body = await reader.readexactly(length) if length else b""
    return status, body, keep_alive


async def drive(
    port: int,
    requests: Requests,
    *,
    concurrency: int,
    total: int | None,
    duration: float | None,
    start: int = 0,
    rate: float | None = None,
) -> tuple[float, Results]:
    """Run ``concurrency`` clients until ``total`` requests are answered or ``duration`` seconds have passed.

    Without ``rate`` it is a closed loop: each client sends its next request as soon as it has an answer. With
    ``rate`` (requests/s) request i is due at start + i / rate (an open loop, as independent applicants arrive) and
    its latency counts from when it was due, so time spent waiting for a free connection is not hidden.
    """
    results = Results()
    next_index = start
    end = start + total if total is not None else None
    payloads = [requests.encode(i) for i in range(start, end)] if end is not None else []
    connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(concurrency)]
    deadline: float | None = None

    def take() -> int | None:
        nonlocal next_index
        if end is not None and next_index >= end:
            return None
        if deadline is not None and time.perf_counter() >= deadline:
            return None
        index = next_index
        next_index += 1
        return index

    async def client(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while (index := take()) is not None:
                payload = payloads[index - start] if payloads else requests.encode(index)
                if rate is None:
                    t0 = time.perf_counter()
                else:
                    t0 = started + (index - start) / rate
                    if (delay := t0 - time.perf_counter()) > 0:
                        await asyncio.sleep(delay)
                try:
                    writer.write(payload)
                    status, body, keep_alive = await read_response(reader)
                except (ConnectionError, asyncio.IncompleteReadError, ValueError) as exc:
                    results.errors[type(exc).__name__] += 1
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    continue
                results.latencies_ms.append((time.perf_counter() - t0) * 1000)
                results.statuses[status] += 1
                if status != 201 and status not in results.samples:
                    results.samples[status] = body[:500]
                if not keep_alive:
                    writer.close()
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
        finally:
            writer.close()

    started = time.perf_counter()
    if duration is not None:
        deadline = started + duration
    await asyncio.gather(*(client(reader, writer) for reader, writer in connections))
    return time.perf_counter() - started, results


def new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


# -- main -------------------------------------------------------------------------------------------------------


def report(concurrency: int, seconds: float, results: Results) -> None:
    ms = sorted(results.latencies_ms)
    answered = len(ms)
    print_table(
        ["concurrency", "requests", "seconds", "requests/s", "p50 ms", "p95 ms", "p99 ms", "max ms"],
        [
            [
                concurrency,
                answered,
                f"{seconds:.2f}",
                f"{answered / seconds:,.0f}",
                f"{percentile(ms, 0.50):.1f}",
                f"{percentile(ms, 0.95):.1f}",
                f"{percentile(ms, 0.99):.1f}",
                f"{ms[-1]:.1f}" if ms else "-",
            ]
        ],
    )
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(results.statuses.items()))
    print(f"statuses: {statuses}")
    for status, sample in sorted(results.samples.items()):
        print(f"  UNEXPECTED {status}: {sample.decode(errors='replace')}")
    for error, count in sorted(results.errors.items()):
        print(f"  client errors {error}: {count}")


def start_py_spy(pid: int, out: str, *, subprocesses: bool) -> subprocess.Popen[bytes]:
    """Sample the server's Python stacks while it holds the GIL (where its CPU goes), without pausing it.
    Stopped with SIGINT when the measured run ends; py-spy then writes ``out``."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    command = [spy, "record", "--pid", str(pid), "--output", out, "--rate", "100", "--gil", "--nonblocking"]
    if subprocesses:
        command.append("--subprocesses")
    if out.endswith(".txt"):
        command += ["--format", "raw"]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--concurrency", "-c", type=int, default=32, help="concurrent keep-alive clients (32)")
    parser.add_argument("--requests", "-n", type=int, default=6000, help="requests to send (6000)")
    parser.add_argument("--duration", type=float, help="run for this many seconds instead of --requests")
    parser.add_argument(
        "--rate",
        type=float,
        help="open loop: send this many requests/s in total (latency counted from each request's due time)",
    )
    parser.add_argument("--warmup", type=int, default=200, help="requests before measuring (200; not timed)")
    parser.add_argument("--idempotency", action="store_true", help="send a unique Idempotency-Key with each request")
    parser.add_argument("--database-url", help="use this database (e.g. PostgreSQL) instead of a temporary SQLite file")
    parser.add_argument("--workers", type=int, help="server worker processes (default 1 on SQLite, 2 otherwise)")
    parser.add_argument("--variants", type=int, default=240, help="distinct application bodies to cycle (240)")
    parser.add_argument(
        "--py-spy",
        metavar="FILE",
        help="profile the server with py-spy during the measured run (FILE.svg flame graph or FILE.txt collapsed)",
    )
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="underwrite-bench-http-"))
    database_url = args.database_url or f"sqlite:///{folder / 'underwrite.db'}"
    workers = args.workers or (1 if make_url(database_url).get_backend_name() == "sqlite" else 2)
    server: Server | None = None
    try:
        server = start_server(database_url, workers, folder)
        before = count_decisions(database_url)
        bodies = [json.dumps(body, separators=(",", ":")).encode() for body in workload.bodies(args.variants)]
        requests = Requests(host=f"127.0.0.1:{server.port}", bodies=bodies, idempotency=args.idempotency)
        loop = new_loop()
        try:
            _, warm = loop.run_until_complete(
                drive(server.port, requests, concurrency=min(args.concurrency, 8), total=args.warmup, duration=None)
            )
            spy = None
            if args.py_spy:
                spy = start_py_spy(server.process.pid, args.py_spy, subprocesses=workers > 1)
                time.sleep(1.0)  # let py-spy attach
            gc.collect()
            gc.freeze()  # the load generator's own full collections would otherwise show up as server latency
            cpu_before = time.process_time()
            server_cpu_before = process_tree_cpu(server.process.pid)
            seconds, results = loop.run_until_complete(
                drive(
                    server.port,
                    requests,
                    concurrency=args.concurrency,
                    total=None if args.duration else args.requests,
                    duration=args.duration,
                    start=args.warmup,
                    rate=args.rate,
                )
            )
            client_cpu = time.process_time() - cpu_before
            server_cpu = process_tree_cpu(server.process.pid) - server_cpu_before
            gc.unfreeze()
            if spy is not None:
                spy.send_signal(signal.SIGINT)
        finally:
            loop.close()
        db_kind = make_url(database_url).get_backend_name()
        print(
            f"\n== POST /v1/applications over HTTP: {db_kind}, {workers} worker(s), "
            f"Idempotency-Key: {'yes' if args.idempotency else 'no'} ({args.warmup} warm-up requests not timed)"
        )
        if args.rate:
            print(f"open loop: {args.rate:g} requests/s offered on {args.concurrency} connections")
        report(args.concurrency, seconds, results)
        print(
            f"server CPU: {server_cpu:.2f} s ({100 * server_cpu / seconds:.0f}% of one core, "
            f"{1000 * server_cpu / max(1, len(results.latencies_ms)):.2f} ms per request); "
            f"load generator CPU: {client_cpu:.2f} s ({100 * client_cpu / seconds:.0f}% of one core)"
        )
        if spy is not None:
            _, spy_err = spy.communicate(timeout=60)
            if spy.returncode == 0:
                print(f"py-spy profile of the server: {args.py_spy}")
            else:
                print(f"py-spy failed ({spy.returncode}): {spy_err.decode(errors='replace').strip()[-500:]}")
        server.stop()
        created = warm.statuses[201] + results.statuses[201]
        recorded = count_decisions(database_url) - before
        status = "ok" if recorded == created else "MISMATCH"
        print(f"decision records written: {recorded}; 201 responses incl. warm-up: {created} -> {status}")
        failed = sum(n for s, n in results.statuses.items() if s != 201) + sum(results.errors.values())
        return 0 if status == "ok" and failed == 0 and warm.statuses[201] == args.warmup else 1
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
