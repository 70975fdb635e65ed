"""Planted cases: invented people and companies that the synthetic register generator writes into the registers with
exactly known records, so that tests and demonstrations can look them up and know what every check must find.

Everything here is fictional: the names are made up (family names that the generator never draws), and the e-mail
addresses are at the reserved domain `example.nl`. Every planted person has a credit file with score band A and no
arrears, and no other record, unless their scenario says otherwise. Dates are relative to the registers' `as_of`
date (:data:`AS_OF` by default): :func:`planted_records` gives the exact records for any `as_of`.

The example applications (`data/examples/*.json`, `tests/factories.py`) use :data:`EXAMPLE_PEOPLE` and the KvK
number :data:`EXAMPLE_KVK_NUMBER`: the generator keeps them clean everywhere (see :data:`EXAMPLE_PEOPLE`).
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from engine.registers.identifiers import compact_postcode, identifier_key
from engine.registers.records import (
    AddressRange,
    ClaimsRegistration,
    CreditArrear,
    CreditFile,
    IncidentEntry,
    InsolvencyEntry,
    PersonQuery,
)
from engine.registers.synthetic_names import INSURERS as _INSURERS

AS_OF: Final = date(2026, 11, 25)


def shift_months(day: date, months: int) -> date:
    """`day` moved by whole months (negative: back), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_ago(as_of: date, months: int) -> date:
    return shift_months(as_of, -months)


@dataclass(frozen=True, slots=True)
class PlantedPerson:
    key: str
    given_names: str
    family_name_prefix: str | None
    family_name: str
    date_of_birth: date
    street: str
    house_number: int
    postcode: str  # `1234 AB`, as the API takes it
    city: str
    email: str
    phone: str
    iban: str
    description: str

    def query(self) -> PersonQuery:
        return PersonQuery(
            given_names=self.given_names,
            family_name_prefix=self.family_name_prefix,
            family_name=self.family_name,
            date_of_birth=self.date_of_birth,
            postcode=compact_postcode(self.postcode),
            house_number=self.house_number,
        )

    def address_range(self) -> AddressRange:
        """The postcode-table row that holds this person's address."""
        return AddressRange(
            postcode=compact_postcode(self.postcode),
            street=self.street,
            city=self.city,
            first_number=max(1, self.house_number - 8),
            last_number=self.house_number + 12,
        )


@dataclass(frozen=True, slots=True)
class PlantedCompany:
    key: str
    name: str
    kvk_number: str
    description: str


def _person(
    key: str,
    name: tuple[str, str | None, str],
    born: str,
    address: tuple[str, int, str, str],
    contact: tuple[str, str, str],
    description: str,
) -> PlantedPerson:
    given, prefix, family = name
    street, number, postcode, city = address
    email, phone, iban = contact
    return PlantedPerson(
        key, given, prefix, family, date.fromisoformat(born), street, number, postcode, city, email, phone, iban,
        description,
    )  # fmt: skip


_PEOPLE = (
    _person(
        "clean", ("Zoë", None, "Proefhuizen"), "1984-05-21",
        ("Zilverschoonstraat", 14, "1031 KT", "Amsterdam"),
        ("zoe.proefhuizen@example.nl", "06 1999 0101", "NL53INGB0006418235"),
        "In the credit register (band A, no arrears) and nowhere else.",
    ),
    _person(
        "clean_accents", ("Ayşe Noëlle", None, "Özproef"), "1992-10-03",
        ("Korte Lijnbaansteeg", 6, "1062 ZX", "Amsterdam"),
        ("ayse.ozproef@example.nl", "06 1999 0102", "NL62RABO0312457861"),
        "Clean like `clean`; the name has Turkish letters and a diaeresis, to exercise folding (`Özproef` -> "
        "`ozproef`).",
    ),
    _person(
        "credit_arrears_recent", ("Gerrit", "van", "Oefenhoven"), "1971-09-03",
        ("Meidoornlaan", 8, "2565 BH", "Den Haag"),
        ("gerrit.vanoefenhoven@example.nl", "06 1999 0103", "NL90ABNA0417733902"),
        "Credit: one unresolved payment arrear (EUR 1,640) registered 3 months before as_of.",
    ),
    _person(
        "credit_arrears_old_resolved", ("Marieke", None, "Toetsema"), "1979-02-11",
        ("Lijsterbesstraat", 23, "3061 TE", "Rotterdam"),
        ("marieke.toetsema@example.nl", "06 1999 0104", "NL34SNSB0928374615"),
        "Credit: one arrear (EUR 2,350) registered 5 years before as_of, resolved 4 years before as_of.",
    ),
    _person(
        "credit_wsnp", ("Hendrik", "ter", "Nepkamp"), "1966-12-30",
        ("Vlierstraat", 5, "9714 GK", "Groningen"),
        ("hendrik.ternepkamp@example.nl", "06 1999 0105", "NL76INGB0007720143"),
        "Credit: debt_restructuring (WSNP) true; band A, no arrears, nothing in the insolvency register.",
    ),
    _person(
        "credit_band_e", ("Ingrid", None, "Schijnveld"), "1958-04-17",
        ("Goudsbloemhof", 31, "5625 RP", "Eindhoven"),
        ("ingrid.schijnveld@example.nl", "06 1999 0106", "NL05RABO0158836204"),
        "Credit: score band E, no arrears; nothing else anywhere.",
    ),
    _person(
        "claims_three_recent", ("Joost", "van der", "Verzinsel"), "1982-08-08",
        ("Korenbloemstraat", 47, "3523 KC", "Utrecht"),
        ("joost.vanderverzinsel@example.nl", "06 1999 0107", "NL92ABNA0561290374"),
        "Claims: three `claim` registrations, 4 months (EUR 1,850), 24 months (EUR 3,200) and 42 months (EUR 750) "
        "before as_of; all within the 5-year term.",
    ),
    _person(
        "claims_expired_only", ("Anouk", None, "Probeerstra"), "1990-01-26",
        ("Tulpenlaan", 3, "2015 JK", "Haarlem"),
        ("anouk.probeerstra@example.nl", "06 1999 0108", "NL38ASNB0707193528"),
        "Claims: one `claim` (EUR 2,400) registered 6 years before as_of, past its 5-year term.",
    ),
    _person(
        "nonpayment_recent", ("Kees", "de", "Oefenaar"), "1975-06-05",
        ("Beukenweg", 112, "6814 BN", "Arnhem"),
        ("kees.deoefenaar@example.nl", "06 1999 0109", "NL47TRIO0390845172"),
        "Claims: one `non_payment` registered 2 years before as_of (within its 3-year term).",
    ),
    _person(
        "nonpayment_expired", ("Femke", None, "Droomsma"), "1987-10-12",
        ("Merelstraat", 19, "8021 VT", "Zwolle"),
        ("femke.droomsma@example.nl", "06 1999 0110", "NL35KNAB0255031869"),
        "Claims: one `non_payment` registered 4 years before as_of, past its 3-year term.",
    ),
    _person(
        "contractual_recent", ("Wouter", "van den", "Denkbeeld"), "1969-03-22",
        ("Acaciastraat", 66, "5021 LK", "Tilburg"),
        ("wouter.vandendenkbeeld@example.nl", "06 1999 0111", "NL73INGB0004958316"),
        "Claims: one `contractual` registration 3 years before as_of (within its 5-year term).",
    ),
    _person(
        "incident_active", ("Sabine", None, "Nepstra"), "1993-11-30",
        ("Kastanjelaan", 2, "4816 EA", "Breda"),
        ("sabine.nepstra@example.nl", "06 1999 0112", "NL40RABO0374621095"),
        "Claims: one `incident` registered 2 years before as_of, ending 6 years after as_of (active).",
    ),
    _person(
        "incident_ended", ("Frits", "ten", "Fictiefbroek"), "1955-07-14",
        ("Reigerstraat", 41, "7523 BT", "Enschede"),
        ("frits.tenfictiefbroek@example.nl", "06 1999 0113", "NL33ABNA0836402157"),
        "Claims: one `incident` registered 5 years before as_of that ended 1 year before as_of.",
    ),
    _person(
        "insolvency_active_bankruptcy", ("Ronald", None, "Probeerder"), "1963-02-02",
        ("Irisstraat", 12, "6221 AE", "Maastricht"),
        ("ronald.probeerder@example.nl", "06 1999 0114", "NL02SNSB0841275690"),
        "Insolvency: a personal bankruptcy started 1 year before as_of, not ended.",
    ),
    _person(
        "insolvency_wsnp_ended_recently", ("Sandra", "de", "Schijnbaar"), "1977-12-24",
        ("Populierenlaan", 28, "7315 HD", "Apeldoorn"),
        ("sandra.deschijnbaar@example.nl", "06 1999 0115", "NL35INGB0009365128"),
        "Insolvency: a WSNP debt restructuring started 39 months and ended 3 months before as_of.",
    ),
    _person(
        "insolvency_ended_long_ago", ("Martin", None, "Oefenbrink"), "1960-09-09",
        ("Wilgenstraat", 77, "3813 PN", "Amersfoort"),
        ("martin.oefenbrink@example.nl", "06 1999 0116", "NL48RABO0197530864"),
        "Insolvency: a personal bankruptcy started 5 years and ended 2 years before as_of.",
    ),
    _person(
        "incident_register_email", ("Lotte", "van", "Proefdijk"), "1998-05-05",
        ("Dahliastraat", 9, "2312 KR", "Leiden"),
        ("lotte.vanproefdijk@example.nl", "06 1999 0117", "NL16BUNQ2067193452"),
        "Incident register: their e-mail address is in an active `fraud` entry (10 months old, 5-year term).",
    ),
    _person(
        "incident_register_iban", ("Bas", None, "Valsema"), "1985-04-01",
        ("Essenlaan", 52, "1218 GH", "Hilversum"),
        ("bas.valsema@example.nl", "06 1999 0118", "NL55ABNA0629184735"),
        "Incident register: their IBAN is in an active `attempted_fraud` entry (18 months old, 5-year term).",
    ),
    _person(
        "twin_a", ("Anna", None, "Dubbelproef"), "1996-07-19",
        ("Kastanjelaan", 31, "5616 HR", "Eindhoven"),
        ("anna.dubbelproef@example.nl", "06 1999 0119", "NL14INGB0003151298"),
        "Twin of `twin_b` (same family name, date of birth and address; initial A): clean, band A.",
    ),
    _person(
        "twin_b", ("Bram", None, "Dubbelproef"), "1996-07-19",
        ("Kastanjelaan", 31, "5616 HR", "Eindhoven"),
        ("bram.dubbelproef@example.nl", "06 1999 0120", "NL45RABO0120987345"),
        "Twin of `twin_a` (initial B): credit has one unresolved arrear (EUR 980) registered 2 months before as_of.",
    ),
)  # fmt: skip

PLANTED: Final[dict[str, PlantedPerson]] = {person.key: person for person in _PEOPLE}

PLANTED_COMPANIES: Final[dict[str, PlantedCompany]] = {
    company.key: company
    for company in (
        PlantedCompany(
            "company_bankrupt",
            "Fictief Bouw en Onderhoud B.V.",
            "90000017",
            "Insolvency: a bankruptcy started 6 months before as_of, not ended.",
        ),
        PlantedCompany(
            "company_suspension_ended_long_ago",
            "Voorbeeld Transport B.V.",
            "90000025",
            "Insolvency: a suspension of payments started 7 years and ended 6 years before as_of.",
        ),
        PlantedCompany(
            "company_clean",
            "Proefdruk Grafisch Ontwerp V.O.F.",
            "90000033",
            "Not in the insolvency register.",
        ),
    )
}

# --- the example applications' people: clean everywhere ------------------------------------------------------------

EXAMPLE_KVK_NUMBER: Final = "12345678"
"""The company of the AVB examples: never in the insolvency register."""

EXAMPLE_PEOPLE: Final[dict[str, PersonQuery]] = {
    "sanne_de_vries": PersonQuery(
        given_names="Sanne",
        family_name_prefix="de",
        family_name="Vries",
        date_of_birth=date(1988, 3, 14),
        postcode="3511AW",
        house_number=112,
    ),
    "pieter_bakker": PersonQuery(
        given_names="Pieter",
        family_name="Bakker",
        date_of_birth=date(1979, 11, 2),
        postcode="3542AD",
        house_number=7,
    ),
}
"""The applicants of `data/examples/*.json`. Each has a credit file with band A and no arrears, and no other record.
No generated person lives at their addresses, so no register holds anything else there (whatever the date of birth:
`tests/factories.py` makes Sanne 35 years old on any day, and that person has no record at all)."""

EXAMPLE_ADDRESS_RANGES: Final = (
    AddressRange(postcode="3511AW", street="Oudegracht", city="Utrecht", first_number=100, last_number=140),
    AddressRange(postcode="3542AD", street="Industrieweg", city="Utrecht", first_number=1, last_number=41),
)


# --- the planted records ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlantedIncident:
    """An entry of the internal incident register matching one identifier of a planted person."""

    person: str
    kind: Literal["email", "iban"]
    id: str
    category: Literal["fraud", "attempted_fraud", "identity_fraud"]
    registered_on: date
    ends_on: date

    def value(self) -> str:
        person = PLANTED[self.person]
        return person.email if self.kind == "email" else person.iban

    def keys(self) -> dict[str, str]:
        return {self.kind: identifier_key(self.kind, self.value())}

    def entry(self) -> IncidentEntry:
        return IncidentEntry(
            id=self.id,
            category=self.category,
            registered_on=self.registered_on,
            ends_on=self.ends_on,
            matched_on=[self.kind],
        )


@dataclass(frozen=True, slots=True)
class PlantedRecords:
    """What the registers hold on the planted people and companies for one `as_of`."""

    credit: Mapping[str, CreditFile]  # every planted person
    claims: Mapping[str, tuple[ClaimsRegistration, ...]]  # only people with registrations
    insolvency: Mapping[str, tuple[InsolvencyEntry, ...]]  # planted person or company key -> entries
    incidents: Mapping[str, PlantedIncident]  # planted person key -> entry


def example_credit_file(key: str) -> CreditFile:
    return CreditFile(person_id=f"example-{key}", score_band="A")


def planted_records(as_of: date = AS_OF) -> PlantedRecords:
    return PlantedRecords(
        credit=_credit(as_of),
        claims=_claims(as_of),
        insolvency=_insolvency(as_of),
        incidents=_incidents(as_of),
    )


def _credit(as_of: date) -> dict[str, CreditFile]:
    special: dict[str, CreditFile] = {
        "credit_arrears_recent": CreditFile(
            person_id="planted-credit_arrears_recent",
            score_band="A",
            arrears=[CreditArrear(registered_on=months_ago(as_of, 3), amount_eur=1_640)],
        ),
        "credit_arrears_old_resolved": CreditFile(
            person_id="planted-credit_arrears_old_resolved",
            score_band="A",
            arrears=[
                CreditArrear(registered_on=months_ago(as_of, 60), amount_eur=2_350, resolved_on=months_ago(as_of, 48))
            ],
        ),
        "credit_wsnp": CreditFile(person_id="planted-credit_wsnp", score_band="A", debt_restructuring=True),
        "credit_band_e": CreditFile(person_id="planted-credit_band_e", score_band="E"),
        "twin_b": CreditFile(
            person_id="planted-twin_b",
            score_band="A",
            arrears=[CreditArrear(registered_on=months_ago(as_of, 2), amount_eur=980)],
        ),
    }
    return {key: special.get(key, CreditFile(person_id=f"planted-{key}", score_band="A")) for key in PLANTED}


def _claims(as_of: date) -> dict[str, tuple[ClaimsRegistration, ...]]:
    def registration(
        kind: Literal["claim", "non_payment", "contractual", "incident"],
        months: int,
        insurer: int,
        amount: int | None = None,
        ends_in_months: int | None = None,
    ) -> ClaimsRegistration:
        return ClaimsRegistration(
            kind=kind,
            registered_on=months_ago(as_of, months),
            ends_on=None if ends_in_months is None else shift_months(as_of, ends_in_months),
            insurer=_INSURERS[insurer],
            amount_eur=amount,
        )

    return {
        "claims_three_recent": (
            registration("claim", 42, 0, 750),
            registration("claim", 24, 1, 3_200),
            registration("claim", 4, 2, 1_850),
        ),
        "claims_expired_only": (registration("claim", 72, 3, 2_400),),
        "nonpayment_recent": (registration("non_payment", 24, 4),),
        "nonpayment_expired": (registration("non_payment", 48, 5),),
        "contractual_recent": (registration("contractual", 36, 6),),
        "incident_active": (registration("incident", 24, 7, ends_in_months=72),),
        "incident_ended": (registration("incident", 60, 8, ends_in_months=-12),),
    }


def _insolvency(as_of: date) -> dict[str, tuple[InsolvencyEntry, ...]]:
    def entry(
        court: str,
        number: int,
        kind: Literal["bankruptcy", "suspension_of_payments", "wsnp"],
        subject: Literal["person", "company"],
        started: int,
        ended: int | None,
    ) -> InsolvencyEntry:
        started_on = months_ago(as_of, started)
        letter = {"bankruptcy": "F", "suspension_of_payments": "S", "wsnp": "R"}[kind]
        return InsolvencyEntry(
            case_number=f"C/{court}/{started_on.year % 100:02d}/{number} {letter}",
            kind=kind,
            subject=subject,
            started_on=started_on,
            ended_on=None if ended is None else months_ago(as_of, ended),
        )

    return {
        "insolvency_active_bankruptcy": (entry("03", 9412, "bankruptcy", "person", 12, None),),
        "insolvency_wsnp_ended_recently": (entry("05", 9087, "wsnp", "person", 39, 3),),
        "insolvency_ended_long_ago": (entry("16", 9233, "bankruptcy", "person", 60, 24),),
        "company_bankrupt": (entry("13", 9518, "bankruptcy", "company", 6, None),),
        "company_suspension_ended_long_ago": (entry("10", 9012, "suspension_of_payments", "company", 84, 72),),
    }


def _incidents(as_of: date) -> dict[str, PlantedIncident]:
    email_registered = months_ago(as_of, 10)
    iban_registered = months_ago(as_of, 18)
    return {
        "incident_register_email": PlantedIncident(
            person="incident_register_email",
            kind="email",
            id="INC-PLANTED-0001",
            category="fraud",
            registered_on=email_registered,
            ends_on=shift_months(email_registered, 60),
        ),
        "incident_register_iban": PlantedIncident(
            person="incident_register_iban",
            kind="iban",
            id="INC-PLANTED-0002",
            category="attempted_fraud",
            registered_on=iban_registered,
            ends_on=shift_months(iban_registered, 60),
        ),
    }
