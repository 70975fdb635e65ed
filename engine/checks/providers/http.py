"""HTTP providers: a register asked over HTTP (`POST {base_url}/{name}/lookup`, the query as JSON).

Reads are idempotent, so a lookup retries what is likely transient (connect errors, timeouts, a dropped connection,
429, 500, 502, 503, 504) with exponential backoff and full jitter, always within one overall deadline:
``timeout_seconds * (retries + 1)`` for the attempts plus ``backoff_seconds * (2**retries - 1)``, the most the
backoff between them can add. No attempt starts, and no wait ends, after the deadline; each attempt's timeouts are
capped by what is left of it, and the body is read in chunks with the deadline checked between them. (httpx's
timeouts bound each network operation, not a whole response: a server that trickles its status line and headers
a byte at a time could still overrun by a little; nothing short of a separate watchdog thread bounds that.)

A :class:`CircuitBreaker` in front of the retries makes a register that keeps failing fail fast, without being
asked, until it has had time to recover; then one trial lookup at a time decides whether it has.

Errors say which register failed and how, never what was asked or answered: queries and records are personal data.
"""

from __future__ import annotations

import enum
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Generic, TypeVar

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.checks.providers import RegisterKind
from engine.registers.records import Answer, Record

Q = TypeVar("Q", bound=Record)
R = TypeVar("R", bound=Record)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_BODY_BYTES = 4 * 1024 * 1024
_MIN_ATTEMPT_SECONDS = 0.005
_MAX_CONNECTIONS = 32
_MAX_KEEPALIVE_CONNECTIONS = 16


# --- errors ------------------------------------------------------------------------------------------------------


class ProviderError(Exception):
    """A register could not answer. The message names the register and what went wrong, never personal data."""

    safe_to_record = True  # the check runner may record the message with an unavailable result

    def __init__(self, register: str, detail: str) -> None:
        super().__init__(f"register {register!r}: {detail}")
        self.register = register
        self.detail = detail


class ProviderUnavailable(ProviderError):
    """No answer in time: connect error, timeout, dropped connection, 5xx, or 429 after the retries."""


class CircuitOpen(ProviderError):
    """The register failed too often lately; it is not asked until its circuit breaker lets a trial through."""


class MalformedAnswer(ProviderError):
    """The register answered, but not with what its contract promises (status, content type, JSON, shape, types)."""


class ProviderRefused(ProviderError):
    """The register refused the request (4xx other than 429): our request was wrong, so it is not retried."""

    def __init__(self, register: str, detail: str, status_code: int) -> None:
        super().__init__(register, detail)
        self.status_code = status_code


# --- circuit breaker ---------------------------------------------------------------------------------------------


class BreakerState(enum.StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True, slots=True)
class Permit:
    """Leave to make one call, from :meth:`CircuitBreaker.acquire`; hand it back with :meth:`CircuitBreaker.record`.

    `epoch` ties the outcome to the circuit it was issued in: the outcome of a call that started before the circuit
    opened (or re-opened) does not count."""

    epoch: int
    trial: bool


class CircuitBreaker:
    """Closed: calls go through; `failure_threshold` consecutive failures open it. Open: calls are refused for
    `reset_after_seconds`. Then half-open: one trial call at a time goes through; its success closes the circuit,
    its failure opens it again. Thread-safe; `clock` is injectable so that tests need not sleep."""

    def __init__(
        self,
        failure_threshold: int = 5,
        reset_after_seconds: float = 30.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        name: str = "register",
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if reset_after_seconds < 0:
            raise ValueError("reset_after_seconds must not be negative")
        self.failure_threshold = failure_threshold
        self.reset_after_seconds = reset_after_seconds
        self.name = name
        self._log = structlog.get_logger(__name__).bind(register=name)
        self._clock = clock
        self._lock = threading.Lock()
        self._open = False
        self._opened_at = 0.0
        self._failures = 0
        self._epoch = 0
        self._trial_in_flight = False

    @property
    def state(self) -> BreakerState:
        with self._lock:
            return self._state()

    @property
    def consecutive_failures(self) -> int:
        with self._lock:
            return self._failures

    def acquire(self) -> Permit | None:
        """A permit to call, or None when the circuit is open or its one trial call is already in flight."""
        with self._lock:
            state = self._state()
            if state is BreakerState.CLOSED:
                return Permit(self._epoch, trial=False)
            if state is BreakerState.OPEN or self._trial_in_flight:
                return None
            self._trial_in_flight = True
        self._log.info("provider.circuit_half_open")
        return Permit(self._epoch, trial=True)

    def record(self, permit: Permit, *, success: bool) -> None:
        """The outcome of the call `permit` allowed."""
        with self._lock:
            if permit.epoch != self._epoch:
                return
            event = self._record_trial(success) if permit.trial else self._record_call(success)
            failures = self._failures
        if event == "provider.circuit_closed":
            self._log.info(event)
        elif event is not None:
            self._log.warning(event, failures=failures, reset_after_seconds=self.reset_after_seconds)

    def _state(self) -> BreakerState:
        if not self._open:
            return BreakerState.CLOSED
        if self._clock() - self._opened_at < self.reset_after_seconds:
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def _record_call(self, success: bool) -> str | None:
        if success:
            self._failures = 0
            return None
        self._failures += 1
        if self._failures < self.failure_threshold:
            return None
        self._trip()
        return "provider.circuit_opened"

    def _record_trial(self, success: bool) -> str:
        self._trial_in_flight = False
        if success:
            self._open = False
            self._failures = 0
            self._epoch += 1
            return "provider.circuit_closed"
        self._trip()
        return "provider.circuit_reopened"

    def _trip(self) -> None:
        self._open = True
        self._opened_at = self._clock()
        self._epoch += 1


# --- the HTTP register -------------------------------------------------------------------------------------------


class _Envelope(BaseModel, Generic[R]):
    """What a register sends: its records, its data version and, optionally, its own name."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    records: list[R]
    source_version: str = Field(min_length=1)
    source: str | None = Field(default=None, min_length=1)


class _Transient(Exception):
    """A failed attempt that is worth retrying; `retry_after` is what the register asked for, in seconds."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class HttpRegister(Generic[Q, R]):
    """A :class:`~engine.checks.providers.Register` asked over HTTP, with retries, backoff and a circuit breaker.

    One :class:`httpx.Client` (pooled connections) serves every lookup; it is thread-safe, so one provider serves a
    whole thread pool of checks. Pass `client` to share one across providers (then `close()` leaves it open)."""

    def __init__(
        self,
        kind: RegisterKind[Q, R],
        base_url: str,
        *,
        timeout_seconds: float = 0.25,
        retries: int = 2,
        backoff_seconds: float = 0.02,
        api_key: str | None = None,
        breaker: CircuitBreaker | None = None,
        client: httpx.Client | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not timeout_seconds > 0:
            raise ValueError("timeout_seconds must be positive")
        if retries < 0:
            raise ValueError("retries must not be negative")
        if backoff_seconds < 0:
            raise ValueError("backoff_seconds must not be negative")
        self._kind = kind
        self._log = structlog.get_logger(__name__).bind(register=kind.name)
        self._url, self._default_source = _endpoint(base_url, kind.name)
        self._timeout_seconds = timeout_seconds
        self._retries = retries
        self._backoff_seconds = backoff_seconds
        self._headers = _headers(api_key)
        self._breaker = breaker if breaker is not None else CircuitBreaker(name=kind.name)
        self._owns_client = client is None
        self._client = client if client is not None else _new_client(timeout_seconds)
        self._rng = rng if rng is not None else random.Random()  # noqa: S311 - jitter, not cryptography
        self._envelope, self._answer = _answer_types(kind)

    @property
    def name(self) -> str:
        return self._kind.name

    @property
    def source(self) -> str:
        """Who answers, as recorded with an unavailable result: `http:<name>@<host[:port]>`."""
        return self._default_source

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    @property
    def deadline_seconds(self) -> float:
        """The longest a lookup takes: every attempt's timeout plus the most the backoff between them can add."""
        return self._timeout_seconds * (self._retries + 1) + self._backoff_seconds * ((1 << self._retries) - 1)

    def lookup(self, query: Q) -> Answer[R]:
        if not isinstance(query, self._kind.query):
            raise TypeError(f"register {self.name!r} expects a {self._kind.query.__name__}")
        permit = self._breaker.acquire()
        if permit is None:
            self._log.debug("provider.circuit_rejected")
            raise CircuitOpen(self.name, "circuit open after repeated failures; not asked")
        success = False
        try:
            answer = self._lookup_with_retries(query)
            success = True
            return answer
        except ProviderRefused:
            success = True  # the register is up and answered; it is our request that was wrong
            raise
        finally:
            self._breaker.record(permit, success=success)

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> HttpRegister[Q, R]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HttpRegister({self.name!r}, source={self._default_source!r})"

    # --- one lookup: attempts within the deadline ----------------------------------------------------------------

    def _lookup_with_retries(self, query: Q) -> Answer[R]:
        deadline = time.monotonic() + self.deadline_seconds
        payload = query.model_dump(mode="json")
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._attempt(payload, deadline)
            except _Transient as failure:
                delay = self._delay_before_retry(attempt, failure, deadline)
                if delay is None:
                    self._log.warning("provider.unavailable", attempts=attempt, reason=failure.reason)
                    detail = f"{failure.reason}; gave up after {attempt} attempt(s)"
                    raise ProviderUnavailable(self.name, detail) from failure.__cause__
                self._log.info("provider.retry", attempt=attempt, reason=failure.reason, delay_ms=delay * 1000)
                time.sleep(delay)

    def _delay_before_retry(self, attempt: int, failure: _Transient, deadline: float) -> float | None:
        """How long to wait before the next attempt, or None to give up: retries exhausted, a `Retry-After` that does
        not leave a whole attempt before the deadline, or too little time left to try again."""
        if attempt > self._retries:
            return None
        remaining = deadline - time.monotonic()
        jitter = self._rng.uniform(0.0, self._backoff_seconds * (1 << (attempt - 1)))
        if failure.retry_after is not None:
            delay = max(failure.retry_after, jitter)
            return delay if delay + self._timeout_seconds <= remaining else None
        delay = min(jitter, max(0.0, remaining - self._timeout_seconds))
        return delay if remaining - delay >= _MIN_ATTEMPT_SECONDS else None

    def _attempt(self, payload: object, deadline: float) -> Answer[R]:
        remaining = deadline - time.monotonic()
        if remaining < _MIN_ATTEMPT_SECONDS:
            raise _Transient("deadline reached")
        timeout = httpx.Timeout(min(self._timeout_seconds, remaining))
        try:
            with self._client.stream("POST", self._url, json=payload, headers=self._headers, timeout=timeout) as rsp:
                return self._answer_from(rsp, deadline)
        except httpx.TimeoutException as exc:
            raise _Transient(f"timed out ({type(exc).__name__})") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise _Transient(f"connection failed ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise ProviderUnavailable(self.name, f"transport error ({type(exc).__name__})") from exc

    # --- one response --------------------------------------------------------------------------------------------

    def _answer_from(self, response: httpx.Response, deadline: float) -> Answer[R]:
        self._check_status(response)
        content_type = response.headers.get("content-type", "")
        if not _is_json(content_type):
            raise self._malformed(f"content type {content_type.split(';')[0].strip()!r} is not JSON")
        body = self._read_body(response, deadline)
        try:
            envelope = self._envelope.model_validate_json(body, strict=True)
        except ValidationError as exc:
            raise self._malformed(f"answer does not fit the contract: {_summarise(exc)}") from None
        return self._answer(
            records=envelope.records,
            source=envelope.source or self._default_source,
            source_version=envelope.source_version,
            retrieved_at=datetime.now(UTC),
        )

    def _check_status(self, response: httpx.Response) -> None:
        status = response.status_code
        if status == httpx.codes.OK:
            return
        if status in RETRYABLE_STATUSES:
            raise _Transient(
                f"HTTP {status}", _retry_after(response) if status == httpx.codes.TOO_MANY_REQUESTS else None
            )
        if status >= httpx.codes.INTERNAL_SERVER_ERROR:
            raise ProviderUnavailable(self.name, f"HTTP {status}")
        if status >= httpx.codes.BAD_REQUEST:
            self._log.error("provider.refused", status=status)
            raise ProviderRefused(self.name, f"refused the request with HTTP {status}", status)
        raise self._malformed(f"unexpected HTTP {status}")

    def _read_body(self, response: httpx.Response, deadline: float) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise self._malformed(f"answer larger than {MAX_BODY_BYTES} bytes")
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise self._malformed(f"answer larger than {MAX_BODY_BYTES} bytes")
            if time.monotonic() > deadline:
                raise _Transient("timed out reading the answer")
        return bytes(body)

    def _malformed(self, detail: str) -> MalformedAnswer:
        self._log.error("provider.malformed", detail=detail)
        return MalformedAnswer(self.name, detail)


# --- helpers -----------------------------------------------------------------------------------------------------


def _answer_types(kind: RegisterKind[Q, R]) -> tuple[type[_Envelope[R]], type[Answer[R]]]:
    record = kind.record
    return _Envelope[record], Answer[record]  # type: ignore[valid-type]


def _endpoint(base_url: str, name: str) -> tuple[str, str]:
    """The lookup URL, and the default source (`http:<name>@<host[:port]>`: no credentials, no path)."""
    url = httpx.URL(base_url)
    if url.scheme not in {"http", "https"} or not url.host:
        raise ValueError(f"register {name!r}: base_url must be an http(s) URL with a host")
    endpoint = url.copy_with(path=f"{url.path.rstrip('/')}/{name}/lookup", query=None, fragment=None)
    return str(endpoint), f"http:{name}@{url.netloc.decode('ascii')}"


def _headers(api_key: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    return headers


def _new_client(timeout_seconds: float) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout_seconds),
        limits=httpx.Limits(
            max_connections=_MAX_CONNECTIONS, max_keepalive_connections=_MAX_KEEPALIVE_CONNECTIONS, keepalive_expiry=30
        ),
        follow_redirects=False,
    )


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";")[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def _retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds (delta-seconds or an HTTP date), or None when absent or unreadable."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return None
    return max(0.0, seconds) if math.isfinite(seconds) else None


def _summarise(exc: ValidationError, limit: int = 3) -> str:
    """Where and how the answer is wrong, without the values (they may be personal data)."""
    errors = exc.errors(include_url=False, include_input=False, include_context=False)
    parts = [f"{'.'.join(str(part) for part in error['loc']) or '<root>'}: {error['type']}" for error in errors[:limit]]
    more = f" (+{len(errors) - limit} more)" if len(errors) > limit else ""
    return "; ".join(parts) + more
