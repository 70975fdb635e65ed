"""POST /v1/applications and GET /v1/decisions/{id}: outcomes, validation, keys, body size and idempotency."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.api.app import create_app
from engine.decision.core import DUTCH_TIME
from engine.decision.reasons import APPLICANT_UNDER_16
from engine.store.clients import revoke_api_client
from tests.api.support import (
    EXAMPLES_DIR,
    EXPECTED,
    app_engine,
    assert_no_internals,
    example,
    reason_texts,
    row_counts,
)
from tests.factories import _years_ago, avb_body, avp_body

# --- the shipped examples --------------------------------------------------------------------------------------


def test_every_shipped_example_has_an_expected_outcome():
    assert sorted(path.stem for path in EXAMPLES_DIR.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_gets_the_outcome_its_name_says(api, name):
    body = example(name)
    outcome, codes = EXPECTED[name]
    language = body["language"]
    texts = reason_texts(body["product"])

    response = api.submit(body)

    assert response.status_code == 201, response.text
    decision = response.json()
    assert response.headers["Location"] == f"/v1/decisions/{decision['decision_id']}"
    assert decision["outcome"] == outcome
    assert decision["product"] == body["product"]
    assert decision["language"] == language
    assert [reason["code"] for reason in decision["reasons"]] == codes
    assert [reason["text"] for reason in decision["reasons"]] == [texts[code][language] for code in codes]
    assert decision["next_steps"], "every decision tells the applicant what they can do next"
    assert decision["policy"]["version"] == "1.2.0"
    assert decision["policy"]["content_hash"].startswith("sha256:")
    assert decision["applicant_token"]

    same = api.get_decision(decision["decision_id"])
    assert same.status_code == 200
    assert same.json() | {"applicant_token": decision["applicant_token"]} == decision
    assert same.json()["applicant_token"] is None, "the token is only handed to the submitting request"

    other = "en" if language == "nl" else "nl"
    translated = api.get_decision(decision["decision_id"], lang=other).json()
    assert translated["language"] == other
    assert translated["outcome"] == outcome
    assert [reason["code"] for reason in translated["reasons"]] == codes
    assert [reason["text"] for reason in translated["reasons"]] == [texts[code][other] for code in codes]
    assert [step["action"] for step in translated["next_steps"]] == [step["action"] for step in decision["next_steps"]]
    assert [step["text"] for step in translated["next_steps"]] != [step["text"] for step in decision["next_steps"]]


def test_decision_in_english_on_request(api):
    decision = api.submit(example("avp-rejected-claims")).json()

    english = api.get_decision(decision["decision_id"], lang="en")

    assert english.status_code == 200
    assert english.json()["reasons"] == [
        {
            "code": "CLAIMS_FREQUENCY_HIGH",
            "text": "You reported 4 or more claims in the last 5 years. "
            "That is more than we accept for this insurance.",
        }
    ]
    assert api.get_decision(decision["decision_id"], lang="de").status_code == 422


# --- invalid input: 422 naming each field, nothing stored ------------------------------------------------------


def _dutch_today():
    return datetime.now(UTC).astimezone(DUTCH_TIME).date()


def _without(path: str) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node = body
        for part in parents:
            node = node[part]
        del node[leaf]

    return change


def _setting(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        node = body
        for part in parents:
            node = node[part]
        node[leaf] = value() if callable(value) else value

    return change


INVALID = {
    "postcode starting with 0": (
        _setting("applicant.address.postcode", "0123 AB"),
        ["body", "applicant", "address", "postcode"],
        "Dutch postcode",
    ),
    "postcode letters not in use": (
        _setting("applicant.address.postcode", "1234 SA"),
        ["body", "applicant", "address", "postcode"],
        "SA are not used",
    ),
    "unknown product": (_setting("product", "AVX"), ["body", "product"], "unknown product; use AVP or AVB"),
    "start date in the past": (
        _setting("cover.start_date", lambda: (_dutch_today() - timedelta(days=1)).isoformat()),
        ["body", "cover", "start_date"],
        "must not be in the past",
    ),
    "start date too far ahead": (
        _setting("cover.start_date", lambda: (_dutch_today() + timedelta(days=400)).isoformat()),
        ["body", "cover", "start_date"],
        "within 365 days",
    ),
    "unknown notice version": (
        _setting("notice_version", "0.9.0"),
        ["body", "notice_version"],
        "unknown notice version; known: 1.0.0",
    ),
    "missing e-mail": (_without("applicant.email"), ["body", "applicant", "email"], "Field required"),
    "missing disclosure": (_without("disclosure"), ["body", "disclosure"], "Field required"),
    "unexpected field": (_setting("applicant.nickname", "San"), ["body", "applicant", "nickname"], "not permitted"),
    "bad phone": (_setting("applicant.phone", "12"), ["body", "applicant", "phone"], "phone number"),
    "privacy statement not acknowledged": (
        _setting("consents.privacy_statement_acknowledged", False),
        ["body", "consents", "privacy_statement_acknowledged"],
        "must be acknowledged",
    ),
    "claim older than five years": (
        _setting("disclosure.claims_last_5_years", lambda: [{"date": "2001-01-01", "amount_eur": 100}]),
        ["body", "disclosure", "claims_last_5_years", 0, "date"],
        "more than 5 years ago",
    ),
    "insured limit not offered for AVP": (
        _setting("cover.insured_limit_eur", 5_000_000),
        ["body", "cover", "insured_limit_eur"],
        "must be one of [1250000, 2500000] for AVP",
    ),
    "deductible not offered for AVP": (
        _setting("cover.deductible_eur", 500),
        ["body", "cover", "deductible_eur"],
        "must be one of [0, 100, 250] for AVP",
    ),
    "unknown language": (_setting("language", "de"), ["body", "language"], "'nl' or 'en'"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_invalid_application_names_the_field_and_stores_nothing(api, case):
    change, loc, message = INVALID[case]
    body = avp_body()
    change(body)
    before = row_counts(app_engine(api))

    response = api.submit(body)

    assert response.status_code == 422, response.text
    problems = response.json()["detail"]
    assert any(problem["loc"] == loc and message in problem["msg"] for problem in problems), problems
    assert all(problem["type"] for problem in problems)
    assert_no_internals(response)
    assert row_counts(app_engine(api)) == before


def test_every_problem_is_named_at_once(api):
    body = avb_body(applicant__address__postcode="12345", company__kvk_number="1234", company__sbi_code="x")

    response = api.submit(body)

    assert response.status_code == 422
    locs = {tuple(problem["loc"]) for problem in response.json()["detail"]}
    assert locs == {
        ("body", "applicant", "address", "postcode"),
        ("body", "company", "kvk_number"),
        ("body", "company", "sbi_code"),
    }


@pytest.mark.parametrize("language", ["nl", "en"])
def test_applicant_under_16_is_not_processed_and_nothing_is_stored(api, language):
    before = row_counts(app_engine(api))
    body = avp_body(applicant__date_of_birth=_years_ago(_dutch_today(), 15).isoformat(), language=language)

    response = api.submit(body)

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["body", "applicant", "date_of_birth"],
            "msg": APPLICANT_UNDER_16.applicant_text.in_language(language),
            "type": "APPLICANT_UNDER_16",
        }
    ]
    assert row_counts(app_engine(api)) == before


def test_applicant_of_16_is_processed(api):
    body = avp_body(applicant__date_of_birth=_years_ago(_dutch_today(), 16, days=1).isoformat())

    response = api.submit(body)

    assert response.status_code == 201
    assert [reason["code"] for reason in response.json()["reasons"]] == ["APPLICANT_UNDER_18"]


def test_malformed_json_is_422_and_stores_nothing(api):
    before = row_counts(app_engine(api))

    response = api.client.post(
        "/v1/applications",
        content=b'{"product": "AVP", ',
        headers={"X-API-Key": api.key, "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["type"] == "json_invalid"
    assert problem["loc"][0] == "body"
    assert_no_internals(response)
    assert row_counts(app_engine(api)) == before


@pytest.mark.parametrize("body", [None, [], "AVP", {}])
def test_a_body_that_is_not_an_application_is_422(api, body):
    before = row_counts(app_engine(api))

    response = api.submit(body)

    assert response.status_code == 422
    assert response.json()["detail"]
    assert row_counts(app_engine(api)) == before


def test_idempotency_key_longer_than_200_characters_is_422(api):
    response = api.submit(avp_body(), idempotency_key="k" * 201)

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "idempotency-key"]


# --- API keys -------------------------------------------------------------------------------------------------


def _revoked_key(api) -> str:
    key = api.create_key("revoked form")
    with app_engine(api).begin() as connection:
        assert revoke_api_client(connection, prefix=key.split("_")[1], now=datetime.now(UTC))
    return key


@pytest.mark.parametrize(
    "make_key",
    [
        pytest.param(lambda api: "", id="missing"),
        pytest.param(lambda api: "uw_000000000000_" + "0" * 40, id="unknown"),
        pytest.param(lambda api: api.key[:-1] + ("0" if api.key[-1] != "0" else "1"), id="wrong-secret"),
        pytest.param(lambda api: "Bearer " + api.key, id="malformed"),
        pytest.param(lambda api: "uw__", id="empty-parts"),
        pytest.param(_revoked_key, id="revoked"),
    ],
)
def test_bad_api_key_is_401_and_stores_nothing(api, make_key):
    key = make_key(api)
    decision_id = api.submit(avp_body()).json()["decision_id"]  # made with the good key
    before = row_counts(app_engine(api))

    posted = api.submit(avp_body(), key=key)
    read = api.get_decision(decision_id, key=key)

    for response in (posted, read):
        assert response.status_code == 401, response.text
        assert response.json() == {"detail": "missing or invalid API key"}
        assert response.headers["WWW-Authenticate"] == "ApiKey"
        assert_no_internals(response)
    assert row_counts(app_engine(api)) == before


def test_no_header_at_all_is_401(api):
    response = api.client.post("/v1/applications", json=avp_body())

    assert response.status_code == 401


def test_a_revoked_key_stops_working_for_a_new_app(api, settings):
    key = api.create_key("soon revoked")
    assert api.submit(avp_body(), key=key).status_code == 201
    with app_engine(api).begin() as connection:
        revoke_api_client(connection, prefix=key.split("_")[1], now=datetime.now(UTC))

    with TestClient(create_app(settings), raise_server_exceptions=False) as fresh:
        response = fresh.post("/v1/applications", json=avp_body(), headers={"X-API-Key": key})

    assert response.status_code == 401


# --- body size ------------------------------------------------------------------------------------------------


def test_body_over_the_limit_is_413(api, settings):
    body = avp_body(applicant__given_names="x" * (settings.max_body_bytes + 1))
    before = row_counts(app_engine(api))

    response = api.submit(body)

    assert response.status_code == 413
    assert response.json() == {"detail": f"request body larger than {settings.max_body_bytes} bytes"}
    assert_no_internals(response)
    assert row_counts(app_engine(api)) == before


def test_streamed_body_over_the_limit_is_413(api, settings):
    """Without a Content-Length (chunked), the limit is enforced while the body is read."""
    chunk = b" " * 8192
    chunks = settings.max_body_bytes // len(chunk) + 2
    before = row_counts(app_engine(api))

    response = api.client.post(
        "/v1/applications",
        content=iter([chunk] * chunks),
        headers={"X-API-Key": api.key, "Content-Type": "application/json"},
    )

    assert response.status_code == 413, response.text
    assert response.json() == {"detail": f"request body larger than {settings.max_body_bytes} bytes"}
    assert row_counts(app_engine(api)) == before


def test_body_of_exactly_the_limit_is_read(api, settings):
    content = json.dumps(avp_body()).encode()
    content = b" " * (settings.max_body_bytes - len(content)) + content

    response = api.client.post(
        "/v1/applications", content=content, headers={"X-API-Key": api.key, "Content-Type": "application/json"}
    )

    assert len(content) == settings.max_body_bytes
    assert response.status_code == 201, response.text


# --- unexpected errors ----------------------------------------------------------------------------------------


def test_unexpected_error_is_500_without_details(api, monkeypatch):
    async def explode(**_kwargs: Any) -> None:
        raise RuntimeError("secret internal detail at /srv/engine/decision/service.py")

    monkeypatch.setattr("engine.api.routes.applications.submit_application_async", explode)

    response = api.submit(avp_body())

    assert response.status_code == 500
    assert response.json() == {"detail": "internal error; nothing was decided"}
    assert "secret" not in response.text
    assert_no_internals(response)


# --- reading decisions ----------------------------------------------------------------------------------------


def test_a_decision_is_visible_only_to_the_client_that_made_it(api):
    decision_id = api.submit(avp_body()).json()["decision_id"]
    other = api.create_key("another form")

    foreign = api.get_decision(decision_id, key=other)
    unknown = api.get_decision(str(uuid.uuid4()), key=other)
    garbage = api.get_decision("not-a-uuid")

    assert api.get_decision(decision_id).status_code == 200
    assert foreign.status_code == unknown.status_code == garbage.status_code == 404
    assert foreign.json() == unknown.json() == garbage.json() == {"detail": "not found"}
    assert foreign.headers.get("content-length") == unknown.headers.get("content-length")
    assert_no_internals(foreign)


# --- Idempotency-Key ------------------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_and_body_returns_the_same_decision(api):
    body = avp_body()
    first = api.submit(body, idempotency_key="order-1")
    after_first = row_counts(app_engine(api))

    again = api.submit(body, idempotency_key="order-1")

    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first.headers
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert again.json()["decision_id"] == first.json()["decision_id"]
    assert again.json()["applicant_token"] == first.json()["applicant_token"]
    assert again.json() == first.json()
    assert row_counts(app_engine(api)) == after_first


def test_a_retry_of_a_rejection_replays_the_rejection(api):
    body = example("avp-rejected-claims")
    first = api.submit(body, idempotency_key="r")

    again = api.submit(body, idempotency_key="r")

    assert again.status_code == 200
    assert again.json()["outcome"] == first.json()["outcome"] == "rejected"
    assert again.json()["reasons"] == first.json()["reasons"]


def test_the_same_key_with_another_body_is_409_and_stores_nothing(api):
    api.submit(avp_body(), idempotency_key="order-2")
    before = row_counts(app_engine(api))

    response = api.submit(avp_body(cover__deductible_eur=100), idempotency_key="order-2")

    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["detail"]
    assert_no_internals(response)
    assert row_counts(app_engine(api)) == before


def test_without_a_key_every_request_is_a_new_decision(api):
    body = avp_body()
    first = api.submit(body).json()
    second = api.submit(body).json()

    assert first["decision_id"] != second["decision_id"]
    assert row_counts(app_engine(api))["decision_records"] == 2


def test_the_same_key_from_two_clients_gives_two_decisions(api):
    other = api.create_key("broker portal")
    body = avp_body()

    mine = api.submit(body, idempotency_key="shared")
    theirs = api.submit(body, key=other, idempotency_key="shared")

    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["decision_id"] != theirs.json()["decision_id"]
    assert mine.json()["applicant_token"] != theirs.json()["applicant_token"]
    assert api.get_decision(theirs.json()["decision_id"]).status_code == 404
    assert row_counts(app_engine(api))["decision_records"] == 2


def test_concurrent_requests_with_the_same_key_store_one_decision(api):
    body = avp_body()
    threads = 8
    barrier = threading.Barrier(threads)
    responses: list[Any] = []
    lock = threading.Lock()

    def send() -> None:
        barrier.wait()
        response = api.submit(body, idempotency_key="double-click")
        with lock:
            responses.append(response)

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    assert len(responses) == threads
    assert sorted(response.status_code for response in responses) == [200] * (threads - 1) + [201]
    assert len({response.json()["decision_id"] for response in responses}) == 1
    assert len({response.json()["applicant_token"] for response in responses}) == 1
    counts = row_counts(app_engine(api))
    assert counts["decision_records"] == counts["applications"] == counts["application_personal_data"] == 1
