"""Providers: where a check gets its answer. Each register is one :class:`Register`; the embedded local registers
(`local`) and the HTTP services (`http`) implement the same protocol, so a check never knows which one it asks.

A provider raises on any failure (timeout, refused connection, HTTP error, malformed answer); the check runner
turns that into an ``unavailable`` result, which refers the application to a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from engine.registers.records import (
    AddressRange,
    Answer,
    ClaimsRegistration,
    CreditFile,
    IdentifierQuery,
    IncidentEntry,
    InsolvencyEntry,
    InsolvencyQuery,
    NameQuery,
    PersonQuery,
    PostcodeQuery,
    Record,
    SanctionsEntry,
)

Q = TypeVar("Q", bound=Record, contravariant=True)
R = TypeVar("R", bound=Record)
QT = TypeVar("QT", bound=Record)
RT = TypeVar("RT", bound=Record)


class Register(Protocol[Q, R]):
    """One register, asked one query at a time."""

    @property
    def name(self) -> str: ...

    @property
    def source(self) -> str: ...  # who answers, e.g. `local:credit` or `http:credit@bureau.example.com`

    def lookup(self, query: Q) -> Answer[R]: ...


@dataclass(frozen=True, slots=True)
class RegisterKind(Generic[QT, RT]):
    """A register's name and the types of its queries and records: the contract of its HTTP endpoint
    (`POST {base_url}/{name}/lookup`) as well as of the local files."""

    name: str
    query: type[QT]
    record: type[RT]
    description: str


CREDIT = RegisterKind("credit", PersonQuery, CreditFile, "credit bureau: score band, arrears, WSNP")
CLAIMS = RegisterKind("claims", PersonQuery, ClaimsRegistration, "insurers' shared claims register (CIS-shaped)")
INSOLVENCY = RegisterKind("insolvency", InsolvencyQuery, InsolvencyEntry, "insolvency register")
SANCTIONS = RegisterKind("sanctions", NameQuery, SanctionsEntry, "sanctions list (EU consolidated list shape)")
INCIDENTS = RegisterKind("incidents", IdentifierQuery, IncidentEntry, "internal incident register")
POSTCODES = RegisterKind("postcodes", PostcodeQuery, AddressRange, "postcode table")

REGISTER_KINDS: dict[str, RegisterKind[Any, Any]] = {
    kind.name: kind for kind in (CREDIT, CLAIMS, INSOLVENCY, SANCTIONS, INCIDENTS, POSTCODES)
}
