"""A real HTTP server on 127.0.0.1 that plays a register, with scriptable behaviour per request.

`script(*replies)` queues replies for the next requests, in order; once they are used up, every request gets the
reply set with `always(reply)` (at first: an empty answer). Every request is recorded, whatever its reply.
"""

from __future__ import annotations

import json
import select
import socket
import sys
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Action = Literal["answer", "close", "hang"]


@dataclass(frozen=True, slots=True)
class Reply:
    """One scripted behaviour: `answer` (after `delay` seconds), `close` the connection without answering, or
    `hang`: accept the request and never answer, until the client gives up or the server stops."""

    action: Action = "answer"
    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/json"
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0


def answer(records: Sequence[Mapping[str, Any]], *, source_version: str = "2024-06-01", **fields: Any) -> Reply:
    """A register's good answer; `fields` adds to it (`source=...`) or, with a delay, slows it (`delay=...`)."""
    delay = float(fields.pop("delay", 0.0))
    return json_reply({"source_version": source_version, "records": list(records), **fields}, delay=delay)


def json_reply(payload: Any, *, status: int = 200, delay: float = 0.0, content_type: str = "application/json") -> Reply:
    return Reply(status=status, body=json.dumps(payload).encode(), content_type=content_type, delay=delay)


def raw(body: bytes, *, content_type: str | None = "application/json", status: int = 200) -> Reply:
    return Reply(status=status, body=body, content_type=content_type)


def status(code: int, *, retry_after: str | None = None) -> Reply:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Reply(status=code, body=json.dumps({"error": code}).encode(), headers=headers)


def close_connection() -> Reply:
    return Reply(action="close")


def hang() -> Reply:
    return Reply(action="hang")


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # names in lower case
    body: bytes
    client: tuple[str, int]

    def json(self) -> Any:
        return json.loads(self.body)


class RegisterServer:
    """The server; use it as a context manager (or `start()`/`stop()`). `url` is its base URL."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._script: deque[Reply] = deque()
        self._always = answer([])
        self._requests: list[ReceivedRequest] = []
        self._stopping = threading.Event()
        self._httpd = _HTTPServer(self)
        self._thread = threading.Thread(target=self._serve, name="register-server", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    def always(self, reply: Reply) -> None:
        with self._lock:
            self._always = reply

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self._requests)

    def start(self) -> RegisterServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RegisterServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.01)

    def _next_reply(self, request: ReceivedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
            return self._script.popleft() if self._script else self._always

    def _wait(self, seconds: float | None, connection: socket.socket) -> None:
        """Sleep up to `seconds` (None: forever), but no longer than the server runs or the client stays."""
        waited = 0.0
        step = 0.01
        while (seconds is None or waited < seconds) and not self._stopping.wait(step):
            waited += step
            if _peer_closed(connection):
                return


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, register: RegisterServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.register = register

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hangs up (timed out, or gave up on a large answer) is part of the tests; anything else is
        a bug in the server and reported as usual."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests look at `requests`, not at a log."""

    def _handle(self) -> None:
        register = self.server.register
        length = int(self.headers.get("Content-Length") or 0)
        request = ReceivedRequest(
            method=self.command,
            path=self.path,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=self.rfile.read(length),
            client=self.client_address[:2],
        )
        reply = register._next_reply(request)
        if reply.action == "close":
            self.close_connection = True
            return
        register._wait(None if reply.action == "hang" else reply.delay, self.connection)
        if reply.action == "hang":
            self.close_connection = True
            return
        try:
            self._send(reply)
        except OSError:  # the client gave up before the reply came
            self.close_connection = True

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)
        self.wfile.flush()


def _peer_closed(connection: socket.socket) -> bool:
    readable, _, _ = select.select([connection], [], [], 0)
    if not readable:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True
