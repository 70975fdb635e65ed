"""Development only: demo staff accounts (one per role, printed on start) and demo cases in the review queue, made
by deciding the shipped example applications and a few variants through the real intake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import func, select

from engine.decision.service import DecisionRuntime, submit_application
from engine.decision.tokens import applicant_token
from engine.domain.application import Application, AvbApplication, AvpApplication
from engine.examples import load_example
from engine.review.applicant import object_to_automation, request_review
from engine.review.roles import Role
from engine.review.staff import create_staff, get_staff_by_username
from engine.store.database import Database
from engine.store.tables import ReviewCaseRecord, table_of

DEMO_STAFF_PASSWORD = "demo-password-local-only"  # noqa: S105 - development only; refused elsewhere
DEMO_STAFF = (
    ("underwriter", Role.UNDERWRITER, "Demo Underwriter"),
    ("senior", Role.SENIOR_UNDERWRITER, "Demo Senior Underwriter"),
    ("compliance", Role.COMPLIANCE, "Demo Compliance Officer"),
    ("fraud", Role.FRAUD, "Demo Fraud Investigator"),
    ("auditor", Role.AUDITOR, "Demo Auditor"),
    ("admin", Role.ADMIN, "Demo Admin"),
    ("privacy", Role.PRIVACY, "Demo Privacy Officer"),
)
_ADAPTER: TypeAdapter[AvpApplication | AvbApplication] = TypeAdapter(Application)
_VARIANTS = (("Sanne", "1979-03-14"), ("Joris", "1985-11-02"), ("Fatima", "1992-07-21"), ("Pieter", "1968-01-30"))


@dataclass(frozen=True, slots=True)
class DemoSeed:
    staff_created: int
    cases_opened: int
    privacy_requests: int = 0


def ensure_demo_staff(db: Database, *, now: datetime) -> int:
    """The demo accounts that do not exist yet; returns how many were made."""
    made = 0
    with db.engine.begin() as connection:
        for username, role, name in DEMO_STAFF:
            if get_staff_by_username(connection, username) is None:
                create_staff(
                    connection,
                    username=username,
                    display_name=name,
                    role=role,
                    password=DEMO_STAFF_PASSWORD,
                    now=now,
                )
                made += 1
    return made


def _bodies(today: date) -> list[dict[str, Any]]:
    bodies = [
        load_example(name, today=today)
        for name in (
            "avp-referred-prior-cancellation",
            "avp-referred-credit-arrears",
            "avp-objects-to-automated-decision",
            "avb-referred-above-authority",
        )
    ]
    for number, (given, born) in enumerate(_VARIANTS):
        # Other people, each at an address of their own: the shipped examples' applicant shares nothing with them,
        # so the README's example is still accepted after the demo data. The first three share one e-mail
        # address, so the third is referred with a fraud signal (two other people applied with it).
        body = load_example("avp-referred-prior-cancellation", today=today)
        address = body["applicant"]["address"] | {"house_number": 121 + number, "house_number_addition": None}
        email = "gedeeld.demo@example.nl" if number < 3 else f"{given.lower()}.demo@example.nl"
        body["applicant"] |= {
            "given_names": given,
            "date_of_birth": born,
            "email": email,
            "phone": f"06 2345678{number}",
            "address": address,
        }
        bodies.append(body)
    return bodies


def seed_demo_cases(db: Database, runtime: DecisionRuntime, *, client_id: str, now: datetime) -> int:
    """Demo cases, once: when the queue has never had a case. Returns how many cases were opened."""
    cases = table_of(ReviewCaseRecord)
    with db.engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(cases)).scalar_one():
            return 0
    today = now.date()

    def submit(body: dict[str, Any]) -> str:
        application = _ADAPTER.validate_python(body)
        submitted = submit_application(
            db=db, runtime=runtime, client_id=client_id, application=application, idempotency_key=None, now=now
        )
        return str(submitted.record["id"])

    contested = submit(load_example("avp-rejected-claims", today=today))  # rejected, then contested
    objected = submit(load_example("avb-accepted", today=today))  # accepted, then objected to
    for body in _bodies(today):
        submit(body)
    review = runtime.review
    assert review is not None, "demo cases need the review intake"
    rules = review.rules
    with db.engine.begin() as connection:
        request_review(
            connection,
            decision_id=contested,
            token=applicant_token(runtime.token_key, contested),
            statement="Twee van die schades waren één voorval (storm, dezelfde dag); het gaat om drie meldingen.",
            corrections=[],
            now=now,
            rules=rules,
        )
        object_to_automation(
            connection,
            decision_id=objected,
            token=applicant_token(runtime.token_key, objected),
            statement="Ik wil dat een mens naar mijn aanvraag kijkt.",
            now=now,
            rules=rules,
            identity_secret=review.identity_secret,
        )
    with db.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(cases)).scalar_one())
