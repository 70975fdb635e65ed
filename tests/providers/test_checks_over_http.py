"""The whole path with a register over HTTP (a real local server): the credit bureau configured by URL answers the
credit check; when it fails in any way the application is referred, the reason names the credit bureau, and the
failure is recorded with the check result. Nothing is rejected for an outage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.api.app import create_app
from engine.checks.providers.local import LocalRegisters
from engine.config import Environment, Settings
from engine.registers.planted import PLANTED
from tests.checks.test_planted_cases import body_of
from tests.factories import avp_body
from tests.providers.server import RegisterServer, answer, close_connection, hang, json_reply, status

DEMO = "uw_demo_localdevelopmentonly"


@pytest.fixture
def client(tmp_path: Any, server: RegisterServer, registers: LocalRegisters) -> Iterator[TestClient]:
    settings = Settings(
        environment=Environment.DEVELOPMENT,  # migrates the fresh database and creates the demo key
        database_url=f"sqlite:///{tmp_path / 'http.db'}",
        register_urls={"credit": server.url},
        register_retries=1,
        check_timeout_ms=200,
        check_budget_ms=300,
        log_json=False,
        log_level="WARNING",
    )
    with TestClient(create_app(settings, registers=registers), raise_server_exceptions=False) as test_client:
        yield test_client


def submit(client: TestClient, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/applications", json=body, headers={"X-API-Key": DEMO})
    assert response.status_code == 201, response.text
    return response.json()


ARREARS = {"person_id": "B-1", "score_band": "C", "arrears": [{"registered_on": "2026-09-01", "amount_eur": 700}]}


def test_the_credit_bureau_over_http_answers_the_credit_check(client: TestClient, server: RegisterServer) -> None:
    server.always(answer([ARREARS], source_version="bureau-2026-11-24"))
    decision = submit(client, body_of(PLANTED["clean"]))
    assert decision["outcome"] == "referred"
    codes = [reason["code"] for reason in decision["reasons"]]
    assert codes[0] == "CREDIT_ARREARS"
    assert set(codes) <= {"CREDIT_ARREARS", "RISK_SCORE_ELEVATED"}  # band C with arrears: the model may refer too
    sent = server.requests[0]
    assert sent.path.endswith("/credit/lookup")
    assert sent.json()["family_name"] == "Proefhuizen"


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(status(503), id="503"),
        pytest.param(hang(), id="no-answer"),
        pytest.param(close_connection(), id="connection-closed"),
        pytest.param(json_reply({"records": "not a list"}), id="malformed"),
        pytest.param(json_reply({"source_version": "x", "records": [{"score_band": "Z"}]}), id="wrong-types"),
    ],
)
def test_a_failing_credit_bureau_refers_and_names_the_source(
    client: TestClient, server: RegisterServer, failure: Any
) -> None:
    server.always(failure)
    decision = submit(client, avp_body(date.today()))
    assert decision["outcome"] == "referred"
    codes = [reason["code"] for reason in decision["reasons"]]
    assert codes == ["CHECK_UNAVAILABLE"]
    assert "kredietbureau" in decision["reasons"][0]["text"]
