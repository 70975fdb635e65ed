"""Synthetic registers for the embedded providers: invented data, generated deterministically from a fixed seed.

THE DATA ARE SYNTHETIC. No record describes a real person, address, company or case. People are drawn at random:
a given name and a family name from lists of names common in the Netherlands (mostly Dutch, some Turkish, Moroccan,
Polish and Surinamese), independently of each other, a date of birth between 1935 and 2007, and an address from a
postcode table that is itself invented (its four-digit areas follow the real map roughly: 1000-1109 Amsterdam,
3500-3585 Utrecht, ...; the streets and letter pairs are made up). Their register records follow simple rates:
credit score bands A-E at 40/30/15/10/5 %, payment arrears (more often in worse bands, ~8 %), WSNP debt
restructuring (~0.7 %, among people with arrears in bands C-E); claims registrations for ~20 % (claims, non-payment
~2 % and more often in worse bands, breach of contract ~0.5 %, incidents ~0.3 %), dated over the last years so
that some are past their legal term; insolvency cases for ~1 % of people (the WSNP cases of the credit register, plus
older bankruptcies and restructurings) and ~5,000 companies keyed by KvK number; ~500 entries in the internal
incident register, keyed by SHA-256 keys of e-mail addresses, phone numbers, IBANs and addresses.

On top of that the generator writes the planted cases of :mod:`engine.registers.planted` with exactly the records
described there, and keeps the example applications' people clean (a credit file with band A, nothing else).

Every random choice comes from `random.Random` streams seeded with `f"{seed}/{part}"`, rows are sorted, JSON keys
are sorted and the gzip header carries no name or time, so one seed and `as_of` always give byte-identical files.
`disposable_email_domains.txt` is the exception to "synthetic": a curated list of real disposable e-mail domains.

Files (gzip JSON Lines, dates `YYYY-MM-DD`, postcodes `1234AB`): see :data:`REGISTER_FILES`.
"""

from __future__ import annotations

import gzip
import itertools
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Final

import orjson
from stdnum import iban as stdnum_iban

from engine.registers import synthetic_names as words
from engine.registers.identifiers import (
    address_identifier,
    compact_postcode,
    fold,
    identifier_key,
    initial,
    person_key,
)
from engine.registers.planted import (
    EXAMPLE_ADDRESS_RANGES,
    EXAMPLE_KVK_NUMBER,
    EXAMPLE_PEOPLE,
    PLANTED,
    PLANTED_COMPANIES,
    PlantedRecords,
    example_credit_file,
    planted_records,
    shift_months,
)
from engine.registers.records import PersonQuery

DEFAULT_SEED: Final = 20261125
DEFAULT_AS_OF: Final = date(2026, 11, 25)
REGISTER_FILES: Final[dict[str, str]] = {
    "credit": "credit.jsonl.gz",
    "claims": "claims.jsonl.gz",
    "insolvency": "insolvency.jsonl.gz",
    "incidents": "incidents.jsonl.gz",
    "postcodes": "postcodes.jsonl.gz",
}
DISPOSABLE_EMAIL_DOMAINS_FILE: Final = "disposable_email_domains.txt"

Json = dict[str, Any]

_FIRST_BIRTH: Final = date(1935, 1, 1)
_LAST_BIRTH: Final = date(2007, 12, 31)
_POSTCODE_LETTERS: Final = "ABCDEGHJKLMNPRSTVWXZ"  # F, I, O, Q, U and Y are not used in Dutch postcodes
_LETTER_PAIRS: Final = tuple(
    a + b for a, b in itertools.product(_POSTCODE_LETTERS, repeat=2) if a + b not in {"SA", "SD", "SS"}
)
_DUTCH_FAMILY_WEIGHTS: Final = tuple(itertools.accumulate(1 / (rank + 4) for rank in range(len(words.DUTCH_FAMILY))))
_ORIGINS: Final = ("dutch", "turkish", "moroccan", "surinamese", "polish")
_ORIGIN_WEIGHTS: Final = (84, 4, 4, 4, 4)
_BANDS: Final = ("A", "B", "C", "D", "E")
_BAND_WEIGHTS: Final = (40, 30, 15, 10, 5)
_ARREARS_RATE: Final = {"A": 0.01, "B": 0.04, "C": 0.12, "D": 0.25, "E": 0.50}
_WSNP_RATE: Final = {"C": 0.02, "D": 0.14, "E": 0.14}  # among people with arrears
_NON_PAYMENT_RATE: Final = {"A": 0.005, "B": 0.012, "C": 0.03, "D": 0.05, "E": 0.10}
_CLAIM_RATE: Final = 0.175
_CONTRACTUAL_RATE: Final = 0.005
_INCIDENT_RATE: Final = 0.003
_OLD_INSOLVENCY_RATE: Final = 0.01  # among people in bands C-E without a current WSNP
_CASE_LETTER: Final = {"bankruptcy": "F", "suspension_of_payments": "S", "wsnp": "R"}


def generate_registers(
    out_dir: Path, *, seed: int = DEFAULT_SEED, as_of: date = DEFAULT_AS_OF, people: int = 100_000
) -> dict[str, int]:
    """Write credit, claims, insolvency, incidents and postcodes files plus disposable_email_domains.txt to out_dir;
    return {register name: record lines written}."""
    planted = planted_records(as_of)
    table = postcode_table(_rng(seed, "postcodes"))
    population = generate_population(_rng(seed, "population"), table, people)
    credit_rng, claims_rng, insolvency_rng = _rng(seed, "credit"), _rng(seed, "claims"), _rng(seed, "insolvency")
    credit = [credit_profile(credit_rng, person, index, as_of) for index, person in enumerate(population)]
    claims = [claims_registrations(claims_rng, profile, as_of) for profile in credit]
    out_dir.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[Json]] = {
        "credit": credit_rows(credit, planted),
        "claims": claims_rows(credit, claims, planted),
        "insolvency": insolvency_rows(insolvency_rng, credit, planted, as_of, companies=max(50, people // 20)),
        "incidents": incident_rows(_rng(seed, "incidents"), population, table, planted, as_of, max(10, people // 200)),
        "postcodes": [_range_json(row) for row in table],
    }
    counts = {name: _write_jsonl_gz(out_dir / REGISTER_FILES[name], lines) for name, lines in rows.items()}
    _write_text(out_dir / DISPOSABLE_EMAIL_DOMAINS_FILE, disposable_domains_text())
    return counts


def _rng(seed: int, part: str) -> random.Random:
    return random.Random(f"{seed}/{part}")  # noqa: S311 - synthetic data, not security


# --- the postcode table ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Range:
    postcode: str
    street: str
    city: str
    first_number: int
    last_number: int


def postcode_table(rng: random.Random) -> list[Range]:
    """~30,000 invented postcodes over all four-digit areas, plus the pinned rows of the examples and planted people."""
    cities = area_cities(rng)
    big = {city for _, _, city in words.CITY_AREAS}
    used_streets: dict[str, set[str]] = {}
    table: dict[str, Range] = {}
    for area, city in sorted(cities.items()):
        count = rng.randint(4, 9) if city in big else rng.randint(2, 4)
        streets = used_streets.setdefault(city, set())
        for row in _area_ranges(rng, area, city, count, streets):
            table[row.postcode] = row
    for pinned in pinned_ranges():
        table[pinned.postcode] = pinned
    return [table[postcode] for postcode in sorted(table)]


def pinned_ranges() -> list[Range]:
    """Rows the table must hold exactly: the example applications' addresses and the planted people's."""
    ranges = [*EXAMPLE_ADDRESS_RANGES, *(person.address_range() for person in PLANTED.values())]
    return [Range(r.postcode, r.street, r.city, r.first_number, r.last_number) for r in ranges]


def area_cities(rng: random.Random) -> dict[int, str]:
    """Every four-digit area 1000-9999 with its town: the cities' real ranges, then blocks of areas for the towns of
    each region and, when those run out, for composed village names (unique within a region, as in reality a
    village name may recur in another province)."""
    cities = {area: city for first, last, city in words.CITY_AREAS for area in range(first, last + 1)}
    known = set(cities.values()) | {town for towns in words.REGION_TOWNS.values() for town in towns}
    for region in range(1, 10):
        taken = set(known)
        towns = [town for town in words.REGION_TOWNS[region] if town not in cities.values()]
        rng.shuffle(towns)
        free = [area for area in range(region * 1000, region * 1000 + 1000) if area not in cities]
        start = 0
        while start < len(free):
            town = towns.pop() if towns else _village_name(rng, taken)
            taken.add(town)
            size = rng.randint(3, 12)
            cities.update(dict.fromkeys(free[start : start + size], town))
            start += size
    return cities


def _village_name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = rng.choice(words.VILLAGE_STEMS) + rng.choice(words.VILLAGE_SUFFIXES)
        if name not in taken:
            return name


def _area_ranges(rng: random.Random, area: int, city: str, count: int, streets: set[str]) -> list[Range]:
    """`count` postcodes of one area, walking along its streets: a postcode continues the last street's numbers or
    starts a new street."""
    rows: list[Range] = []
    street, last = "", 0
    for letters in sorted(rng.sample(_LETTER_PAIRS, count)):
        if not street or rng.random() < 0.45:
            street, last = street_name(rng, streets), 0
        first = last + 1
        last = first + rng.randint(6, 48)
        rows.append(Range(f"{area}{letters}", street, city, first, last))
    return rows


def street_name(rng: random.Random, taken: set[str]) -> str:
    """A new street name for a town (unique in it when possible): `Beukenlaan`, `Frans Halsstraat`, `Oude Molenweg`."""
    name = ""
    for _ in range(12):
        stem, suffix = rng.choice(words.STREET_STEMS), rng.choice(words.STREET_SUFFIXES)
        if suffix in stem.lower():
            continue
        name = stem + suffix
        if rng.random() < 0.08:
            name = f"{rng.choice(words.STREET_ADJECTIVES)} {name}"
        if name not in taken:
            break
    taken.add(name)
    return name or "Dorpsstraat"


def _range_json(row: Range) -> Json:
    return {
        "postcode": row.postcode,
        "street": row.street,
        "city": row.city,
        "first_number": row.first_number,
        "last_number": row.last_number,
    }


# --- the population -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    given_names: str
    family_name_prefix: str | None
    family_name: str
    date_of_birth: date
    postcode: str
    house_number: int
    origin: str  # which name lists the person was drawn from; never written
    female: bool  # the sex the names were drawn for; never written

    def query(self) -> PersonQuery:
        return PersonQuery.model_construct(
            given_names=self.given_names,
            family_name_prefix=self.family_name_prefix,
            family_name=self.family_name,
            date_of_birth=self.date_of_birth,
            postcode=self.postcode,
            house_number=self.house_number,
        )

    def as_json(self) -> Json:
        return _query_json(self.query())

    def index_key(self) -> str:
        """The key the local registers index a person by: person key and first initial."""
        return f"{person_key(self.query())}|{initial(self.given_names)}"


def reserved_addresses() -> set[tuple[str, int]]:
    """Addresses no generated person lives at: the examples' and the planted people's."""
    people = [*EXAMPLE_PEOPLE.values(), *(person.query() for person in PLANTED.values())]
    return {(person.postcode, person.house_number) for person in people}


def generate_population(rng: random.Random, table: Sequence[Range], people: int) -> list[Person]:
    """`people` invented people with distinct person keys; about a third share an address with an earlier one
    (a partner, or a relative with the same family name)."""
    reserved = reserved_addresses()
    population: list[Person] = []
    keys: set[str] = set()
    while len(population) < people:
        person = _household_member(rng, population) if population and rng.random() < 0.3 else None
        person = person or _new_person(rng, table, reserved)
        key = person_key(person.query())
        if key not in keys:
            keys.add(key)
            population.append(person)
    return population


def _new_person(rng: random.Random, table: Sequence[Range], reserved: set[tuple[str, int]]) -> Person:
    origin = rng.choices(_ORIGINS, _ORIGIN_WEIGHTS)[0]
    female = rng.random() < 0.5
    born = _birth_date(rng)
    prefix, family = _family_name(rng, origin, female)
    while True:
        row = table[rng.randrange(len(table))]
        number = rng.randint(row.first_number, row.last_number)
        if (row.postcode, number) not in reserved:
            break
    given = _given_names(rng, origin, female, born)
    return Person(given, prefix, family, born, row.postcode, number, origin, female)


def _household_member(rng: random.Random, population: Sequence[Person]) -> Person:
    other = population[rng.randrange(len(population))]
    female = rng.random() < 0.5
    born = _birth_date(rng)
    if rng.random() < 0.6:  # a relative: same family name
        prefix, family, origin = other.family_name_prefix, other.family_name, other.origin
        if origin == "polish":  # the same name in the form for this person's sex
            forms = next(pair for pair in words.POLISH_FAMILY if family in pair)
            family = forms[1] if female else forms[0]
    else:  # a partner
        origin = rng.choices(_ORIGINS, _ORIGIN_WEIGHTS)[0]
        prefix, family = _family_name(rng, origin, female)
    given = _given_names(rng, origin, female, born)
    return Person(given, prefix, family, born, other.postcode, other.house_number, origin, female)


def _birth_date(rng: random.Random) -> date:
    return _FIRST_BIRTH + timedelta(days=rng.randint(0, (_LAST_BIRTH - _FIRST_BIRTH).days))


def _family_name(rng: random.Random, origin: str, female: bool) -> tuple[str | None, str]:
    if origin == "turkish":
        return None, rng.choice(words.TURKISH_FAMILY)
    if origin == "moroccan":
        return None, rng.choice(words.MOROCCAN_FAMILY)
    if origin == "surinamese":
        return None, rng.choice(words.SURINAMESE_FAMILY)
    if origin == "polish":
        masculine, feminine = rng.choice(words.POLISH_FAMILY)
        return None, feminine if female else masculine
    return rng.choices(words.DUTCH_FAMILY, cum_weights=_DUTCH_FAMILY_WEIGHTS)[0]


def _given_names(rng: random.Random, origin: str, female: bool, born: date) -> str:
    names = _given_name_list(origin, female, born.year)
    if origin == "dutch" and rng.random() < (0.25 if born.year < 1960 else 0.08):
        first, second = rng.sample(names, 2)
        return f"{first} {second}"
    return rng.choice(names)


def _given_name_list(origin: str, female: bool, year: int) -> Sequence[str]:
    lists: dict[str, tuple[Sequence[str], Sequence[str]]] = {
        "turkish": (words.TURKISH_GIVEN_F, words.TURKISH_GIVEN_M),
        "moroccan": (words.MOROCCAN_GIVEN_F, words.MOROCCAN_GIVEN_M),
        "surinamese": (words.SURINAMESE_GIVEN_F, words.SURINAMESE_GIVEN_M),
        "polish": (words.POLISH_GIVEN_F, words.POLISH_GIVEN_M),
    }
    if origin in lists:
        women, men = lists[origin]
    elif year < 1960:
        women, men = words.DUTCH_GIVEN_OLD_F, words.DUTCH_GIVEN_OLD_M
    elif year < 1985:
        women, men = words.DUTCH_GIVEN_MID_F, words.DUTCH_GIVEN_MID_M
    else:
        women, men = words.DUTCH_GIVEN_YOUNG_F, words.DUTCH_GIVEN_YOUNG_M
    return women if female else men


# --- credit ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CreditProfile:
    """A generated person with their credit file (as JSON) and the facts other registers correlate with."""

    person: Person
    file: Json

    @property
    def band(self) -> str:
        return str(self.file["score_band"])

    @property
    def wsnp(self) -> bool:
        return bool(self.file["debt_restructuring"])


def credit_profile(rng: random.Random, person: Person, index: int, as_of: date) -> CreditProfile:
    """A credit file: a score band, arrears more often in worse bands, WSNP for some people with arrears."""
    band = rng.choices(_BANDS, _BAND_WEIGHTS)[0]
    arrears = _arrears(rng, as_of) if rng.random() < _ARREARS_RATE[band] else []
    wsnp = bool(arrears) and rng.random() < _WSNP_RATE.get(band, 0.0)
    credit_file = {
        "person_id": f"S{index + 1:08d}",
        "score_band": band,
        "arrears": arrears,
        "debt_restructuring": wsnp,
    }
    return CreditProfile(person, credit_file)


def _arrears(rng: random.Random, as_of: date) -> list[Json]:
    count = 1 + (rng.random() < 0.35) + (rng.random() < 0.15)
    arrears = []
    for _ in range(count):
        registered = as_of - timedelta(days=rng.randint(1, 7 * 365))
        resolved: date | None = registered + timedelta(days=rng.randint(20, 720)) if rng.random() < 0.5 else None
        arrears.append(
            {
                "registered_on": registered,
                "amount_eur": _amount(rng, 6.9, 0.9, 50, 40_000),
                "resolved_on": resolved if resolved and resolved < as_of else None,
            }
        )
    return sorted(arrears, key=lambda item: item["registered_on"])


def _amount(rng: random.Random, mu: float, sigma: float, low: int, high: int) -> int:
    return min(high, max(low, round(rng.lognormvariate(mu, sigma))))


def credit_rows(profiles: Sequence[CreditProfile], planted: PlantedRecords) -> list[Json]:
    rows = [
        (profile.person.index_key(), {"person": profile.person.as_json(), "file": profile.file}) for profile in profiles
    ]
    for key, credit_file in planted.credit.items():
        query = PLANTED[key].query()
        rows.append((_index_key(query), {"person": _query_json(query), "file": credit_file.model_dump(mode="json")}))
    for key, query in EXAMPLE_PEOPLE.items():
        rows.append(
            (
                _index_key(query),
                {"person": _query_json(query), "file": example_credit_file(key).model_dump(mode="json")},
            )
        )
    return _sorted_rows(rows)


# --- claims ---------------------------------------------------------------------------------------------------------


def claims_registrations(rng: random.Random, profile: CreditProfile, as_of: date) -> list[Json]:
    """Registrations in the shared claims register, some older than their legal term."""
    registrations: list[Json] = []
    if rng.random() < _CLAIM_RATE:
        count = rng.choices((1, 2, 3, 4), (65, 22, 9, 4))[0]
        for _ in range(count):
            amount = _amount(rng, 7.0, 1.1, 50, 150_000)
            registrations.append(_registration(rng, "claim", _days_back(rng, as_of, 8), amount=amount))
    if rng.random() < _NON_PAYMENT_RATE[profile.band]:
        registrations.append(_registration(rng, "non_payment", _days_back(rng, as_of, 5)))
    if rng.random() < _CONTRACTUAL_RATE:
        registrations.append(_registration(rng, "contractual", _days_back(rng, as_of, 8)))
    if rng.random() < _INCIDENT_RATE:
        registered = _days_back(rng, as_of, 10)
        ends = shift_months(registered, 12 * rng.randint(1, 8))
        registrations.append(_registration(rng, "incident", registered, ends_on=ends))
    return sorted(registrations, key=lambda item: (item["registered_on"], item["kind"]))


def _days_back(rng: random.Random, as_of: date, years: int) -> date:
    return as_of - timedelta(days=rng.randint(1, years * 365))


def _registration(
    rng: random.Random, kind: str, registered_on: date, *, amount: int | None = None, ends_on: date | None = None
) -> Json:
    return {
        "kind": kind,
        "registered_on": registered_on,
        "ends_on": ends_on,
        "insurer": rng.choice(words.INSURERS),
        "amount_eur": amount,
    }


def claims_rows(
    profiles: Sequence[CreditProfile], registrations: Sequence[list[Json]], planted: PlantedRecords
) -> list[Json]:
    rows = [
        (profile.person.index_key(), {"person": profile.person.as_json(), "registrations": items})
        for profile, items in zip(profiles, registrations, strict=True)
        if items
    ]
    for key, planted_items in planted.claims.items():
        query = PLANTED[key].query()
        items = [item.model_dump(mode="json") for item in planted_items]
        rows.append((_index_key(query), {"person": _query_json(query), "registrations": items}))
    return _sorted_rows(rows)


# --- insolvency -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Case:
    """An insolvency case before it gets its number: numbers are given in order of the start date."""

    owner: str  # sort key of the line it belongs to
    court: str
    kind: str
    subject: str
    started_on: date
    ended_on: date | None


def insolvency_rows(
    rng: random.Random, profiles: Sequence[CreditProfile], planted: PlantedRecords, as_of: date, *, companies: int
) -> list[Json]:
    """One line per person or company in the register: the WSNP cases of the credit register, older personal cases,
    company bankruptcies and suspensions of payments, and the planted cases (which keep their own numbers)."""
    owners: dict[str, Json] = {}
    cases: list[Case] = []
    for profile in profiles:
        person_cases = _person_cases(rng, profile, as_of)
        if person_cases:
            owner = f"p|{profile.person.index_key()}"
            owners[owner] = {"person": profile.person.as_json(), "kvk_number": None}
            cases += person_cases
    for kvk in _kvk_numbers(rng, companies):
        owner = f"c|{kvk}"
        owners[owner] = {"person": None, "kvk_number": kvk}
        cases += _company_cases(rng, owner, as_of)
    rows = _number_cases(rng, owners, cases, planted)
    for key, entries in planted.insolvency.items():
        owner, row = _planted_owner(key)
        rows.append((owner, {**row, "entries": [entry.model_dump(mode="json") for entry in entries]}))
    return _sorted_rows(rows)


def _planted_owner(key: str) -> tuple[str, Json]:
    """The sort key and the `person`/`kvk_number` fields of a planted person's or company's insolvency line."""
    if key in PLANTED:
        query = PLANTED[key].query()
        return f"p|{_index_key(query)}", {"person": _query_json(query), "kvk_number": None}
    kvk = PLANTED_COMPANIES[key].kvk_number
    return f"c|{kvk}", {"person": None, "kvk_number": kvk}


def _person_cases(rng: random.Random, profile: CreditProfile, as_of: date) -> list[Case]:
    owner = f"p|{profile.person.index_key()}"
    court = words.court_for_postcode(profile.person.postcode)
    if profile.wsnp:  # the credit register's WSNP: a current restructuring
        return [Case(owner, court, "wsnp", "person", as_of - timedelta(days=rng.randint(30, 900)), None)]
    if profile.band not in {"C", "D", "E"} or rng.random() >= _OLD_INSOLVENCY_RATE:
        return []
    started = _days_back(rng, as_of, 12)
    if rng.random() < 0.55:  # an earlier WSNP: 3 years, 18 months since mid-2023
        ended = shift_months(started, 36 if started < date(2023, 7, 1) else 18)
        return [Case(owner, court, "wsnp", "person", started, ended if ended < as_of else None)]
    ended = shift_months(started, rng.randint(6, 36))
    return [Case(owner, court, "bankruptcy", "person", started, ended if ended < as_of else None)]


def _kvk_numbers(rng: random.Random, count: int) -> list[str]:
    taken = {EXAMPLE_KVK_NUMBER, *(company.kvk_number for company in PLANTED_COMPANIES.values())}
    numbers: list[str] = []
    while len(numbers) < count:
        number = f"{rng.randint(10_000_000, 99_999_999)}"
        if number not in taken:
            taken.add(number)
            numbers.append(number)
    return numbers


def _company_cases(rng: random.Random, owner: str, as_of: date) -> list[Case]:
    """A bankruptcy, or a suspension of payments that half the time ends in bankruptcy."""
    court = rng.choice(words.COURTS)
    started = _days_back(rng, as_of, 15)
    if rng.random() < 0.8:
        ended = shift_months(started, rng.randint(3, 48))
        return [Case(owner, court, "bankruptcy", "company", started, ended if ended < as_of else None)]
    suspension_end = started + timedelta(days=rng.randint(30, 540))
    if suspension_end >= as_of:
        return [Case(owner, court, "suspension_of_payments", "company", started, None)]
    cases = [Case(owner, court, "suspension_of_payments", "company", started, suspension_end)]
    if rng.random() < 0.5:
        ended = shift_months(suspension_end, rng.randint(3, 48))
        cases.append(Case(owner, court, "bankruptcy", "company", suspension_end, ended if ended < as_of else None))
    return cases


def _number_cases(
    rng: random.Random, owners: dict[str, Json], cases: list[Case], planted: PlantedRecords
) -> list[tuple[str, Json]]:
    """Give every case a number `C/<court>/<yy>/<n> <F|S|R>`, rising with the start date per court, year and kind."""
    taken = {entry.case_number for entries in planted.insolvency.values() for entry in entries}
    last: dict[tuple[str, int, str], int] = {}
    entries: dict[str, list[Json]] = {owner: [] for owner in owners}
    for case in sorted(cases, key=lambda case: (case.started_on, case.owner, case.kind)):
        letter = _CASE_LETTER[case.kind]
        series = (case.court, case.started_on.year % 100, letter)
        while True:
            last[series] = last.get(series, 0) + rng.randint(1, 6)
            number = f"C/{case.court}/{series[1]:02d}/{last[series]} {letter}"
            if number not in taken:
                break
        entries[case.owner].append(
            {
                "case_number": number,
                "kind": case.kind,
                "subject": case.subject,
                "started_on": case.started_on,
                "ended_on": case.ended_on,
            }
        )
    return [(owner, {**row, "entries": entries[owner]}) for owner, row in owners.items()]


# --- the internal incident register ---------------------------------------------------------------------------------


def incident_rows(
    rng: random.Random,
    population: Sequence[Person],
    table: Sequence[Range],
    planted: PlantedRecords,
    as_of: date,
    count: int,
) -> list[Json]:
    """`count` entries keyed by 1-3 identifiers each (invented e-mail addresses, phone numbers and IBANs, and
    addresses of generated people), some ended; plus the planted entries. Never an identifier of the examples or of a
    planted person, other than the planted entries'."""
    forbidden = _forbidden_keys()
    dated = sorted(
        (_days_back(rng, as_of, 8), index) for index in range(count)
    )  # registration dates first, so ids rise with them
    rows: list[tuple[str, Json]] = []
    sequence: dict[int, int] = {}
    for registered, _ in dated:
        sequence[registered.year] = sequence.get(registered.year, 0) + 1
        entry_id = f"INC-{registered.year}-{sequence[registered.year]:04d}"
        keys = _incident_keys(rng, population, table, forbidden)
        row = {
            "id": entry_id,
            "keys": keys,
            "category": rng.choices(("fraud", "attempted_fraud", "identity_fraud"), (40, 45, 15))[0],
            "registered_on": registered,
            "ends_on": shift_months(registered, 12 * rng.randint(1, 8)),
        }
        rows.append((entry_id, row))
    for incident in planted.incidents.values():
        rows.append(
            (
                incident.id,
                {
                    "id": incident.id,
                    "keys": incident.keys(),
                    "category": incident.category,
                    "registered_on": incident.registered_on,
                    "ends_on": incident.ends_on,
                },
            )
        )
    return _sorted_rows(rows)


def _forbidden_keys() -> set[str]:
    keys = {
        identifier_key("email", "sanne.devries@example.nl"),
        identifier_key("email", "pieter@bakkerbouw.example.nl"),
        identifier_key("phone", "06 12345678"),
        identifier_key("phone", "+31 30 123 4567"),
    }
    for query in [*EXAMPLE_PEOPLE.values(), *(person.query() for person in PLANTED.values())]:
        keys.add(identifier_key("address", address_identifier(query.postcode, query.house_number, None)))
    for person in PLANTED.values():
        keys |= {identifier_key(kind, getattr(person, kind)) for kind in ("email", "phone", "iban")}
    return keys


def _incident_keys(
    rng: random.Random, population: Sequence[Person], table: Sequence[Range], forbidden: set[str]
) -> dict[str, str]:
    makers: dict[str, Callable[[], str]] = {
        "email": lambda: _email(rng),
        "phone": lambda: _phone(rng),
        "iban": lambda: random_iban(rng),
        "address": lambda: _address(rng, population, table),
    }
    kinds = rng.sample(sorted(makers), rng.choices((1, 2, 3), (50, 35, 15))[0])
    keys: dict[str, str] = {}
    for kind in sorted(kinds):
        key = identifier_key(kind, makers[kind]())
        while key in forbidden:
            key = identifier_key(kind, makers[kind]())
        keys[kind] = key
    return keys


def _email(rng: random.Random) -> str:
    given = fold(rng.choice(words.DUTCH_GIVEN_YOUNG_F + words.DUTCH_GIVEN_MID_M + words.TURKISH_GIVEN_M))
    family = fold(rng.choice(words.DUTCH_FAMILY)[1])
    domain = rng.choice(words.DISPOSABLE_EMAIL_DOMAINS) if rng.random() < 0.15 else rng.choice(words.EMAIL_PROVIDERS)
    return f"{given}.{family}{rng.randint(1, 999)}@{domain}"


def _phone(rng: random.Random) -> str:
    digits = f"{rng.randint(1, 5)}{rng.randrange(10**7):07d}"
    return f"06 {digits[:4]} {digits[4:]}"


def random_iban(rng: random.Random) -> str:
    """A Dutch IBAN with a valid checksum for a random account number at a real bank code."""
    bban = f"{rng.choice(words.BANK_CODES)}{rng.randrange(10**10):010d}"
    return f"NL{stdnum_iban.calc_check_digits(f'NL00{bban}')}{bban}"


def _address(rng: random.Random, population: Sequence[Person], table: Sequence[Range]) -> str:
    addition = rng.choice((None, None, None, "A", "B", "1", "2", "H"))
    if population and rng.random() < 0.7:
        person = population[rng.randrange(len(population))]
        return address_identifier(person.postcode, person.house_number, addition)
    reserved = reserved_addresses()  # with any addition: the examples live at `3511 AW 112 B`
    while True:
        row = table[rng.randrange(len(table))]
        number = rng.randint(row.first_number, row.last_number)
        if (row.postcode, number) not in reserved:
            return address_identifier(row.postcode, number, addition)


# --- writing --------------------------------------------------------------------------------------------------------


def disposable_domains_text() -> str:
    header = (
        "# Disposable (temporary) e-mail domains, one per line, sorted. Unlike the registers beside it, this list is\n"
        "# real: a curated selection of well-known services, each also on the community list\n"
        "# https://github.com/disposable-email-domains/disposable-email-domains .\n"
        "# Written by engine/registers/synthetic.py.\n"
    )
    return header + "".join(f"{domain}\n" for domain in sorted(set(words.DISPOSABLE_EMAIL_DOMAINS)))


def _index_key(query: PersonQuery) -> str:
    return f"{person_key(query)}|{initial(query.given_names)}"


def _query_json(query: PersonQuery) -> Json:
    return {
        "given_names": query.given_names,
        "family_name_prefix": query.family_name_prefix,
        "family_name": query.family_name,
        "date_of_birth": query.date_of_birth,
        "postcode": compact_postcode(query.postcode),
        "house_number": query.house_number,
    }


def _sorted_rows(rows: Iterable[tuple[str, Json]]) -> list[Json]:
    return [row for _, row in sorted(rows, key=lambda item: item[0])]


def _write_jsonl_gz(path: Path, rows: Sequence[Json]) -> int:
    """Write rows as gzip JSON Lines, reproducibly (sorted keys, no name or time in the gzip header)."""
    payload = b"".join(orjson.dumps(row, option=orjson.OPT_SORT_KEYS) + b"\n" for row in rows)
    partial = path.with_name(f"{path.name}.partial")
    with partial.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
        packed.write(payload)
    partial.replace(path)
    return len(rows)


def _write_text(path: Path, text: str) -> None:
    partial = path.with_name(f"{path.name}.partial")
    partial.write_text(text, encoding="utf-8", newline="\n")
    partial.replace(path)
