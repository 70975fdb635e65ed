"""Helpers of the review tests: applications that land on each route, staff of every role, the review tables'
counts, and direct reads of cases."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select, update

from engine.examples import dutch_today
from engine.registers.planted import PLANTED, PlantedPerson
from engine.review.roles import Role, Route
from engine.store.tables import (
    AutomationSuspensionRecord,
    DecisionRecord,
    HumanDecisionTextRecord,
    ObjectionRecord,
    ReviewCaseRecord,
    ReviewEventRecord,
    StaffAccessRecord,
    StaffSessionRecord,
    table_of,
)
from tests.api.support import app_engine, example
from tests.conftest import STAFF_PASSWORD, Api
from tests.factories import avp_body, planted_fields

CASES = table_of(ReviewCaseRecord)
EVENTS = table_of(ReviewEventRecord)
DECISIONS = table_of(DecisionRecord)
SUSPENSIONS = table_of(AutomationSuspensionRecord)
ACCESS = table_of(StaffAccessRecord)
SESSIONS = table_of(StaffSessionRecord)
TEXTS = table_of(HumanDecisionTextRecord)
OBJECTIONS = table_of(ObjectionRecord)

ROLES = list(Role)
_serial = itertools.count(1)


def person_body(person: PlantedPerson, **overrides: Any) -> dict[str, Any]:
    """An AVP application, dated for today, from a planted register person."""
    fields = planted_fields(person)
    return avp_body(dutch_today(), **(fields | overrides))


def sanctioned_body() -> dict[str, Any]:
    """A person on the (synthetic) sanctions list, with the planted clean person's contact details."""
    return person_body(
        PLANTED["clean"],
        applicant__given_names="Fiktiv",
        applicant__family_name="Primerov",
        applicant__date_of_birth="1971-04-12",
    )


def fraud_body() -> dict[str, Any]:
    """A planted person whose e-mail address is in an active entry of the internal fraud incident register."""
    return person_body(PLANTED["incident_register_email"])


# An application per route: (what to submit, the reason code that sends it there).
ROUTE_APPLICATIONS: dict[Route, tuple[Any, str]] = {
    Route.UNDERWRITING: (lambda: example("avp-referred-prior-cancellation"), "PREVIOUSLY_REFUSED_OR_CANCELLED"),
    Route.SENIOR_UNDERWRITING: (lambda: example("avb-referred-above-authority"), "AUTHORITY_LIMIT_EXCEEDED"),
    Route.COMPLIANCE: (sanctioned_body, "SANCTIONS_POTENTIAL_MATCH"),
    Route.FRAUD: (fraud_body, "FRAUD_SIGNALS"),
}


def sector_body() -> dict[str, Any]:
    """A business in a sector outside the insurers' delegated authority (chemicals), within the cover limit."""
    body = example("avb-accepted")
    body["company"]["sbi_code"] = "2011"
    return body


SECTOR_APPLICATION = (sector_body, "SECTOR_OUTSIDE_AUTHORITY")

# Who holds a case on each route in a scenario (the senior underwriter holds underwriting cases too).
HOLDER_OF: dict[Route, Role] = {
    Route.UNDERWRITING: Role.UNDERWRITER,
    Route.SENIOR_UNDERWRITING: Role.SENIOR_UNDERWRITER,
    Route.COMPLIANCE: Role.COMPLIANCE,
    Route.FRAUD: Role.FRAUD,
}

REJECTION = {
    "outcome": "rejected",
    "rationale": "Checked the file and the register entries; the risk is outside our appetite.",
    "applicant_explanation": "Wij kunnen u deze verzekering niet aanbieden.",
}
ACCEPTANCE = {
    "outcome": "accepted",
    "rationale": "The register entry is explained by the documents the applicant sent; acceptable risk.",
    "applicant_explanation": "Wij hebben uw toelichting gelezen en accepteren uw aanvraag.",
}


def engine_of(api: Api) -> Engine:
    return app_engine(api)


def submitted(api: Api, body: dict[str, Any]) -> dict[str, Any]:
    answer = api.submit(body)
    assert answer.status_code == 201, answer.text
    decision: dict[str, Any] = answer.json()
    return decision


def case_row(engine: Engine, **where: Any) -> dict[str, Any]:
    """The one review case matching ``where`` (column=value)."""
    with engine.connect() as connection:
        rows = connection.execute(select(CASES).where(*(CASES.c[k] == v for k, v in where.items()))).mappings().all()
    assert len(rows) == 1, f"expected one case with {where}, found {len(rows)}"
    return dict(rows[0])


def case_rows(engine: Engine, **where: Any) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        query = select(CASES).where(*(CASES.c[k] == v for k, v in where.items())).order_by(CASES.c.opened_at)
        return [dict(row) for row in connection.execute(query).mappings()]


def events_of(engine: Engine, case_id: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        query = select(EVENTS).where(EVENTS.c.case_id == case_id).order_by(EVENTS.c.id)
        return [dict(row) for row in connection.execute(query).mappings()]


def set_case(engine: Engine, case_id: str, **values: Any) -> None:
    """Change a case directly (to age it, or to seed figures)."""
    with engine.begin() as connection:
        connection.execute(update(CASES).where(CASES.c.id == case_id).values(**values))


def review_counts(engine: Engine) -> Counter[str]:
    """What review can change, counted: cases by state, events, decision records, reviewer texts, suspensions (all
    and active), objections, access-log rows and staff sessions."""
    counts: Counter[str] = Counter()
    with engine.connect() as connection:
        for state, number in connection.execute(select(CASES.c.state, func.count()).group_by(CASES.c.state)):
            counts[f"cases:{state}"] = number
        counts["case_versions"] = connection.execute(select(func.coalesce(func.sum(CASES.c.version), 0))).scalar_one()
        for name, table in (
            ("events", EVENTS),
            ("decisions", DECISIONS),
            ("texts", TEXTS),
            ("suspensions", SUSPENSIONS),
            ("objections", OBJECTIONS),
            ("access_log", ACCESS),
            ("sessions", SESSIONS),
        ):
            counts[name] = connection.execute(select(func.count()).select_from(table)).scalar_one()
        counts["suspensions:active"] = connection.execute(
            select(func.count()).select_from(SUSPENSIONS).where(SUSPENSIONS.c.resumed_at.is_(None))
        ).scalar_one()
    return counts


def change(before: Counter[str], after: Counter[str]) -> dict[str, int]:
    """What changed between two counts (only what did)."""
    return {key: after[key] - before[key] for key in sorted(set(before) | set(after)) if after[key] != before[key]}


@dataclass
class Member:
    id: str
    username: str
    role: Role
    headers: dict[str, str]


def log_in(api: Api, username: str, password: str = STAFF_PASSWORD) -> tuple[str, dict[str, str], str]:
    """(staff id, the session's headers, the token)."""
    answer = api.client.post("/v1/staff/sessions", json={"username": username, "password": password})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return body["staff"]["id"], {"Authorization": f"Bearer {body['token']}"}, body["token"]


def new_member(api: Api, role: Role, name: str | None = None) -> Member:
    username = name or f"{role.value.replace('_', '-')}-{next(_serial)}"
    api.create_staff(username, role.value)
    staff_id, headers, _ = log_in(api, username)
    return Member(staff_id, username, role, headers)


@dataclass
class World:
    """An app on a database shared by a module's tests, with a logged-in member of every role (and a second
    underwriter). Each test makes its own cases."""

    api: Api
    staff: dict[Role, Member]
    other_underwriter: Member
    _open: dict[tuple[Route, str], str] = field(default_factory=dict)  # by route and the reason code
    _held: dict[tuple[Route, str], str] = field(default_factory=dict)

    @classmethod
    def with_staff(cls, api: Api) -> World:
        staff = {role: new_member(api, role) for role in ROLES}
        return cls(api=api, staff=staff, other_underwriter=new_member(api, Role.UNDERWRITER))

    @property
    def client(self) -> Any:
        return self.api.client

    @property
    def engine(self) -> Engine:
        return app_engine(self.api)

    def headers(self, role: Role) -> dict[str, str]:
        return self.staff[role].headers

    def submit(self, body: dict[str, Any]) -> dict[str, Any]:
        return submitted(self.api, body)

    def new_referral(
        self, route: Route, application: tuple[Any, str] | None = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A new application referred to ``route`` (by default the usual one of ``ROUTE_APPLICATIONS``; else
        ``application``: what to submit and the reason code that routes it): (the decision as the form got it, its
        open case)."""
        make, code = application or ROUTE_APPLICATIONS[route]
        decision = self.submit(make())
        assert decision["outcome"] == "referred", decision
        case = case_row(self.engine, decision_id=decision["decision_id"])
        assert case["route"] == route.value and code in case["reason_codes"], case
        assert case["state"] == "open"
        return decision, case

    def new_case(self, route: Route, application: tuple[Any, str] | None = None) -> dict[str, Any]:
        """A fresh open case on ``route``."""
        return self.new_referral(route, application)[1]

    def claimed_case(
        self, route: Route, role: Role | None = None, application: tuple[Any, str] | None = None
    ) -> dict[str, Any]:
        """A fresh case on ``route``, claimed by ``role`` (by default its usual holder)."""
        case = self.new_case(route, application)
        member = self.staff[role or HOLDER_OF[route]]
        answer = self.client.post(f"/v1/staff/cases/{case['id']}/claim", headers=member.headers)
        assert answer.status_code == 200, answer.text
        return case_row(self.engine, id=case["id"])

    def open_case(self, route: Route, application: tuple[Any, str] | None = None) -> dict[str, Any]:
        """An open case on ``route`` that tests may look at without changing it (made once, made again if some
        test changed it)."""
        key = (route, (application or ROUTE_APPLICATIONS[route])[1])
        case_id = self._open.get(key)
        if case_id is not None:
            case = case_row(self.engine, id=case_id)
            if case["state"] == "open":
                return case
        case = self.new_case(route, application)
        self._open[key] = case["id"]
        return case

    def held_case(self, route: Route, application: tuple[Any, str] | None = None) -> dict[str, Any]:
        """A case on ``route`` claimed by its usual holder, that tests may look at without changing it."""
        key = (route, (application or ROUTE_APPLICATIONS[route])[1])
        case_id = self._held.get(key)
        if case_id is not None:
            case = case_row(self.engine, id=case_id)
            if case["state"] == "claimed" and case["claimed_by"] == self.staff[HOLDER_OF[route]].id:
                return case
        case = self.claimed_case(route, application=application)
        self._held[key] = case["id"]
        return case
