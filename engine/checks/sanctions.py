"""The sanctions check: the applicant, and for business insurance the company and its directors, screened against a
sanctions list in the shape of the EU consolidated list with fuzzy name matching plus date of birth.

A potential match is never cleared or rejected by the machine: it is a `hit` the policy refers to compliance. Which
entries matched is kept in the result's details, visible to the compliance role only.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import ClassVar, Literal

from engine.checks.common import AnyApplication, Stopwatch, result
from engine.checks.name_matching import NameMatch, PreparedEntry, name_tokens, score_candidates
from engine.checks.providers import Register
from engine.domain.application import AvbApplication
from engine.domain.checks import CheckResult
from engine.domain.facts import CHECK_FACTS, FactSpec
from engine.registers.records import Answer, NameQuery, SanctionsEntry


@dataclass(frozen=True, slots=True)
class Subject:
    """Someone or something to screen, and their part in the application."""

    role: str
    name: str
    kind: Literal["person", "entity"]
    birth_date: date | None = None


class PreparedEntries:
    """Sanctions entries with their names already normalised, by entry id: the embedded list's are prepared once at
    load (seeded from its index); those an HTTP list returns are prepared on first sight and kept (bounded)."""

    def __init__(self, seed: Iterable[PreparedEntry] = (), *, capacity: int = 100_000) -> None:
        self._by_id: dict[str, PreparedEntry] = {prepared.entry.id: prepared for prepared in seed}
        self._capacity = max(capacity, len(self._by_id))
        self._lock = threading.Lock()

    def of(self, entry: SanctionsEntry) -> PreparedEntry:
        known = self._by_id.get(entry.id)
        if known is not None and (known.entry is entry or known.entry == entry):
            return known
        prepared = PreparedEntry.of(entry)
        with self._lock:
            if len(self._by_id) >= self._capacity:
                self._by_id.pop(next(iter(self._by_id)))
            self._by_id[entry.id] = prepared
        return prepared


@dataclass(frozen=True)
class SanctionsCheck:
    sanctions_list: Register[NameQuery, SanctionsEntry]
    prepared: PreparedEntries = field(default_factory=PreparedEntries)
    timeout_seconds: float = 0.25
    name: ClassVar[str] = "sanctions"
    facts: ClassVar[tuple[FactSpec, ...]] = CHECK_FACTS["sanctions"]

    @property
    def source(self) -> str:
        return self.sanctions_list.source

    def run(self, application: AnyApplication, *, now: datetime) -> CheckResult:
        watch = Stopwatch()
        found: list[tuple[Subject, NameMatch]] = []
        answer: Answer[SanctionsEntry] | None = None
        subjects = list(subjects_of(application))
        for subject in subjects:
            answer = self.sanctions_list.lookup(NameQuery(name=subject.name, kind=subject.kind))
            candidates = [self.prepared.of(entry) for entry in answer.records if entry.kind == subject.kind]
            matches = score_candidates(name_tokens(subject.name, subject.kind), candidates, subject.birth_date)
            found += [(subject, match) for match in matches if match.potential_match]
        facts = {
            "potential_match": bool(found),
            "match_count": len({match.entry_id for _, match in found}),
            "screened_count": len(subjects),
        }
        details = {
            "matches": [
                {
                    "role": subject.role,
                    "entry_id": match.entry_id,
                    "matched_name": match.matched_name,
                    "name_score": round(match.name_score, 4),
                    "birth_date_agrees": match.birth_date_agrees,
                    "score": round(match.score, 4),
                }
                for subject, match in found
            ]
        }
        return result(
            self.name,
            hit=bool(found),
            facts=facts,
            answer=answer,
            source=self.source,
            now=now,
            watch=watch,
            details=details,
            restricted_to="compliance" if found else None,
        )


def full_name(given_names: str, prefix: str | None, family_name: str) -> str:
    return " ".join(part for part in (given_names, prefix, family_name) if part)


def subjects_of(application: AnyApplication) -> Iterator[Subject]:
    applicant = application.applicant
    yield Subject(
        "applicant",
        full_name(applicant.given_names, applicant.family_name_prefix, applicant.family_name),
        "person",
        applicant.date_of_birth,
    )
    if isinstance(application, AvbApplication):
        company = application.company
        yield Subject("company", company.name, "entity")
        for number, director in enumerate(company.directors, start=1):
            name = full_name(director.given_names, director.family_name_prefix, director.family_name)
            yield Subject(f"director {number}", name, "person", director.date_of_birth)
