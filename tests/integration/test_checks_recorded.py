"""Checks in the recorded decision: every result is stored with its source and version, details apart (restricted
where marked), fraud velocity counts other people from stored applications, and replay still matches."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from engine.checks.providers.local import LocalRegisters
from engine.checks.sanctions import SanctionsCheck
from engine.decision.rescreen import rescreen_accepted
from engine.decision.service import DecisionRuntime, replay_decision
from engine.registers.planted import PLANTED
from engine.store.checks import get_check_details, open_screening_alerts
from engine.store.database import Database
from tests.checks.test_planted_cases import body_of
from tests.factories import avp_body
from tests.integration.conftest import Submit

CHECKS = ["identity", "credit", "claims_history", "insolvency", "sanctions", "fraud"]


def test_every_check_result_is_recorded_with_its_source_and_version(submit: Submit, registers: LocalRegisters) -> None:
    record = submit(avp_body(date.today())).record
    assert record["outcome"] == "accepted", record["reasons"]
    assert [check["check"] for check in record["checks"]] == CHECKS
    for check in record["checks"]:
        assert check["status"] == "clear"
        assert check["source"].startswith("local:")
        assert check["source_version"] == registers.manifest.version
        assert "details" not in check  # details are stored apart
    assert record["facts"]["credit.found"] in (True, False)
    assert record["facts"]["sanctions.potential_match"] is False


def test_a_planted_case_refers_with_the_rule_and_its_details_are_stored_apart(submit: Submit, db: Database) -> None:
    record = submit(body_of(PLANTED["claims_three_recent"])).record
    assert record["outcome"] == "referred"
    codes = [reason["code"] for reason in record["reasons"]]
    assert "NON_DISCLOSURE" in codes
    with db.engine.connect() as connection:
        visible = get_check_details(connection, record["id"], roles=[])
    assert len(visible["claims_history"]["registrations"]) == 3
    assert "fraud" not in visible  # restricted to the fraud role
    with db.engine.connect() as connection:
        fraud_view = get_check_details(connection, record["id"], roles=["fraud"])
    assert fraud_view["fraud"]["inconsistencies"] == ["registered claims not declared"]


def test_fraud_velocity_counts_other_people_with_the_same_phone(submit: Submit) -> None:
    phone = "06 1999 7777"
    people = ["clean", "credit_band_e", "twin_a"]
    records = [submit(body_of(PLANTED[key], applicant__phone=phone)).record for key in people]
    counts = [record["facts"]["fraud.shared_phone_persons"] for record in records]
    assert counts == [0, 1, 2]
    assert "FRAUD_SIGNALS" in [reason["code"] for reason in records[2]["reasons"]]
    assert records[2]["reasons"][-1]["route"] == "fraud"
    again = submit(body_of(PLANTED["clean"], applicant__phone=phone)).record  # the same person again is no signal
    assert again["facts"]["fraud.shared_phone_persons"] == 2


def test_replay_of_a_decision_with_checks_matches(submit: Submit, db: Database, runtime: DecisionRuntime) -> None:
    record = submit(body_of(PLANTED["credit_arrears_recent"])).record
    assert "CREDIT_ARREARS" in [reason["code"] for reason in record["reasons"]]
    with db.engine.connect() as connection:
        report = replay_decision(connection=connection, runtime=runtime, decision_id=record["id"])
    assert report.matches, report.differences


def test_rescreening_opens_one_alert_per_new_potential_match(
    submit: Submit, db: Database, registers: LocalRegisters
) -> None:
    accepted = submit(body_of(PLANTED["clean"])).record
    assert accepted["outcome"] == "accepted"

    class ListedNow:
        """The list after an update that added the accepted applicant."""

        name = "sanctions"
        source = "test:sanctions"

        def lookup(self, query: Any) -> Any:
            answer = registers.sanctions.lookup(query)
            person = PLANTED["clean"]
            entry = {
                "id": "EU.9999.99",
                "kind": "person",
                "names": [f"{person.given_names} {person.family_name}"],
                "birth_dates": [person.date_of_birth.isoformat()],
                "nationalities": ["NL"],
                "programme": "TEST",
                "listed_on": "2026-11-25",
            }
            from engine.registers.records import SanctionsEntry

            return answer.model_copy(update={"records": [*answer.records, SanctionsEntry.model_validate(entry)]})

    now = datetime.now(UTC)
    check = SanctionsCheck(ListedNow())
    first = rescreen_accepted(db.engine, check, list_version="v2", now=now)
    again = rescreen_accepted(db.engine, check, list_version="v2", now=now)
    assert (first.screened, first.potential_matches, first.new_alerts) == (1, 1, 1)
    assert (again.potential_matches, again.new_alerts) == (1, 0)
    with db.engine.connect() as connection:
        alerts = open_screening_alerts(connection)
    assert [alert["decision_id"] for alert in alerts] == [accepted["id"]]
    assert alerts[0]["matches"][0]["entry_id"] == "EU.9999.99"


def test_a_fraud_referral_shows_the_applicant_only_a_neutral_code(submit: Submit, db: Database) -> None:
    record = submit(body_of(PLANTED["incident_register_email"])).record
    assert "FRAUD_SIGNALS" in [reason["code"] for reason in record["reasons"]]  # the reviewer's reasons
    shown = record["notice"]["reasons"]
    assert [reason["code"] for reason in shown] == ["ADDITIONAL_VERIFICATION"]
    notice = json.dumps(record["notice"]).lower()
    assert "fraud" not in notice and "sanction" not in notice and "incident" not in notice


def test_an_incident_entry_in_the_claims_register_is_for_the_fraud_role_only(submit: Submit, db: Database) -> None:
    record = submit(body_of(PLANTED["incident_active"])).record
    with db.engine.connect() as connection:
        assert "claims_history" not in get_check_details(connection, record["id"], roles=["underwriter"])
        assert get_check_details(connection, record["id"], roles=["fraud"])["claims_history"]["registrations"]


def test_the_record_holds_the_hash_of_the_details_stored_apart(submit: Submit, db: Database) -> None:
    record = submit(body_of(PLANTED["claims_three_recent"])).record
    with db.engine.connect() as connection:
        details = get_check_details(connection, record["id"], roles=["fraud", "compliance"])
    for check in record["checks"]:
        if check["check"] in details:
            text = json.dumps(details[check["check"]], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            assert check["details_sha256"] == hashlib.sha256(text.encode()).hexdigest()


def test_people_applying_at_the_same_moment_with_one_phone_see_each_other(submit: Submit) -> None:
    from concurrent.futures import ThreadPoolExecutor

    keys = ["clean", "credit_band_e", "twin_a", "twin_b", "credit_arrears_old_resolved", "nonpayment_expired"]
    bodies = [body_of(PLANTED[key], applicant__phone="06 1999 8888") for key in keys]
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        records = [submitted.record for submitted in pool.map(submit, bodies)]
    counts = sorted(record["facts"]["fraud.shared_phone_persons"] for record in records)
    assert counts == [0, 1, 2, 3, 4, 5]  # each sees every one before it, committed or still being decided
    flagged = [record for record in records if "FRAUD_SIGNALS" in [r["code"] for r in record["reasons"]]]
    assert len(flagged) == 4
