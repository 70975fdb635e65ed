"""Queries put to registers and the records they answer with. Pure data: no I/O.

Every register answers a query with an :class:`Answer`: its records, the version of the source's data and when it
was retrieved. HTTP providers validate what they receive against these models, so a malformed answer is an error
(and the check unavailable), never a silently wrong fact.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- queries -----------------------------------------------------------------------------------------------------


class PersonQuery(Record):
    """A natural person as registers key them: name, date of birth and address."""

    given_names: str
    family_name_prefix: str | None = None
    family_name: str
    date_of_birth: date
    postcode: str = Field(description="`1234AB`, no space.")
    house_number: int


class InsolvencyQuery(Record):
    person: PersonQuery | None = None
    kvk_number: str | None = None


class NameQuery(Record):
    """A name to screen; `kind` says whether a person or an organisation is meant."""

    name: str
    kind: Literal["person", "entity"] = "person"


class IdentifierQuery(Record):
    """Identifiers of an application, each as a unsalted SHA-256 hex of its normalised form (see
    :func:`engine.registers.identifiers.identifier_keys`), so our own registers never hold them in clear."""

    keys: dict[str, str] = Field(description="kind (`email`, `phone`, `iban`, `address`) -> key")


class PostcodeQuery(Record):
    postcode: str = Field(description="`1234AB`, no space.")


# --- records -----------------------------------------------------------------------------------------------------


class CreditArrear(Record):
    """A payment-arrears registration at the credit bureau."""

    registered_on: date
    amount_eur: int = Field(ge=0)
    resolved_on: date | None = None


class CreditFile(Record):
    """What the credit bureau holds on one person."""

    person_id: str
    score_band: Literal["A", "B", "C", "D", "E"] = Field(description="A is the lowest risk, E the highest.")
    arrears: list[CreditArrear] = Field(default_factory=list)
    debt_restructuring: bool = Field(default=False, description="Under a WSNP debt-restructuring scheme.")


ClaimsRegistrationKind = Literal["claim", "non_payment", "contractual", "incident"]


class ClaimsRegistration(Record):
    """One registration in the insurers' shared register (shaped like Stichting CIS).

    `claim` records that a claim was made (not fault); `non_payment` a policy cancelled for unpaid premium
    (financial non-compliance); `contractual` a policy cancelled for breach of contract; `incident` an entry in the
    incident register (fraud), with its own end date.
    """

    kind: ClaimsRegistrationKind
    registered_on: date
    ends_on: date | None = Field(default=None, description="Incident entries: the end of the registration.")
    insurer: str
    amount_eur: int | None = Field(default=None, ge=0)


InsolvencyKind = Literal["bankruptcy", "suspension_of_payments", "wsnp"]


class InsolvencyEntry(Record):
    """A case in the insolvency register (bankruptcy, suspension of payments, WSNP)."""

    case_number: str
    kind: InsolvencyKind
    subject: Literal["person", "company"]
    started_on: date
    ended_on: date | None = None


class SanctionsEntry(Record):
    """One entry of a sanctions list in the shape of the EU consolidated list."""

    id: str = Field(description="The list's own identifier (EU: `EU.1234.56`).")
    kind: Literal["person", "entity"]
    names: list[str] = Field(min_length=1, description="The primary name first, then aliases.")
    birth_dates: list[str] = Field(
        default_factory=list, description="`YYYY-MM-DD`, or `YYYY` where the list gives only the year."
    )
    nationalities: list[str] = Field(default_factory=list, description="ISO 3166-1 alpha-2 codes.")
    programme: str = Field(description="The sanctions regime, e.g. `RUS` or `SYR`.")
    listed_on: date


class IncidentEntry(Record):
    """An entry in our own internal incident register (established fraud or attempted fraud)."""

    id: str
    category: Literal["fraud", "attempted_fraud", "identity_fraud"]
    registered_on: date
    ends_on: date
    matched_on: list[str] = Field(description="Which identifier kinds matched the query.")


class AddressRange(Record):
    """A postcode with its street, city and the house numbers it covers (shaped like the BAG-derived tables)."""

    postcode: str
    street: str
    city: str
    first_number: int
    last_number: int


R = TypeVar("R", bound=Record)


class Answer(BaseModel, Generic[R]):
    """A register's answer to one query."""

    model_config = ConfigDict(frozen=True)

    records: list[R]
    source: str = Field(description="Who answered, e.g. `local:credit` or the provider's name.")
    source_version: str = Field(description="Version of the source's data, e.g. the register's publication date.")
    retrieved_at: datetime
