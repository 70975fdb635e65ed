"""The fraud-prevention check: velocity (one e-mail address, phone number, IBAN or address used by several people
within a window, counted from our own stored applications), our internal incident register, and inconsistencies
between what the applicant declared and what the other checks found.

Fraud signals never reject on their own: the policy refers them, to the fraud role. The result is marked
``restricted_to="fraud"``; which identifiers and entries matched is in its details, stored apart.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import ClassVar, Protocol

from engine.checks.common import AnyApplication, Stopwatch, dutch_day, person_query, result
from engine.checks.providers import Register
from engine.domain.checks import CheckResult, CheckStatus
from engine.domain.facts import CHECK_FACTS, IDENTIFIER_KINDS, VELOCITY_CAP, FactSpec
from engine.registers.identifiers import address_identifier, identifier_key, initial, person_key
from engine.registers.records import IdentifierQuery, IncidentEntry

ROLE = "fraud"


class VelocityCounter(Protocol):
    """Finds, in our own stored applications, the other people (as person keys) who used the same identifiers."""

    def other_people(self, keys: Mapping[str, str], *, person: str, since: datetime) -> dict[str, set[str]]: ...

    def restricted(self, people: set[str]) -> set[str]:
        """Those of these people whose data may not be used (a restriction or an upheld objection)."""
        ...


class InFlight:
    """Applications being decided in this process right now, whose sightings are not committed yet: without them,
    several people applying with one phone at the same moment would not see each other. Observing is atomic (the
    others are read and the applicant added under one lock); an entry is forgotten after ``ttl_seconds``, long
    after its decision was committed (and found in the database instead)."""

    def __init__(self, *, ttl_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, OrderedDict[str, float]] = {}  # identifier key -> person key -> when, oldest first

    def observe(self, keys: Mapping[str, str], person: str) -> dict[str, set[str]]:
        """The other people in flight with each identifier kind (at most :data:`VELOCITY_CAP`); then this person is
        in flight too. Amortised constant time per identifier, however many are in flight."""
        now = self._clock()
        with self._lock:
            others: dict[str, set[str]] = {}
            for kind, key in keys.items():
                people = self._seen.setdefault(key, OrderedDict())
                while people and now - next(iter(people.values())) > self._ttl:
                    people.popitem(last=False)
                others[kind] = set(islice((other for other in reversed(people) if other != person), VELOCITY_CAP))
                people[person] = now
                people.move_to_end(person)
            self._forget_empty()
        return others

    def _forget_empty(self) -> None:
        if len(self._seen) > 4 * VELOCITY_CAP * 1000:  # rarely: drop identifiers whose people have all expired
            now = self._clock()
            for key in [key for key, people in self._seen.items() if now - next(reversed(people.values())) > self._ttl]:
                del self._seen[key]


def identifier_keys(application: AnyApplication) -> dict[str, str]:
    """The application's identifiers as keys (never in clear): e-mail, phone, IBAN when given, address."""
    applicant = application.applicant
    address = applicant.address
    values = {
        "email": str(applicant.email),
        "phone": applicant.phone,
        "iban": applicant.iban,
        "address": address_identifier(address.postcode, address.house_number, address.house_number_addition),
    }
    return {kind: identifier_key(kind, value) for kind, value in values.items() if value}


def person_fingerprint(application: AnyApplication) -> str:
    """Who applied, as a key: the same person applying twice is not velocity, two people sharing a phone may be."""
    query = person_query(application.applicant)
    text = f"{person_key(query)}|{initial(query.given_names)}"
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class FraudCheck:
    velocity: VelocityCounter
    incidents: Register[IdentifierQuery, IncidentEntry]
    in_flight: InFlight = field(default_factory=InFlight)
    window_days: int = 30
    timeout_seconds: float = 0.25
    name: ClassVar[str] = "fraud"
    facts: ClassVar[tuple[FactSpec, ...]] = CHECK_FACTS["fraud"]

    @property
    def source(self) -> str:
        return self.incidents.source

    def run(self, application: AnyApplication, *, now: datetime) -> CheckResult:
        watch = Stopwatch()
        keys = identifier_keys(application)
        since = now - timedelta(days=self.window_days)
        person = person_fingerprint(application)
        in_flight = self.in_flight.observe(keys, person)
        stored = self.velocity.other_people(keys, person=person, since=since)  # restricted people are left out there
        recent = set().union(*in_flight.values()) - set().union(*stored.values()) if in_flight else set()
        unusable = self.velocity.restricted(recent) if recent else set()
        shared = {
            kind: min(len(stored.get(kind, set()) | (in_flight.get(kind, set()) - unusable)), VELOCITY_CAP)
            for kind in keys
        }
        answer = self.incidents.lookup(IdentifierQuery(keys=keys))
        today = dutch_day(now)
        incidents = [entry for entry in answer.records if entry.registered_on <= today < entry.ends_on]
        facts: dict[str, int | bool] = {f"shared_{kind}_persons": shared.get(kind, 0) for kind in IDENTIFIER_KINDS}
        facts |= {"incident_register": bool(incidents), "inconsistency_count": 0}
        details = {
            "shared": {kind: count for kind, count in shared.items() if count},
            "incidents": [entry.model_dump(mode="json") for entry in incidents],
            "window_days": self.window_days,
        }
        return result(
            self.name,
            hit=any(shared.values()) or bool(incidents),
            facts=facts,
            answer=answer,
            source=self.source,
            now=now,
            watch=watch,
            details=details,
            restricted_to=ROLE,
        )

    def combine(self, own: CheckResult, others: Mapping[str, CheckResult], application: AnyApplication) -> CheckResult:
        """Add the inconsistencies the other checks found, once they have all answered."""
        if own.status is CheckStatus.UNAVAILABLE:
            return own
        found = inconsistencies(others, application)
        facts = own.facts | {"inconsistency_count": len(found)}
        status = CheckStatus.HIT if found or own.status is CheckStatus.HIT else CheckStatus.CLEAR
        return own.model_copy(
            update={"facts": facts, "status": status, "details": own.details | {"inconsistencies": found}}
        )


def inconsistencies(others: Mapping[str, CheckResult], application: AnyApplication) -> list[str]:
    """Which declared facts the registers contradict; a check that was unavailable contradicts nothing."""

    def fact(check: str, name: str) -> object:
        found = others.get(check)
        return found.facts.get(name) if found is not None and found.status is not CheckStatus.UNAVAILABLE else None

    declared_insolvency = application.disclosure.insolvency
    found = []
    if fact("claims_history", "undeclared_count"):
        found.append("registered claims not declared")
    if fact("claims_history", "non_disclosure") and not fact("claims_history", "undeclared_count"):
        found.append("registered cancellation not declared")
    if fact("insolvency", "undeclared"):
        found.append("registered insolvency not declared")
    if fact("credit", "debt_restructuring") is True and not declared_insolvency:
        found.append("debt restructuring (WSNP) not declared")
    return found
