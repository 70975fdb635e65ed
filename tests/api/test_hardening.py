"""Input a form should never send is refused with the field and the reason, and stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from engine.api.app import create_app
from engine.config import DEMO_API_KEY, Environment, Settings
from engine.store.clients import create_api_client
from tests.api.support import app_engine, row_counts
from tests.factories import avb_body, avp_body, claims


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        pytest.param(avp_body(applicant__family_name="Vries\x00"), ["body", "applicant", "family_name"], id="nul"),
        pytest.param(
            avp_body(applicant__address__city="Utrecht\x1b[31m"), ["body", "applicant", "address", "city"], id="esc"
        ),
        pytest.param(avp_body(disclosure__insolvency="no"), ["body", "disclosure", "insolvency"], id="boolean-as-text"),
        pytest.param(
            avp_body(consents__privacy_statement_acknowledged=1),
            ["body", "consents", "privacy_statement_acknowledged"],
            id="boolean-as-number",
        ),
        pytest.param(
            avp_body(cover__insured_limit_eur="2500000"), ["body", "cover", "insured_limit_eur"], id="number-as-text"
        ),
        pytest.param(
            avp_body(applicant__date_of_birth=500_000_000), ["body", "applicant", "date_of_birth"], id="date-as-epoch"
        ),
        pytest.param(
            avb_body(company__annual_turnover_eur=10**20), ["body", "company", "annual_turnover_eur"], id="huge-amount"
        ),
    ],
)
def test_malformed_values_are_422_with_their_field_and_store_nothing(api, body, loc):
    before = row_counts(app_engine(api))

    response = api.submit(body)

    assert response.status_code == 422, response.text
    assert [problem["loc"] for problem in response.json()["detail"]] == [loc]
    assert row_counts(app_engine(api)) == before


def test_a_claim_description_may_span_lines(api):
    body = avp_body()
    body["disclosure"]["claims_last_5_years"] = claims(datetime.now(UTC).date(), 300)
    body["disclosure"]["claims_last_5_years"][0]["description"] = "Bril van een vriend.\nGerepareerd."

    assert api.submit(body).status_code == 201


def test_an_empty_idempotency_key_is_refused(api):
    response = api.submit(avp_body(), idempotency_key="")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "idempotency-key"]


def test_a_referred_applicant_is_not_shown_a_knockout_that_did_not_decide(api):
    today = datetime.now(UTC).date()
    body = avp_body(
        disclosure__refused_or_cancelled_before=True,
        disclosure__claims_last_5_years=claims(today, 100, 200, 300, 400),
    )

    decision = api.submit(body).json()

    assert decision["outcome"] == "referred"
    codes = [reason["code"] for reason in decision["reasons"]]
    assert codes[0] == "PREVIOUSLY_REFUSED_OR_CANCELLED"
    assert "CLAIMS_FREQUENCY_HIGH" not in codes and "RISK_SCORE_HIGH" not in codes  # rejections that did not decide
    assert set(codes) <= {"PREVIOUSLY_REFUSED_OR_CANCELLED", "RISK_SCORE_ELEVATED"}  # the model may refer too


@pytest.mark.parametrize(("environment", "status"), [(Environment.DEVELOPMENT, 201), (Environment.TEST, 401)])
def test_the_demo_key_works_only_in_development(database_url, environment, status):
    app = create_app(Settings(environment=environment, database_url=database_url, log_json=False))
    with TestClient(app) as client:
        if environment is not Environment.DEVELOPMENT:  # as if a development database were run in production
            with app.state.services.db.engine.begin() as connection:
                create_api_client(connection, name="demo", now=datetime.now(UTC), key=DEMO_API_KEY)
        response = client.post("/v1/applications", json=avp_body(), headers={"X-API-Key": DEMO_API_KEY})
    assert response.status_code == status
