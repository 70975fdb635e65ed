"""Property: every stored decision replays to the same outcome, reasons, rules and notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.decision.service import replay_decision, submit_application
from engine.store.clients import create_api_client
from tests.factories import application, avb_body, avp_body

NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
TODAY = NOW.date()


@st.composite
def bodies(draw: st.DrawFn) -> dict:
    product = draw(st.sampled_from(["AVP", "AVB"]))
    body = avp_body(TODAY) if product == "AVP" else avb_body(TODAY)
    age_days = draw(st.integers(min_value=16 * 366, max_value=90 * 365))
    body["applicant"]["date_of_birth"] = (TODAY - timedelta(days=age_days)).isoformat()
    amounts = draw(st.lists(st.integers(min_value=0, max_value=120_000), max_size=6))
    body["disclosure"]["claims_last_5_years"] = [
        {"date": (TODAY - timedelta(days=1 + 250 * i)).isoformat(), "amount_eur": amount}
        for i, amount in enumerate(amounts)
    ]
    for flag in ("refused_or_cancelled_before", "criminal_record_last_8_years", "insolvency"):
        body["disclosure"][flag] = draw(st.booleans())
    body["objects_to_automated_decision"] = draw(st.booleans())
    body["language"] = draw(st.sampled_from(["nl", "en"]))
    if product == "AVB":
        body["cover"]["insured_limit_eur"] = draw(st.sampled_from([1_250_000, 2_500_000, 5_000_000]))
        body["company"]["sbi_code"] = draw(st.sampled_from(["4120", "4311", "2011", "6201", "0610"]))
        body["company"]["staff_count"] = draw(st.integers(min_value=0, max_value=200))
        founded = draw(st.integers(min_value=0, max_value=40 * 365))
        body["company"]["founding_date"] = (TODAY - timedelta(days=founded)).isoformat()
    return body


def test_every_stored_decision_replays_to_the_same_decision(db, runtime):
    with db.engine.begin() as connection:
        client, _ = create_api_client(connection, name="property", now=NOW)
    stored: list[str] = []

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(body=bodies(), seconds=st.integers(min_value=0, max_value=86_399))
    def submit(body: dict, seconds: int) -> None:
        now = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC) + timedelta(seconds=seconds)
        submitted = submit_application(
            db=db,
            runtime=runtime,
            client_id=client.id,
            application=application(body),
            idempotency_key=None,
            now=now,
        )
        stored.append(submitted.record["id"])
        with db.engine.connect() as connection:
            report = replay_decision(connection=connection, runtime=runtime, decision_id=submitted.record["id"])
        assert report.matches, report.differences
        assert report.replayed_outcome == submitted.record["outcome"]

    submit()
    assert len(stored) >= 40
