"""Health, readiness, metrics, the OpenAPI document, and what a client sees when the store fails."""

from __future__ import annotations

from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from engine.store.audit import verify_chain
from tests.api.support import app_engine, assert_no_internals, example, row_counts
from tests.factories import avp_body


def _services(api: Any) -> Any:
    return api.client.app.state.services


def _metric(api: Any, name: str, **labels: str) -> float:
    response = api.client.get("/metrics")
    assert response.status_code == 200
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


def _operational_error(*_args: Any, **_kwargs: Any) -> Any:
    raise OperationalError("INSERT INTO decision_records ...", {}, Exception("disk I/O error"))


async def _operational_error_async(*args: Any, **kwargs: Any) -> Any:
    return _operational_error(*args, **kwargs)


# --- health --------------------------------------------------------------------------------------------------


def test_live(api):
    response = api.client.get("/health/live")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_ready_with_the_database_at_head(api):
    response = api.client.get("/health/ready")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["migrations"] == "ok"
    assert body["checks"]["policies"] == "AVB 1.2.0, AVP 1.2.0"


def test_not_ready_without_the_database(api, monkeypatch):
    monkeypatch.setattr(app_engine(api), "connect", _operational_error)

    response = api.client.get("/health/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable: OperationalError"
    assert_no_internals(response)


def test_not_ready_when_a_migration_is_pending(api):
    with app_engine(api).begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))

    response = api.client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["migrations"].startswith("pending: ")


# --- metrics -------------------------------------------------------------------------------------------------


def test_decisions_are_counted_by_product_and_outcome(api):
    rejected = {"product": "AVP", "outcome": "rejected"}
    accepted = {"product": "AVB", "outcome": "accepted"}
    before_rejected = _metric(api, "underwrite_decisions_total", **rejected)
    before_accepted = _metric(api, "underwrite_decisions_total", **accepted)

    api.submit(example("avp-rejected-claims"), idempotency_key="once")
    api.submit(example("avp-rejected-claims"), idempotency_key="once")  # a replay is not a new decision
    api.submit(example("avb-accepted"))

    assert _metric(api, "underwrite_decisions_total", **rejected) == before_rejected + 1
    assert _metric(api, "underwrite_decisions_total", **accepted) == before_accepted + 1
    assert _metric(api, "underwrite_decision_seconds_count", product="AVP") == 1


def test_applications_refused_by_the_service_are_counted(api):
    api.submit(avp_body(notice_version="0.0.1"))

    assert _metric(api, "underwrite_invalid_applications_total", product="AVP") == 1


# --- the OpenAPI document ------------------------------------------------------------------------------------


def test_openapi_documents_the_form_api_and_its_key(api):
    document = api.client.get("/openapi.json").json()

    schemes = document["components"]["securitySchemes"]
    [(scheme_name, scheme)] = [(name, s) for name, s in schemes.items() if s.get("name") == "X-API-Key"]
    assert scheme["type"] == "apiKey"
    assert scheme["in"] == "header"
    post = document["paths"]["/v1/applications"]["post"]
    assert {scheme_name: []} in post["security"]
    assert {"201", "401", "409", "413", "422", "503"} <= set(post["responses"])
    assert {scheme_name: []} in document["paths"]["/v1/decisions/{decision_id}"]["get"]["security"]
    assert "security" not in document["paths"]["/v1/products/{code}/notice"]["get"]
    request_schema = str(post["requestBody"])
    assert "AvpApplication" in request_schema
    assert "AvbApplication" in request_schema


# --- when the store fails: 503, never a decision -------------------------------------------------------------


def test_store_failure_is_503_with_retry_after_and_no_decision(api, monkeypatch):
    monkeypatch.setattr(_services(api).db.writer, "write_async", _operational_error_async)
    before = row_counts(app_engine(api))

    response = api.submit(example("avp-rejected-claims"), idempotency_key="k1")

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert "outcome" not in response.json()
    assert "nothing was decided" in response.json()["detail"]
    assert_no_internals(response)
    assert row_counts(app_engine(api)) == before
    assert _metric(api, "underwrite_store_failures_total") == 1
    assert _metric(api, "underwrite_decisions_total", product="AVP", outcome="rejected") == 0


def test_a_failure_halfway_through_the_write_leaves_nothing_behind(api, monkeypatch):
    monkeypatch.setattr("engine.store.decisions.append_decision_record", _operational_error)
    before = row_counts(app_engine(api))

    failed = api.submit(avp_body(), idempotency_key="retry-me")

    assert failed.status_code == 503
    assert row_counts(app_engine(api)) == before, "the application rows written before the failure are rolled back"

    monkeypatch.undo()
    retried = api.submit(avp_body(), idempotency_key="retry-me")

    assert retried.status_code == 201, "the retry is decided afresh, not refused as a replay of nothing"
    with app_engine(api).connect() as connection:
        report = verify_chain(connection)
    assert report.ok
    assert report.checked == 1


def test_store_unreadable_for_the_idempotency_check_is_503(api, monkeypatch):
    monkeypatch.setattr("engine.store.decisions.find_by_idempotency_key", _operational_error)

    response = api.submit(avp_body(), idempotency_key="k")

    assert response.status_code == 503
    assert response.headers["Retry-After"]


def test_a_writer_that_times_out_is_503(api, monkeypatch):
    async def stuck(*_args: Any, **_kwargs: Any) -> Any:
        raise TimeoutError

    monkeypatch.setattr(_services(api).db.writer, "write_async", stuck)

    assert api.submit(avp_body()).status_code == 503


def test_a_closed_writer_is_503(api):
    _services(api).db.writer.close()
    before = row_counts(app_engine(api))

    response = api.submit(avp_body())

    assert response.status_code == 503
    assert row_counts(app_engine(api)) == before
