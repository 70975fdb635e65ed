"""Replay: a recorded decision re-run on its stored inputs with the policy version it used gives the same result."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, update

from engine.bootstrap import build_runtime
from engine.config import PROJECT_ROOT, Environment, Settings
from engine.decision.service import DecisionRuntime, replay_decision
from engine.domain.products import Product
from engine.errors import NotFound
from engine.store.audit import verify_chain
from engine.store.tables import ApplicationPersonalDataRecord, DecisionRecord, table_of
from tests.api.support import EXPECTED, example
from tests.factories import avp_body, claims

_decisions = table_of(DecisionRecord)
_personal = table_of(ApplicationPersonalDataRecord)


@pytest.fixture
def newer_policies(tmp_path: Path, checked_runtime: DecisionRuntime) -> DecisionRuntime:
    """A runtime (with the checks) whose AVP policy is 1.3.0 (knockout at 3 claims instead of 4, a higher referral
    threshold) and whose policy directory no longer has 1.2.0."""
    directory = tmp_path / "policies"
    shutil.copytree(PROJECT_ROOT / "data" / "policies", directory)
    old = directory / "avp" / "1.2.0.yaml"
    source = old.read_text()
    changes = {
        "version: 1.2.0": "version: 1.3.0",
        "when: disclosure.claims_5y_count >= 4": "when: disclosure.claims_5y_count >= 3",
        "when: disclosure.claims_5y_count >= 2 and disclosure.claims_5y_count <= 3": (
            "when: disclosure.claims_5y_count == 2"
        ),
        "refer_at: 0.13": "refer_at: 0.14",
    }
    for before, after in changes.items():
        assert before in source
        source = source.replace(before, after)
    (directory / "avp" / "1.3.0.yaml").write_text(source)
    old.unlink()
    newer = build_runtime(Settings(environment=Environment.TEST, policy_dir=directory))
    assert checked_runtime.check_executor is not None
    return newer.with_checks(
        checked_runtime.checks,
        executor=checked_runtime.check_executor,
        budget_seconds=checked_runtime.check_budget_seconds,
    )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_example_replays_to_the_same_decision(db, runtime, submit, name):
    record = submit(example(name)).record

    with db.engine.connect() as connection:
        report = replay_decision(connection=connection, runtime=runtime, decision_id=record["id"])

    assert report.matches, report.differences
    assert report.replayed_outcome == report.stored_outcome == EXPECTED[name][0]
    assert report.replayed_reasons == report.stored_reasons
    assert report.policy_version == "1.2.0"


def test_a_decision_replays_under_its_policy_after_a_new_version_replaced_it(db, runtime, submit, newer_policies):
    three_claims = avp_body(disclosure__claims_last_5_years=claims(date.today(), 100, 200, 300))
    old = submit(three_claims).record
    assert old["outcome"] == "referred"
    assert newer_policies.policies.get(Product.AVP, "1.2.0") is None
    assert newer_policies.policies.active(Product.AVP).version == "1.3.0"

    new = submit(three_claims, runtime_=newer_policies).record
    with db.engine.connect() as connection:
        report = replay_decision(connection=connection, runtime=newer_policies, decision_id=old["id"])
        new_report = replay_decision(connection=connection, runtime=newer_policies, decision_id=new["id"])
        versions = connection.execute(select(_decisions.c.policy_version).order_by(_decisions.c.seq)).scalars().all()
        chain = verify_chain(connection)

    assert (new["outcome"], new["policy_version"]) == ("rejected", "1.3.0"), "the new version decides differently"
    assert report.policy_version == "1.2.0"
    assert report.matches, report.differences
    assert report.replayed_outcome == "referred"
    assert new_report.matches
    assert versions == ["1.2.0", "1.3.0"]
    assert chain.ok


def test_a_policy_file_edited_in_place_does_not_change_replay(db, runtime, submit, tmp_path):
    """Replay uses the policy by content hash: a file changed without a new version is not the policy that decided."""
    directory = tmp_path / "policies"
    shutil.copytree(PROJECT_ROOT / "data" / "policies", directory)
    path = directory / "avp" / "1.2.0.yaml"
    path.write_text(path.read_text().replace("claims_5y_count >= 4", "claims_5y_count >= 1"))
    edited = build_runtime(Settings(environment=Environment.TEST, policy_dir=directory))
    record = submit(example("avp-accepted")).record
    assert edited.policies.get(Product.AVP, "1.2.0").content_hash != record["policy_hash"]

    with db.engine.connect() as connection:
        report = replay_decision(connection=connection, runtime=edited, decision_id=record["id"])

    assert report.matches, report.differences
    assert report.replayed_outcome == "accepted"


def test_a_tampered_payload_replays_differently_and_fails_the_audit(db, runtime, submit):
    record = submit(example("avp-accepted")).record
    with db.engine.begin() as connection:
        payload = connection.execute(
            select(_personal.c.payload).where(_personal.c.application_id == record["application_id"])
        ).scalar_one()
        payload["disclosure"]["refused_or_cancelled_before"] = True
        connection.execute(
            update(_personal).where(_personal.c.application_id == record["application_id"]).values(payload=payload)
        )

    with db.engine.connect() as connection:
        report = replay_decision(connection=connection, runtime=runtime, decision_id=record["id"])
        chain = verify_chain(connection)

    assert not report.matches
    assert "outcome" in report.differences
    assert (report.stored_outcome, report.replayed_outcome) == ("accepted", "referred")
    assert not chain.ok
    assert chain.first_failure_id == record["id"]


def test_an_unknown_decision_cannot_be_replayed(db, runtime):
    with db.engine.connect() as connection, pytest.raises(NotFound):
        replay_decision(connection=connection, runtime=runtime, decision_id="00000000-0000-0000-0000-000000000000")
