"""What review adds to the intake of an application: whether a person must decide from the start (a standing
objection, suspended automation), and the review case of a referred decision, written with its record."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update

from engine.decision.reasons import (
    AUTOMATION_SUSPENDED,
    OBJECTED_EARLIER,
    OBJECTED_TO_AUTOMATED_DECISION,
    PROCESSING_RESTRICTED,
)
from engine.domain.application import AvbApplication, AvpApplication
from engine.domain.decision import Reason
from engine.privacy.limits import is_restricted
from engine.registers.identifiers import compact_postcode, fold
from engine.review.automation import AutomationSwitch
from engine.review.due import due_at
from engine.review.roles import CaseReason, CaseState, needs_senior, route_for
from engine.store.tables import ObjectionRecord, ReviewCaseRecord, ReviewEventRecord, table_of

_objections = table_of(ObjectionRecord)
_cases = table_of(ReviewCaseRecord)
_events = table_of(ReviewEventRecord)
# Built once: a constant statement run with a parameter dict goes straight to the compiled cache (this is on the
# path of every application).
_HAS_OBJECTION = (
    select(_objections.c.id).where(_objections.c.identity_key.in_(bindparam("keys", expanding=True))).limit(1)
)
_INSERT_CASE = insert(_cases)
_INSERT_EVENT = insert(_events)


@dataclass(frozen=True, slots=True)
class ReviewRules:
    """The service level and authority limits of review (from settings)."""

    due_working_days: int = 5
    senior_limit_eur: int = 2_500_000


def identity_keys(application: AvpApplication | AvbApplication, *, secret: bytes) -> list[str]:
    """Who the applicant is, as keys an objection is filed under: name and date of birth, and e-mail and date of
    birth (so a new address or e-mail alone does not lose the objection). HMAC-SHA-256 with the server's secret,
    never in clear, and not reversible by trying names and birth dates without the secret."""
    person = application.applicant
    born = person.date_of_birth.isoformat()
    name = fold(f"{person.given_names}{person.family_name_prefix or ''}{person.family_name}")
    texts = (f"name:{name}|{born}", f"email:{person.email.strip().lower()}|{born}")
    return [hmac.new(secret, f"objection-identity:{text}".encode(), hashlib.sha256).hexdigest() for text in texts]


def address_key(application: AvpApplication | AvbApplication, *, secret: bytes) -> str:
    """Who the applicant is, with where they live: name, date of birth and address, as one keyed hash."""
    person = application.applicant
    address = person.address
    name = fold(f"{person.given_names}{person.family_name_prefix or ''}{person.family_name}")
    home = f"{compact_postcode(address.postcode)}|{address.house_number}|{fold(address.house_number_addition or '')}"
    text = f"subject-identity:address:{name}|{person.date_of_birth.isoformat()}|{home}"
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()


def person_keys_for_limits(application: AvpApplication | AvbApplication, *, secret: bytes) -> list[str]:
    """The keys a restriction or objection limit is matched on: e-mail and date of birth, and name, date of birth
    and address. Never name and date of birth alone, so a namesake born the same day is not limited for someone
    else."""
    return [identity_keys(application, secret=secret)[1], address_key(application, secret=secret)]


def has_standing_objection(connection: Connection, keys: Iterable[str]) -> bool:
    return connection.execute(_HAS_OBJECTION, {"keys": list(keys)}).first() is not None


def record_objection(
    connection: Connection, *, keys: Iterable[str], application_id: str, decision_id: str, now: datetime
) -> None:
    """File the objection under each key not filed yet (objecting twice changes nothing)."""
    keys = list(keys)
    known = set(
        connection.execute(select(_objections.c.identity_key).where(_objections.c.identity_key.in_(keys))).scalars()
    )
    for key in keys:
        if key in known:
            continue
        connection.execute(
            insert(_objections).values(
                identity_key=key, application_id=application_id, decision_id=decision_id, created_at=now
            )
        )


def machine_record_of(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The latest automated decision among an application's decisions (oldest first): what the machine saw."""
    return next((r for r in reversed(records) if r["basis"] == "automated"), records[0])


def machine_view(record: dict[str, Any]) -> str | None:
    """What the machine concluded about an application: its outcome when it decided, its advice when a person
    had to decide; None when it could not say (it referred for lack of facts)."""
    if record["basis"] == "automated" and record["outcome"] in ("accepted", "rejected"):
        return str(record["outcome"])
    advice = record.get("advice")
    return str(advice) if advice in ("accepted", "rejected") else None


def new_case(
    record: dict[str, Any],
    *,
    reason: CaseReason,
    insured_limit_eur: int,
    opened_at: datetime,
    rules: ReviewRules,
    machine_record: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A review case about ``record`` (a decision record's columns), routed by the reasons of the machine's record
    behind it: ``record`` itself, or for a person's decision the automated one it replaced (``machine_record``), so
    that a contested compliance or fraud decision goes back to compliance or fraud."""
    machine_record = machine_record or record
    reasons = machine_record["reasons"]
    sources = {r["source"] for r in reasons}
    routes = {r["route"] for r in reasons if r.get("route")}
    route = route_for(
        reason_routes=routes,
        reason_sources=sources,
        insured_limit_eur=insured_limit_eur,
        senior_limit_eur=rules.senior_limit_eur,
    )
    return {
        "id": str(uuid.uuid4()),
        "application_id": record["application_id"],
        "decision_id": record["id"],
        "product": record["product"],
        "reason": reason.value,
        "route": route.value,
        "state": CaseState.OPEN.value,
        "opened_at": opened_at,
        "due_at": due_at(opened_at, working_days=rules.due_working_days),
        "claimed_by": None,
        "claimed_at": None,
        "decided_at": None,
        "outcome_decision_id": None,
        "machine_view": machine_view(machine_record),
        "reason_codes": sorted({r["code"] for r in reasons}),
        "insured_limit_eur": insured_limit_eur,
        "needs_senior": needs_senior(
            reason_routes=routes,
            reason_sources=sources,
            insured_limit_eur=insured_limit_eur,
            senior_limit_eur=rules.senior_limit_eur,
        ),
        "statement": None,
        "corrections": [],
        "handling_seconds": 0.0,
        "version": 1,
    }


def insert_case(connection: Connection, case: dict[str, Any], *, actor: str, data: dict[str, Any]) -> None:
    connection.execute(_INSERT_CASE, case)
    add_event(connection, case_id=case["id"], at=case["opened_at"], actor=actor, kind="opened", data=data)


def close_superseded_case(connection: Connection, *, application_id: str, decision_id: str, now: datetime) -> None:
    """A rectified application: its active case (if any) is closed, since the corrected version was decided again
    (and opens its own case if a person must decide it). Unclaimed on closing: no reviewer decided it."""
    case = connection.execute(
        select(_cases.c.id).where(_cases.c.application_id == application_id, _cases.c.state != CaseState.DECIDED.value)
    ).first()
    if case is None:
        return
    connection.execute(
        update(_cases)
        .where(_cases.c.id == case.id)
        .values(
            state=CaseState.DECIDED.value,
            decided_at=now,
            outcome_decision_id=decision_id,
            claimed_by=None,
            claimed_at=None,
            version=_cases.c.version + 1,
        )
    )
    add_event(connection, case_id=case.id, at=now, actor="system", kind="superseded", data={"decision_id": decision_id})


def add_event(
    connection: Connection, *, case_id: str, at: datetime, actor: str, kind: str, data: dict[str, Any]
) -> None:
    connection.execute(_INSERT_EVENT, {"case_id": case_id, "at": at, "actor": actor, "kind": kind, "data": data})


@dataclass(frozen=True)
class ReviewIntake:
    """Built once per process: the review rules and the automation switch."""

    rules: ReviewRules
    automation: AutomationSwitch
    identity_secret: bytes  # keys objections to the applicant's identity (HMAC)

    @classmethod
    def for_engine(cls, engine: Engine, rules: ReviewRules, *, identity_secret: bytes) -> ReviewIntake:
        return cls(rules=rules, automation=AutomationSwitch(engine), identity_secret=identity_secret)

    def person_first(self, engine: Engine, application: AvpApplication | AvbApplication) -> Reason | None:
        """Why a person must decide this application from the start, whatever the machine concludes: a standing
        objection comes first (it is the applicant's right), then a restriction of their data, then suspended
        automation."""
        if application.objects_to_automated_decision:
            return OBJECTED_TO_AUTOMATED_DECISION
        keys = identity_keys(application, secret=self.identity_secret)
        with engine.connect() as connection:
            if has_standing_objection(connection, keys):
                return OBJECTED_EARLIER
            if is_restricted(connection, person_keys_for_limits(application, secret=self.identity_secret)):
                return PROCESSING_RESTRICTED
        if self.automation.suspended(application.product.value):
            return AUTOMATION_SUSPENDED
        return None

    def case_for(
        self, record: dict[str, Any], application: AvpApplication | AvbApplication, *, now: datetime
    ) -> dict[str, Any] | None:
        """The case a new decision opens: every referral goes to a person."""
        if record["outcome"] != "referred":
            return None
        first = record["reasons"][0]["code"] if record["reasons"] else None
        objected = first in (OBJECTED_TO_AUTOMATED_DECISION.code, OBJECTED_EARLIER.code)
        return new_case(
            record,
            reason=CaseReason.OBJECTED if objected else CaseReason.REFERRED,
            insured_limit_eur=application.cover.insured_limit_eur,
            opened_at=now,
            rules=self.rules,
        )
