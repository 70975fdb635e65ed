"""HttpRegister against a real HTTP server on 127.0.0.1: answers, retries, the deadline, errors, the circuit breaker."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from engine.checks.providers import CREDIT, SANCTIONS
from engine.checks.providers.http import (
    MAX_BODY_BYTES,
    BreakerState,
    CircuitBreaker,
    CircuitOpen,
    HttpRegister,
    MalformedAnswer,
    ProviderError,
    ProviderRefused,
    ProviderUnavailable,
)
from engine.registers.records import CreditArrear, CreditFile, NameQuery, PersonQuery, SanctionsEntry
from tests.providers.server import (
    RegisterServer,
    answer,
    close_connection,
    hang,
    json_reply,
    raw,
    status,
)

PERSON = PersonQuery(
    given_names="Johanna Maria",
    family_name_prefix="van der",
    family_name="Zeldzaamhuis",
    date_of_birth=date(1980, 5, 17),
    postcode="1234AB",
    house_number=12,
)
CREDIT_FILE: dict[str, Any] = {
    "person_id": "cb-000123",
    "score_band": "C",
    "arrears": [{"registered_on": "2023-02-01", "amount_eur": 1250, "resolved_on": None}],
    "debt_restructuring": False,
}
SANCTIONED: dict[str, Any] = {
    "id": "EU.1234.56",
    "kind": "person",
    "names": ["Ivan Voorbeeldov", "I. Voorbeeldov"],
    "birth_dates": ["1961"],
    "nationalities": ["RU"],
    "programme": "RUS",
    "listed_on": "2022-03-15",
}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def make_register(server: RegisterServer) -> Iterator[Any]:
    """Builds credit registers against the test server (fast timeouts, seeded jitter) and closes them afterwards."""
    made: list[HttpRegister[Any, Any]] = []

    def make(**options: Any) -> HttpRegister[PersonQuery, CreditFile]:
        kind = options.pop("kind", CREDIT)
        base_url = options.pop("base_url", server.url)
        options = {"timeout_seconds": 0.2, "retries": 2, "backoff_seconds": 0.01, "rng": random.Random(7), **options}
        register: HttpRegister[PersonQuery, CreditFile] = HttpRegister(kind, base_url, **options)
        made.append(register)
        return register

    yield make
    for register in made:
        register.close()


def state_of(breaker: CircuitBreaker) -> BreakerState:
    """The breaker's state, read afresh (a plain attribute read would let mypy keep an earlier narrowing)."""
    return breaker.state


def timed(register: HttpRegister[Any, Any], query: Any) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        register.lookup(query)
    except ProviderError as exc:
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


# --- good answers ------------------------------------------------------------------------------------------------


def test_a_credit_answer_parses_into_typed_records(server: RegisterServer, make_register: Any) -> None:
    server.always(answer([CREDIT_FILE], source_version="2024-06-30"))
    before = datetime.now(UTC)

    result = make_register().lookup(PERSON)

    assert result.records == [
        CreditFile(
            person_id="cb-000123",
            score_band="C",
            arrears=[CreditArrear(registered_on=date(2023, 2, 1), amount_eur=1250)],
        )
    ]
    assert result.source == f"http:credit@127.0.0.1:{server.port}"
    assert result.source_version == "2024-06-30"
    assert result.retrieved_at.tzinfo is not None
    assert before <= result.retrieved_at <= datetime.now(UTC)


def test_a_sanctions_answer_parses_and_keeps_the_source_the_register_names(
    server: RegisterServer, make_register: Any
) -> None:
    server.always(answer([SANCTIONED], source="eu-consolidated-list"))

    result = make_register(kind=SANCTIONS).lookup(NameQuery(name="Ivan Voorbeeldov"))

    assert result.records == [SanctionsEntry.model_validate(SANCTIONED)]
    assert isinstance(result.records[0].listed_on, date)
    assert result.source == "eu-consolidated-list"
    assert server.requests[0].path == "/sanctions/lookup"


def test_an_empty_answer_is_an_answer(server: RegisterServer, make_register: Any) -> None:
    server.always(answer([]))

    assert make_register().lookup(PERSON).records == []


def test_the_request_posts_the_query_as_json_with_the_api_key(server: RegisterServer, make_register: Any) -> None:
    make_register(api_key="k-123").lookup(PERSON)

    (request,) = server.requests
    assert request.method == "POST"
    assert request.path == "/credit/lookup"
    assert request.json() == PERSON.model_dump(mode="json")
    assert request.json()["date_of_birth"] == "1980-05-17"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "application/json"
    assert request.headers["authorization"] == "Bearer k-123"


def test_no_authorization_header_without_an_api_key(server: RegisterServer, make_register: Any) -> None:
    make_register().lookup(PERSON)

    assert "authorization" not in server.requests[0].headers


def test_a_base_url_path_prefixes_the_endpoint_and_credentials_stay_out_of_the_source(
    server: RegisterServer, make_register: Any
) -> None:
    base_url = f"http://user:secret@127.0.0.1:{server.port}/registers/v1/"

    result = make_register(base_url=base_url).lookup(PERSON)

    assert server.requests[0].path == "/registers/v1/credit/lookup"
    assert result.source == f"http:credit@127.0.0.1:{server.port}"


def test_a_query_of_the_wrong_type_is_a_programming_error(make_register: Any) -> None:
    with pytest.raises(TypeError, match="PersonQuery"):
        make_register().lookup(NameQuery(name="x"))


@pytest.mark.parametrize("base_url", ["ftp://127.0.0.1/", "not a url", "http://"])
def test_a_base_url_that_is_not_http_is_refused_at_construction(base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        HttpRegister(CREDIT, base_url)


# --- retries and the deadline ------------------------------------------------------------------------------------


def test_a_slow_answer_beyond_the_timeout_is_unavailable_within_the_deadline(
    server: RegisterServer, make_register: Any
) -> None:
    server.always(answer([CREDIT_FILE], delay=2.0))
    register = make_register(timeout_seconds=0.1, retries=1)

    error, elapsed = timed(register, PERSON)

    assert isinstance(error, ProviderUnavailable)
    assert "timed out" in str(error)
    assert register.deadline_seconds == pytest.approx(0.21)
    assert elapsed < 2 * register.deadline_seconds
    assert server.request_count == 2


def test_a_server_that_never_answers_is_unavailable_within_the_deadline(
    server: RegisterServer, make_register: Any
) -> None:
    server.always(hang())
    register = make_register(timeout_seconds=0.1, retries=2)

    error, elapsed = timed(register, PERSON)

    assert isinstance(error, ProviderUnavailable)
    assert 0.3 <= elapsed < 2 * register.deadline_seconds
    assert server.request_count == 3


def test_an_answer_slower_than_one_attempt_but_within_the_timeout_succeeds(
    server: RegisterServer, make_register: Any
) -> None:
    server.always(answer([CREDIT_FILE], delay=0.05))

    assert len(make_register(timeout_seconds=0.5).lookup(PERSON).records) == 1
    assert server.request_count == 1


def test_503_then_200_succeeds_on_the_retry(server: RegisterServer, make_register: Any) -> None:
    server.script(status(503))
    server.always(answer([CREDIT_FILE]))

    assert len(make_register().lookup(PERSON).records) == 1
    assert server.request_count == 2


@pytest.mark.parametrize("code", [502, 504])
def test_gateway_errors_are_retried(server: RegisterServer, make_register: Any, code: int) -> None:
    server.script(status(code), status(code))
    server.always(answer([CREDIT_FILE]))

    assert len(make_register(retries=2).lookup(PERSON).records) == 1
    assert server.request_count == 3


def test_500_every_time_is_unavailable_after_retries_plus_one_requests(
    server: RegisterServer, make_register: Any
) -> None:
    server.always(status(500))

    with pytest.raises(ProviderUnavailable, match=r"HTTP 500; gave up after 3 attempt"):
        make_register(retries=2).lookup(PERSON)
    assert server.request_count == 3


def test_a_5xx_that_is_not_transient_is_not_retried(server: RegisterServer, make_register: Any) -> None:
    server.always(status(501))

    with pytest.raises(ProviderUnavailable, match="HTTP 501"):
        make_register().lookup(PERSON)
    assert server.request_count == 1


def test_no_retries_means_one_request(server: RegisterServer, make_register: Any) -> None:
    server.always(status(503))

    with pytest.raises(ProviderUnavailable):
        make_register(retries=0).lookup(PERSON)
    assert server.request_count == 1


def test_429_waits_as_long_as_retry_after_asks_when_that_fits(server: RegisterServer, make_register: Any) -> None:
    server.script(status(429, retry_after="0.3"))
    server.always(answer([CREDIT_FILE]))
    register = make_register(timeout_seconds=0.2, retries=2)

    started = time.monotonic()
    assert len(register.lookup(PERSON).records) == 1

    assert 0.3 <= time.monotonic() - started < register.deadline_seconds
    assert server.request_count == 2


def test_429_with_a_retry_after_beyond_the_deadline_gives_up_at_once(
    server: RegisterServer, make_register: Any
) -> None:
    server.always(status(429, retry_after="5"))

    error, elapsed = timed(make_register(), PERSON)

    assert isinstance(error, ProviderUnavailable)
    assert "HTTP 429" in str(error)
    assert elapsed < 0.15
    assert server.request_count == 1


def test_429_with_an_http_date_in_the_past_retries_at_once(server: RegisterServer, make_register: Any) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    server.script(status(429, retry_after=past))
    server.always(answer([CREDIT_FILE]))

    assert len(make_register().lookup(PERSON).records) == 1
    assert server.request_count == 2


def test_429_every_time_is_unavailable_after_the_retries(server: RegisterServer, make_register: Any) -> None:
    server.always(status(429))

    with pytest.raises(ProviderUnavailable, match="HTTP 429"):
        make_register(retries=3).lookup(PERSON)
    assert server.request_count == 4


def test_a_connection_closed_without_an_answer_is_retried_then_unavailable(
    server: RegisterServer, make_register: Any
) -> None:
    server.always(close_connection())

    with pytest.raises(ProviderUnavailable, match="connection failed"):
        make_register(retries=2).lookup(PERSON)
    assert server.request_count == 3


def test_one_dropped_connection_is_retried_to_success(server: RegisterServer, make_register: Any) -> None:
    server.script(close_connection())
    server.always(answer([CREDIT_FILE]))

    assert len(make_register().lookup(PERSON).records) == 1
    assert server.request_count == 2


def test_nobody_listening_is_unavailable_quickly(make_register: Any) -> None:
    with RegisterServer() as gone:
        url = gone.url
    register = make_register(base_url=url)

    error, elapsed = timed(register, PERSON)

    assert isinstance(error, ProviderUnavailable)
    assert "ConnectError" in str(error)
    assert elapsed < 2 * register.deadline_seconds


def test_the_deadline_bounds_the_retries_and_the_backoff() -> None:
    register = HttpRegister(CREDIT, "http://127.0.0.1:9", timeout_seconds=0.25, retries=2, backoff_seconds=0.02)

    assert register.deadline_seconds == pytest.approx(0.25 * 3 + 0.02 * (1 + 2))
    register.close()


# --- refusals and malformed answers ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [400, 401, 404, 422])
def test_a_4xx_is_refused_and_not_retried(server: RegisterServer, make_register: Any, code: int) -> None:
    server.always(status(code))

    with pytest.raises(ProviderRefused, match=f"HTTP {code}") as raised:
        make_register().lookup(PERSON)
    assert raised.value.status_code == code
    assert server.request_count == 1


MALFORMED = {
    "not JSON": raw(b"<html>oops</html>"),
    "truncated JSON": raw(b'{"source_version": "1", "records": ['),
    "a list, not an object": json_reply([CREDIT_FILE]),
    "no records": json_reply({"source_version": "1"}),
    "no source_version": json_reply({"records": [CREDIT_FILE]}),
    "records not a list": json_reply({"source_version": "1", "records": CREDIT_FILE}),
    "a record missing a field": answer([{"person_id": "x"}]),
    "a wrong type": answer([{**CREDIT_FILE, "score_band": 3}]),
    "a number as a string": answer([{**CREDIT_FILE, "arrears": [{"registered_on": "2023-02-01", "amount_eur": "5"}]}]),
    "a value out of range": answer([{**CREDIT_FILE, "score_band": "Z"}]),
    "a field we do not know": answer([{**CREDIT_FILE, "shoe_size": 44}]),
    "source_version not a string": json_reply({"source_version": 20240601, "records": []}),
    "wrong content type": json_reply({"source_version": "1", "records": []}, content_type="text/html"),
    "no content type": raw(b'{"source_version": "1", "records": []}', content_type=None),
    "unexpected status": json_reply({"source_version": "1", "records": []}, status=204),
}


@pytest.mark.parametrize("reply", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_answer_is_malformed_and_not_retried(
    server: RegisterServer, make_register: Any, reply: Any
) -> None:
    server.always(reply)

    with pytest.raises(MalformedAnswer, match="'credit'"):
        make_register().lookup(PERSON)
    assert server.request_count == 1


def test_a_json_content_type_with_parameters_or_suffix_is_json(server: RegisterServer, make_register: Any) -> None:
    server.script(json_reply({"source_version": "1", "records": []}, content_type="application/json; charset=utf-8"))
    server.always(json_reply({"source_version": "1", "records": []}, content_type="application/vnd.credit+json"))
    register = make_register()

    assert register.lookup(PERSON).records == register.lookup(PERSON).records == []


def test_an_answer_too_large_is_malformed(server: RegisterServer, make_register: Any) -> None:
    server.always(raw(b" " * (MAX_BODY_BYTES + 1)))

    with pytest.raises(MalformedAnswer, match="larger than"):
        make_register(timeout_seconds=1.0).lookup(PERSON)


def test_errors_and_logs_carry_no_personal_data(server: RegisterServer, make_register: Any) -> None:
    secret_record = {**CREDIT_FILE, "person_id": "Geheimstra-4711", "score_band": "Q"}
    server.script(status(503), answer([secret_record]))
    with capture_logs() as logs:
        register = make_register(api_key="key-s3cr3t")
        with pytest.raises(MalformedAnswer) as raised:
            register.lookup(PERSON)

    assert {entry["event"] for entry in logs} >= {"provider.retry", "provider.malformed"}
    assert "records.0.score_band" in str(raised.value)
    exposed = [str(raised.value), repr(raised.value), repr(raised.value.__cause__), repr(register), *map(str, logs)]
    for text in exposed:
        for secret in ("Zeldzaamhuis", "Johanna", "1980-05-17", "1234AB", "Geheimstra", "'Q'", "key-s3cr3t"):
            assert secret not in text


# --- circuit breaker ---------------------------------------------------------------------------------------------


def test_the_circuit_opens_fails_fast_half_opens_and_closes(server: RegisterServer, make_register: Any) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, reset_after_seconds=30, clock=clock)
    register = make_register(retries=0, breaker=breaker)
    server.always(status(503))

    for _ in range(3):
        with pytest.raises(ProviderUnavailable):
            register.lookup(PERSON)
    assert state_of(breaker) is BreakerState.OPEN

    error, elapsed = timed(register, PERSON)
    assert isinstance(error, CircuitOpen)
    assert elapsed < 0.05
    assert server.request_count == 3

    clock.advance(29.9)
    with pytest.raises(CircuitOpen):
        register.lookup(PERSON)
    clock.advance(0.1)
    assert state_of(breaker) is BreakerState.HALF_OPEN

    server.always(answer([CREDIT_FILE]))
    assert len(register.lookup(PERSON).records) == 1
    assert server.request_count == 4
    assert state_of(breaker) is BreakerState.CLOSED


def test_a_failed_trial_opens_the_circuit_again(server: RegisterServer, make_register: Any) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_after_seconds=10, clock=clock)
    register = make_register(retries=0, breaker=breaker)
    server.always(status(503))
    with pytest.raises(ProviderUnavailable):
        register.lookup(PERSON)

    clock.advance(10)
    with pytest.raises(ProviderUnavailable):
        register.lookup(PERSON)

    assert state_of(breaker) is BreakerState.OPEN
    with pytest.raises(CircuitOpen):
        register.lookup(PERSON)
    assert server.request_count == 2


def test_one_lookup_is_one_failure_however_many_attempts(server: RegisterServer, make_register: Any) -> None:
    breaker = CircuitBreaker(failure_threshold=2, clock=FakeClock())
    server.always(status(503))

    with pytest.raises(ProviderUnavailable):
        make_register(retries=2, breaker=breaker).lookup(PERSON)

    assert server.request_count == 3
    assert breaker.consecutive_failures == 1
    assert state_of(breaker) is BreakerState.CLOSED


def test_malformed_answers_count_as_failures_and_refusals_do_not(server: RegisterServer, make_register: Any) -> None:
    breaker = CircuitBreaker(failure_threshold=2, clock=FakeClock())
    register = make_register(breaker=breaker)
    server.script(status(404), status(404), status(404), raw(b"nonsense"), raw(b"nonsense"))

    for _ in range(3):
        with pytest.raises(ProviderRefused):
            register.lookup(PERSON)
    assert state_of(breaker) is BreakerState.CLOSED
    for _ in range(2):
        with pytest.raises(MalformedAnswer):
            register.lookup(PERSON)
    assert state_of(breaker) is BreakerState.OPEN


def test_a_success_resets_the_count_of_consecutive_failures() -> None:
    breaker = CircuitBreaker(failure_threshold=2, clock=FakeClock())

    for success in (False, True, False):
        permit = breaker.acquire()
        assert permit is not None
        breaker.record(permit, success=success)

    assert state_of(breaker) is BreakerState.CLOSED
    assert breaker.consecutive_failures == 1


def test_half_open_lets_exactly_one_trial_through_at_a_time() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_after_seconds=5, clock=clock)
    first = breaker.acquire()
    assert first is not None
    breaker.record(first, success=False)
    clock.advance(5)
    barrier = threading.Barrier(16)

    def contend() -> bool:
        barrier.wait()
        return breaker.acquire() is not None

    with ThreadPoolExecutor(16) as pool:
        granted = list(pool.map(lambda _: contend(), range(16)))

    assert granted.count(True) == 1
    assert state_of(breaker) is BreakerState.HALF_OPEN


def test_an_outcome_from_before_the_circuit_opened_does_not_close_it() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, reset_after_seconds=5, clock=clock)
    late, failing = breaker.acquire(), breaker.acquire()
    assert late is not None and failing is not None
    breaker.record(failing, success=False)
    clock.advance(5)
    trial = breaker.acquire()
    assert trial is not None and trial.trial

    breaker.record(late, success=True)
    assert state_of(breaker) is BreakerState.HALF_OPEN
    assert breaker.acquire() is None

    breaker.record(trial, success=True)
    assert state_of(breaker) is BreakerState.CLOSED


def test_concurrent_failures_open_the_circuit_exactly_at_the_threshold() -> None:
    breaker = CircuitBreaker(failure_threshold=200, clock=FakeClock())
    permits = [breaker.acquire() for _ in range(400)]
    barrier = threading.Barrier(8)

    def fail(chunk: list[Any]) -> None:
        barrier.wait()
        for permit in chunk:
            breaker.record(permit, success=False)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(fail, [permits[i::8] for i in range(8)]))

    assert state_of(breaker) is BreakerState.OPEN
    assert breaker.consecutive_failures == 200


@pytest.mark.parametrize("options", [{"failure_threshold": 0}, {"reset_after_seconds": -1}])
def test_breaker_settings_are_checked(options: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(**options)


# --- concurrency and the client ----------------------------------------------------------------------------------


def test_many_threads_share_one_provider_and_its_pooled_connections(server: RegisterServer, make_register: Any) -> None:
    server.always(answer([CREDIT_FILE], delay=0.005))
    register = make_register(timeout_seconds=2.0)
    queries = [PERSON.model_copy(update={"house_number": n}) for n in range(1, 161)]

    with ThreadPoolExecutor(16) as pool:
        answers = list(pool.map(register.lookup, queries))

    assert all(a.records[0].person_id == "cb-000123" for a in answers)
    assert server.request_count == 160
    assert sorted(r.json()["house_number"] for r in server.requests) == list(range(1, 161))
    connections = {r.client for r in server.requests}
    assert len(connections) <= 32 < 160
    assert state_of(register.breaker) is BreakerState.CLOSED


def test_close_closes_its_own_client_but_not_a_shared_one(server: RegisterServer) -> None:
    own = HttpRegister(CREDIT, server.url)
    own.close()
    with pytest.raises(RuntimeError, match="closed"):
        own.lookup(PERSON)

    with httpx.Client() as client:
        with HttpRegister(CREDIT, server.url, client=client) as shared:
            shared.lookup(PERSON)
        assert not client.is_closed
        assert HttpRegister(SANCTIONS, server.url, client=client).lookup(NameQuery(name="x")).records == []
