"""The synthetic training history of the risk models: applications whose chance of a bad first policy year is known.

THE DATA ARE SYNTHETIC. There is no public portfolio of Dutch liability applications with their outcomes, so the
history is drawn: applicants are people of the synthetic register population (regenerated from the registers' seed,
so the real checks find their credit files, claims registrations and insolvencies), plus people the registers do not
know; each application is a real :class:`AvpApplication` or :class:`AvbApplication` (with an invented company for AVB)
received on the registers' `as_of` day, its facts are computed exactly as the engine computes them (the identity,
credit, claims-history and insolvency checks run in-process on the embedded registers), and the outcome is drawn from
a documented function of those facts, :func:`true_logit`. Because every row's true probability is known, training can
report a model's AUC as a share of the oracle's.

`data/history/README.md` documents the population, the draws, the truth with its coefficients, and the columns.
Every random choice comes from a stream seeded with `f"{seed}/history/{product}/..."`, one per fixed chunk of
:data:`CHUNK_ROWS` rows (so chunks could be drawn in parallel without changing the table), and the outcomes from one
numpy stream: one seed and row count always give the same table, and a shorter history is the start of a longer one.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import io
import itertools
import math
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import orjson
import pandas as pd

from engine.checks.claims_history import ClaimsHistoryCheck, in_force
from engine.checks.credit import CreditCheck
from engine.checks.identity import IdentityCheck
from engine.checks.insolvency import InsolvencyCheck, relevant_entries
from engine.checks.providers.local import LocalRegisters, Manifest
from engine.config import PROJECT_ROOT
from engine.domain.application import AvbApplication, AvpApplication, age_on, check_dates, years_before
from engine.domain.checks import CheckResult, CheckStatus
from engine.domain.facts import FactValue
from engine.domain.products import Product
from engine.policy.facts import FactCatalogue, application_facts, check_facts
from engine.registers import synthetic_names as words
from engine.registers.identifiers import fold
from engine.registers.planted import EXAMPLE_KVK_NUMBER, PLANTED_COMPANIES
from engine.registers.records import InsolvencyEntry, InsolvencyQuery
from engine.registers.synthetic import Person, Range, _rng, generate_population, postcode_table

HISTORY_SEED: Final = 20261125
HISTORY_ROWS: Final = 200_000  # rows per product in the shipped files
CHUNK_ROWS: Final = 2_000  # rows drawn from one random stream; fixed, so chunks can be drawn apart
DEFAULT_REGISTER_DIR: Final = PROJECT_ROOT / "data" / "registers"

FloatArray = npt.NDArray[np.float64]
Row = dict[str, FactValue]

# --- columns --------------------------------------------------------------------------------------------------------

FEATURES: Final[Mapping[Product, tuple[str, ...]]] = {
    Product.AVP: (
        "cover.insured_limit_eur",
        "cover.deductible_eur",
        "household.composition",
        "disclosure.claims_5y_count",
        "disclosure.claims_5y_total_eur",
        "disclosure.refused_or_cancelled_before",
        "claims.registered_5y",
        "claims.non_payment_3y",
        "claims.undeclared_count",
        "credit.score_band",
        "credit.arrears_count",
        "credit.arrears_open_eur",
    ),
    Product.AVB: (
        "cover.insured_limit_eur",
        "cover.deductible_eur",
        "company.sbi_division",
        "company.legal_form",
        "company.age_years",
        "company.annual_turnover_eur",
        "company.staff_count",
        "insolvency.company_ended_recently",
        "disclosure.claims_5y_count",
        "disclosure.claims_5y_total_eur",
        "disclosure.refused_or_cancelled_before",
        "claims.registered_5y",
        "claims.non_payment_3y",
        "credit.score_band",
        "credit.arrears_count",
    ),
}
"""The facts written per product: the features of `data/model_specs/<product>.yaml`."""

PROTECTED_COLUMNS: Final = ("gender", "age_band", "origin")
WATCH_COLUMNS: Final = ("region",)
TRUE_PROBABILITY: Final = "true_probability"
OUTCOME: Final = "bad_outcome"
APPLICATION_NO: Final = "application_no"
STRING_COLUMNS: Final = frozenset(
    {
        "household.composition",
        "company.sbi_division",
        "company.legal_form",
        "credit.score_band",
        *PROTECTED_COLUMNS,
        *WATCH_COLUMNS,
    }
)
BOOLEAN_COLUMNS: Final = frozenset({"disclosure.refused_or_cancelled_before", "insolvency.company_ended_recently"})
AGE_BANDS: Final = ((18, "18-29"), (30, "30-44"), (45, "45-64"), (65, "65+"))


def history_columns(product: Product) -> tuple[str, ...]:
    """The columns of a product's history, in order."""
    return (APPLICATION_NO, *FEATURES[product], *PROTECTED_COLUMNS, *WATCH_COLUMNS, TRUE_PROBABILITY, OUTCOME)


# --- the truth ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Truth:
    """The true log-odds of a bad first policy year, as a function of the facts:

    logit = intercept
            + sum of coefficient * (log1p(fact) - log1p(reference))        over `logs`
            + sum of coefficient * fact                                     over `flags` (booleans)
            + the level's value                                             over `levels` (unknown levels add 0)
            + amount_weight * (1 - exp(-disclosure.claims_5y_total_eur / amount_scale))
            + interaction    if (claims.registered_5y + disclosure.claims_5y_count > 0) and credit.arrears_count > 0
            + urban_region   if the postcode region is 1, 2 or 3

    Never gender or origin; applicant age not at all."""

    intercept: float
    logs: Mapping[str, tuple[float, float]]  # fact -> (coefficient, reference value)
    flags: Mapping[str, float]
    levels: Mapping[str, Mapping[str, float]]
    amount_weight: float
    amount_scale: float
    interaction: float
    urban_region: float
    urban_regions: tuple[str, ...] = ("1", "2", "3")


CREDIT_BANDS: Final = ("A", "B", "C", "D", "E", "none")

SECTORS: Final[Mapping[str, tuple[tuple[str, ...], float, float, str]]] = {
    # division: (SBI codes drawn, share of applications, effect on the log-odds, word for the company name)
    "01": (("0111", "0113", "0141", "0150"), 3.0, 0.30, "Agro"),
    "10": (("1013", "1071", "1089"), 1.5, 0.30, "Food"),
    "16": (("1623", "1629"), 0.5, 0.45, "Houtbewerking"),
    "25": (("2511", "2562", "2599"), 1.5, 0.50, "Metaal"),
    "41": (("4120",), 4.0, 0.80, "Bouw"),
    "43": (("43221", "4332", "4334", "43999"), 7.0, 0.90, "Installatie"),
    "45": (("4511", "4520"), 3.0, 0.45, "Auto"),
    "46": (("4638", "4669", "4690"), 5.0, 0.00, "Groothandel"),
    "47": (("4711", "4719", "4778"), 9.0, 0.15, "Winkel"),
    "49": (("4932", "4941"), 3.0, 0.65, "Transport"),
    "55": (("5510",), 1.5, 0.35, "Hotel"),
    "56": (("5610", "5630"), 6.0, 0.50, "Horeca"),
    "62": (("6201", "6202"), 6.0, -0.65, "IT"),
    "64": (("6420",), 3.0, -0.45, "Holding"),
    "68": (("6820",), 4.0, -0.15, "Vastgoed"),
    "69": (("6910", "6920"), 3.0, -0.50, "Advies"),
    "70": (("7022",), 7.0, -0.60, "Consultancy"),
    "71": (("7111", "7112"), 3.0, -0.10, "Ingenieurs"),
    "73": (("7311",), 2.0, -0.50, "Reclame"),
    "74": (("7410", "7420"), 3.0, -0.45, "Ontwerp"),
    "81": (("8121", "8130"), 3.0, 0.60, "Schoonmaak"),
    "85": (("8559",), 4.0, -0.30, "Opleidingen"),
    "86": (("8621", "8690"), 6.0, 0.10, "Zorg"),
    "88": (("8891",), 2.0, 0.15, "Kinderopvang"),
    "90": (("9003",), 3.0, -0.35, "Cultuur"),
    "93": (("9311", "9313"), 2.0, 0.45, "Sport"),
    "96": (("9602", "9604"), 4.0, 0.00, "Salon"),
}

LEGAL_FORMS: Final[Mapping[str, tuple[float, float]]] = {
    # legal form: (share of applications, effect on the log-odds)
    "eenmanszaak": (42.0, 0.00),
    "vof": (10.0, 0.10),
    "maatschap": (3.0, -0.15),
    "cv": (1.0, 0.10),
    "bv": (32.0, 0.15),
    "nv": (0.5, 0.15),
    "stichting": (6.0, -0.15),
    "vereniging": (4.5, 0.15),
    "cooperatie": (1.0, 0.00),
}

TRUTH: Final[Mapping[Product, Truth]] = {
    Product.AVP: Truth(
        intercept=-4.37,
        logs={
            "cover.insured_limit_eur": (0.45, 1_250_000),
            "cover.deductible_eur": (-0.13, 0),
            "disclosure.claims_5y_count": (0.75, 0),
            "claims.registered_5y": (0.65, 0),
            "claims.non_payment_3y": (1.10, 0),
            "claims.undeclared_count": (0.90, 0),
            "credit.arrears_count": (0.55, 0),
            "credit.arrears_open_eur": (0.09, 0),
        },
        flags={"disclosure.refused_or_cancelled_before": 0.75},
        levels={
            "household.composition": {"single": 0.0, "couple": 0.22, "family": 0.60},
            "credit.score_band": {"A": 0.0, "B": 0.45, "C": 0.95, "D": 1.45, "E": 2.00, "none": 0.75},
        },
        amount_weight=0.75,
        amount_scale=4_000,
        interaction=0.75,
        urban_region=0.28,
    ),
    Product.AVB: Truth(
        intercept=-2.62,
        logs={
            "cover.insured_limit_eur": (0.33, 1_250_000),
            "cover.deductible_eur": (-0.11, 0),
            "company.age_years": (-0.45, 0),
            "company.annual_turnover_eur": (0.17, 250_000),
            "company.staff_count": (0.22, 0),
            "disclosure.claims_5y_count": (0.65, 0),
            "claims.registered_5y": (0.50, 0),
            "claims.non_payment_3y": (0.90, 0),
            "credit.arrears_count": (0.55, 0),
        },
        flags={"disclosure.refused_or_cancelled_before": 0.75, "insolvency.company_ended_recently": 1.30},
        levels={
            "company.sbi_division": {division: effect for division, (_, _, effect, _) in SECTORS.items()},
            "company.legal_form": {form: effect for form, (_, effect) in LEGAL_FORMS.items()},
            "credit.score_band": {"A": 0.0, "B": 0.28, "C": 0.60, "D": 0.95, "E": 1.30, "none": 0.45},
        },
        amount_weight=0.65,
        amount_scale=10_000,
        interaction=0.65,
        urban_region=0.22,
    ),
}


def true_logit(frame: pd.DataFrame, product: Product) -> FloatArray:
    """The true log-odds of a bad outcome for every row of ``frame`` (a history, or any table with its columns)."""
    truth = TRUTH[product]
    logit = np.full(len(frame), truth.intercept, dtype=np.float64)
    for name, (coefficient, reference) in truth.logs.items():
        logit += coefficient * (np.log1p(_numbers(frame, name)) - math.log1p(reference))
    for name, coefficient in truth.flags.items():
        logit += coefficient * frame[name].astype(bool).to_numpy(dtype=np.float64)
    for name, values in truth.levels.items():
        logit += frame[name].astype(str).map(dict(values)).fillna(0.0).to_numpy(dtype=np.float64)
    amount = _numbers(frame, "disclosure.claims_5y_total_eur")
    logit += truth.amount_weight * -np.expm1(-amount / truth.amount_scale)
    any_claims = (_numbers(frame, "claims.registered_5y") + _numbers(frame, "disclosure.claims_5y_count")) > 0
    arrears = _numbers(frame, "credit.arrears_count") > 0
    logit += truth.interaction * (any_claims & arrears)
    logit += truth.urban_region * frame["region"].astype(str).isin(truth.urban_regions).to_numpy(dtype=np.float64)
    return logit


def true_probability(frame: pd.DataFrame, product: Product) -> FloatArray:
    """The true probability of a bad outcome, rounded to 6 decimals as the history stores it."""
    logit = true_logit(frame, product)
    return np.round(1.0 / (1.0 + np.exp(-logit)), 6)


def _numbers(frame: pd.DataFrame, name: str) -> FloatArray:
    values: FloatArray = frame[name].to_numpy(dtype=np.float64)
    return values


# --- generating -----------------------------------------------------------------------------------------------------


def generate_history(
    product: Product,
    *,
    rows: int,
    seed: int = HISTORY_SEED,
    registers: LocalRegisters | None = None,
    register_dir: Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> pd.DataFrame:
    """A synthetic history of ``rows`` applications for ``product``, with :func:`history_columns`.

    ``registers`` may be passed when already loaded; they must be the ones in ``register_dir`` (default: the shipped
    `data/registers/`), which is also read for its manifest (seed and size of the population) and its insolvency
    register's companies. ``progress`` is called with the number of rows done since its last call."""
    if rows < 1:
        raise ValueError("rows must be at least 1")
    source = load_source(register_dir if register_dir is not None else DEFAULT_REGISTER_DIR, registers=registers)
    drawn: list[Row] = []
    for chunk, start in enumerate(range(0, rows, CHUNK_ROWS)):
        size = min(CHUNK_ROWS, rows - start)
        drawn += draw_chunk(source, product, seed=seed, chunk=chunk, start=start, size=size)
        if progress is not None:
            progress(size)
    return finish_history(drawn, product, seed=seed)


def finish_history(drawn: Sequence[Row], product: Product, *, seed: int) -> pd.DataFrame:
    """The table of drawn rows with the true probability and an outcome drawn from it (one seeded numpy stream)."""
    columns = history_columns(product)[:-2]
    frame = pd.DataFrame.from_records(list(drawn), columns=list(columns))
    for name in columns:
        if name in STRING_COLUMNS:
            frame[name] = frame[name].astype(str)
        elif name in BOOLEAN_COLUMNS:
            frame[name] = frame[name].astype(bool)
        else:
            frame[name] = frame[name].astype(np.int64)
    probability = true_probability(frame, product)
    frame[TRUE_PROBABILITY] = probability
    draws = np.random.default_rng(_numpy_seed(seed, product)).random(len(frame))
    frame[OUTCOME] = (draws < probability).astype(np.int64)
    return frame


def _numpy_seed(seed: int, product: Product) -> int:
    digest = hashlib.sha256(f"{seed}/history/{product.value}/outcome".encode()).digest()
    return int.from_bytes(digest[:8], "big")


# --- what applications are drawn from -------------------------------------------------------------------------------

NEWCOMER_SHARE: Final = 0.12  # applicants the registers do not know (no credit file)
NEWCOMER_BATCH: Final = 50
AVB_APPLICANT_AGES: Final = (21, 75)
REGISTER_COMPANY_SHARES: Final = {"ended_recently": 0.012, "active": 0.003, "ended_long_ago": 0.010}
RECEIVED_AT: Final = time(10, 0)


@dataclass(frozen=True)
class HistorySource:
    """What the applications are drawn from: the registers and the checks on them, the register population
    regenerated from the registers' seed, the postcode table, and the companies of the insolvency register."""

    registers: LocalRegisters
    checks: tuple[IdentityCheck, CreditCheck, ClaimsHistoryCheck, InsolvencyCheck]
    population: tuple[Person, ...]
    table: tuple[Range, ...]
    addresses: Mapping[str, Range]
    register_companies: Mapping[str, tuple[str, ...]]  # ended_recently / active / ended_long_ago -> KvK numbers
    taken_kvk_numbers: frozenset[str]
    received_on: date

    @property
    def received_at(self) -> datetime:
        """The moment every application is received: `as_of` of the registers, mid-morning (the same day in UTC and
        in Dutch time, which the checks count in)."""
        return datetime.combine(self.received_on, RECEIVED_AT, tzinfo=UTC)


def load_source(directory: Path, *, registers: LocalRegisters | None = None) -> HistorySource:
    """Load (or take) the registers in ``directory`` and regenerate their population from the manifest's seed."""
    manifest_data = _manifest_json(directory)
    if registers is None:
        registers = LocalRegisters.load(directory)
    else:
        _same_registers(registers, directory)
    table, population = register_population(int(manifest_data["seed"]), int(manifest_data["people"]))
    sample = population[:: max(1, len(population) // 50)]
    if not all(registers.credit.lookup(person.query()).records for person in sample):
        raise ValueError(f"{directory.name}: the regenerated population is not the one in the registers")
    companies = _register_companies(directory, registers.manifest)
    taken = {EXAMPLE_KVK_NUMBER, *(company.kvk_number for company in PLANTED_COMPANIES.values())}
    taken |= {kvk for numbers in companies.values() for kvk in numbers}
    checks = (
        IdentityCheck(registers.postcodes, registers.disposable_domains),
        CreditCheck(registers.credit),
        ClaimsHistoryCheck(registers.claims),
        InsolvencyCheck(registers.insolvency),
    )
    return HistorySource(
        registers=registers,
        checks=checks,
        population=population,
        table=table,
        addresses={row.postcode: row for row in table},
        register_companies=companies,
        taken_kvk_numbers=frozenset(taken),
        received_on=registers.manifest.as_of,
    )


@cache
def register_population(seed: int, people: int) -> tuple[tuple[Range, ...], tuple[Person, ...]]:
    """The postcode table and the people of the synthetic registers, regenerated exactly as
    :func:`engine.registers.synthetic.generate_registers` draws them (kept once per process: they never change)."""
    table = tuple(postcode_table(_rng(seed, "postcodes")))
    return table, tuple(generate_population(_rng(seed, "population"), table, people))


def _manifest_json(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    try:
        data = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable register manifest ({exc})") from exc
    if not isinstance(data, dict) or "seed" not in data or "people" not in data or not data.get("synthetic"):
        raise ValueError(f"{path}: the history is drawn from synthetic registers with a seed and a population size")
    return data


def _same_registers(registers: LocalRegisters, directory: Path) -> None:
    version = Manifest.read(directory).version
    if registers.manifest.version != version:
        raise ValueError(
            f"the registers passed are {registers.manifest.version}, those in {directory.name}/ are {version}: "
            "pass register_dir"
        )


def _register_companies(directory: Path, manifest: Manifest) -> dict[str, tuple[str, ...]]:
    """The KvK numbers of the companies in the insolvency register (planted ones left out), by their state on the
    registers' `as_of` day."""
    path = directory / str(manifest.files["insolvency"]["path"])
    planted = {company.kvk_number for company in PLANTED_COMPANIES.values()}
    groups: dict[str, list[str]] = {"ended_recently": [], "active": [], "ended_long_ago": []}
    for line in gzip.decompress(path.read_bytes()).splitlines():
        data = orjson.loads(line)
        kvk = data.get("kvk_number")
        if not kvk or kvk in planted:
            continue
        entries = [InsolvencyEntry.model_validate(entry) for entry in data["entries"]]
        relevant = relevant_entries(entries, today=manifest.as_of)
        if any(entry.ended_on is None or entry.ended_on > manifest.as_of for entry in relevant):
            groups["active"].append(kvk)
        elif relevant:
            groups["ended_recently"].append(kvk)
        else:
            groups["ended_long_ago"].append(kvk)
    return {name: tuple(sorted(numbers)) for name, numbers in groups.items()}


# --- drawing one chunk of applications ------------------------------------------------------------------------------


def draw_chunk(source: HistorySource, product: Product, *, seed: int, chunk: int, start: int, size: int) -> list[Row]:
    """Rows ``start`` to ``start + size`` of the history: each a drawn application's facts, as the engine computes
    them, with the applicant's group columns. Depends only on the seed, the product and the chunk number (a shorter
    chunk is the start of a longer one)."""
    stream = f"{seed}/history/{product.value}/{chunk}"
    rng = random.Random(stream)  # noqa: S311 - synthetic data, not security
    newcomers = _newcomers(source, product, stream)
    rows: list[Row] = []
    for offset in range(size):
        person = next(newcomers) if rng.random() < NEWCOMER_SHARE else _register_person(rng, source, product)
        application = draw_application(rng, source, product, person, seed=seed)
        facts = engine_facts(source, application)
        row: Row = {APPLICATION_NO: start + offset + 1}
        row |= {name: facts[name] for name in FEATURES[product]}
        row |= group_columns(person, source.received_on)
        rows.append(row)
    return rows


def _register_person(rng: random.Random, source: HistorySource, product: Product) -> Person:
    while True:
        person = source.population[rng.randrange(len(source.population))]
        if product is Product.AVP or _fits_avb(person, source.received_on):
            return person


def _newcomers(source: HistorySource, product: Product, stream: str) -> Iterator[Person]:
    """People the registers do not know, drawn like the register population (with their own households), in
    batches from streams of their own."""
    for batch in itertools.count():
        rng = random.Random(f"{stream}/newcomers/{batch}")  # noqa: S311 - synthetic data, not security
        for person in generate_population(rng, source.table, NEWCOMER_BATCH):
            if product is Product.AVP or _fits_avb(person, source.received_on):
                yield person


def _fits_avb(person: Person, today: date) -> bool:
    low, high = AVB_APPLICANT_AGES
    return low <= age_on(person.date_of_birth, today) <= high


def group_columns(person: Person, today: date) -> Row:
    """The protected and watched columns of an applicant: never features."""
    age = age_on(person.date_of_birth, today)
    band = next(label for low, label in reversed(AGE_BANDS) if age >= low)
    return {
        "gender": "female" if person.female else "male",
        "age_band": band,
        "origin": person.origin,
        "region": person.postcode[0],
    }


def engine_facts(source: HistorySource, application: AvpApplication | AvbApplication) -> dict[str, FactValue]:
    """The facts exactly as the engine computes them: the application's own, and those the checks find."""
    today, now = source.received_on, source.received_at
    problems = check_dates(application, today=today)
    if problems:
        raise AssertionError(f"a drawn application has invalid dates: {problems}")
    results: list[CheckResult] = [check.run(application, now=now) for check in source.checks]
    if any(result.status is CheckStatus.UNAVAILABLE for result in results):
        raise RuntimeError("a check on the embedded registers was unavailable")
    if not results[0].facts["address_consistent"]:
        raise AssertionError("a drawn address is not in the postcode table")
    return application_facts(application, today=today) | check_facts(results, _catalogue(application.product))


@cache
def _catalogue(product: Product) -> FactCatalogue:
    return FactCatalogue.for_product(product)


def draw_application(
    rng: random.Random, source: HistorySource, product: Product, person: Person, *, seed: int
) -> AvpApplication | AvbApplication:
    """An application by ``person``: disclosure answers drawn from what the registers hold on them (most registered
    claims declared, some not), cover from the product's options, and for AVB a company."""
    today = source.received_on
    kvk = _kvk_number(rng, source) if product is Product.AVB else None
    registrations = in_force(source.registers.claims.lookup(person.query()).records, today=today)
    query = InsolvencyQuery.model_construct(person=person.query(), kvk_number=kvk)
    insolvencies = relevant_entries(source.registers.insolvency.lookup(query).records, today=today)
    body: dict[str, Any] = {
        "product": product.value,
        "notice_version": "1.0.0",
        "language": "nl" if rng.random() < 0.9 else "en",
        "objects_to_automated_decision": False,
        "applicant": _applicant(rng, source, person),
        "disclosure": _disclosure(rng, product, registrations, bool(insolvencies), today),
        "consents": {"privacy_statement_acknowledged": True, "marketing_email": rng.random() < 0.3},
    }
    if product is Product.AVP:
        body["household"] = _household(rng, age_on(person.date_of_birth, today))
        body["cover"] = _avp_cover(rng, today)
        return AvpApplication.model_validate(body)
    assert kvk is not None
    company = draw_company(seed, kvk, today=today, family=(person.family_name_prefix, person.family_name))
    body["company"] = company
    body["cover"] = _avb_cover(rng, today, company["annual_turnover_eur"])
    return AvbApplication.model_validate(body)


def _applicant(rng: random.Random, source: HistorySource, person: Person) -> dict[str, Any]:
    address = source.addresses[person.postcode]
    first = fold(person.given_names.split()[0]) or "info"
    family = fold(f"{person.family_name_prefix or ''}{person.family_name}") or "mail"
    return {
        "given_names": person.given_names,
        "family_name_prefix": person.family_name_prefix,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat(),
        "email": f"{first}.{family}{rng.randint(1, 999)}@{rng.choice(words.EMAIL_PROVIDERS)}",
        "phone": f"06 {rng.randint(1, 5)}{rng.randrange(10**7):07d}",
        "address": {
            "street": address.street,
            "house_number": person.house_number,
            "postcode": f"{person.postcode[:4]} {person.postcode[4:]}",
            "city": address.city,
        },
    }


def _disclosure(
    rng: random.Random, product: Product, registrations: Sequence[Any], insolvent: bool, today: date
) -> dict[str, Any]:
    """The slotvragen as a mostly honest applicant answers them: a registered claim is declared (date near its
    registration, amount near the registered one) with probability 0.85, some claims are declared that the register
    does not hold, and a registered cancellation or insolvency is admitted with probability 0.7."""
    earliest = years_before(today, 5)
    claims: list[dict[str, Any]] = []
    for registration in registrations:
        if registration.kind != "claim" or rng.random() >= 0.85:
            continue
        day = max(earliest, min(today, registration.registered_on - timedelta(days=rng.randint(0, 45))))
        registered = registration.amount_eur if registration.amount_eur is not None else _amount(rng, 6.5, 1.0)
        claims.append({"date": day.isoformat(), "amount_eur": max(0, round(registered * rng.uniform(0.85, 1.15)))})
    extra = rng.choices((0, 1, 2), (90, 8, 2) if product is Product.AVP else (84, 12, 4))[0]
    for _ in range(extra):
        day = today - timedelta(days=rng.randint(30, 5 * 365 - 2))
        claims.append({"date": day.isoformat(), "amount_eur": _amount(rng, 6.3, 0.9)})
    cancelled = any(registration.kind in {"non_payment", "contractual"} for registration in registrations)
    return {
        "refused_or_cancelled_before": rng.random() < (0.7 if cancelled else 0.02),
        "claims_last_5_years": sorted(claims, key=lambda claim: claim["date"], reverse=True),
        "criminal_record_last_8_years": rng.random() < 0.004,
        "insolvency": insolvent and rng.random() < 0.7,
    }


def _amount(rng: random.Random, mu: float, sigma: float) -> int:
    return min(50_000, max(50, round(rng.lognormvariate(mu, sigma))))


_HOUSEHOLDS: Final = (  # (from age, weights of single, couple, family)
    (18, (70, 20, 10)),
    (25, (40, 35, 25)),
    (35, (20, 25, 55)),
    (55, (25, 55, 20)),
    (70, (40, 55, 5)),
)


def _household(rng: random.Random, age: int) -> str:
    weights = next(weights for low, weights in reversed(_HOUSEHOLDS) if age >= low)
    return rng.choices(("single", "couple", "family"), weights)[0]


def _start_date(rng: random.Random, today: date) -> str:
    return (today + timedelta(days=rng.randint(1, 90))).isoformat()


def _avp_cover(rng: random.Random, today: date) -> dict[str, Any]:
    return {
        "insured_limit_eur": rng.choices((1_250_000, 2_500_000), (30, 70))[0],
        "deductible_eur": rng.choices((0, 100, 250), (55, 28, 17))[0],
        "start_date": _start_date(rng, today),
    }


def _avb_cover(rng: random.Random, today: date, turnover: int) -> dict[str, Any]:
    """Bigger companies choose higher limits and deductibles."""
    size = 0 if turnover < 250_000 else 1 if turnover < 2_500_000 else 2
    limits = ((55, 35, 10), (30, 50, 20), (10, 45, 45))[size]
    deductibles = ((25, 35, 25, 10, 5), (10, 25, 35, 20, 10), (5, 15, 30, 30, 20))[size]
    return {
        "insured_limit_eur": rng.choices((1_250_000, 2_500_000, 5_000_000), limits)[0],
        "deductible_eur": rng.choices((0, 250, 500, 1_000, 2_500), deductibles)[0],
        "start_date": _start_date(rng, today),
    }


def _kvk_number(rng: random.Random, source: HistorySource) -> str:
    """A company in the insolvency register for a few applications (most of those ended within the last 6 months),
    otherwise a new eight-digit number the registers do not know."""
    draw = rng.random()
    for group, share in REGISTER_COMPANY_SHARES.items():
        numbers = source.register_companies[group]
        if draw < share and numbers:
            return numbers[rng.randrange(len(numbers))]
        draw -= share
    while True:
        number = f"{rng.randint(10_000_000, 99_999_999)}"
        if number not in source.taken_kvk_numbers:
            return number


_STAFF: Final[Mapping[str, tuple[float, float, float]]] = {
    # legal form: (share with no staff, mu and sigma of the lognormal staff count otherwise)
    "eenmanszaak": (0.60, 0.6, 0.7),
    "vof": (0.30, 1.0, 0.8),
    "maatschap": (0.10, 1.8, 0.8),
    "cv": (0.20, 1.5, 1.0),
    "bv": (0.10, 1.9, 1.2),
    "nv": (0.00, 4.5, 1.3),
    "stichting": (0.15, 2.0, 1.4),
    "vereniging": (0.40, 1.0, 1.0),
    "cooperatie": (0.10, 2.2, 1.2),
}
_NAME_FORMS: Final = {
    "bv": "{} B.V.",
    "nv": "{} N.V.",
    "vof": "{} V.O.F.",
    "cv": "{} C.V.",
    "maatschap": "Maatschap {}",
    "stichting": "Stichting {}",
    "vereniging": "Vereniging {}",
    "cooperatie": "Coöperatie {} U.A.",
    "eenmanszaak": "{}",
}


def draw_company(seed: int, kvk: str, *, today: date, family: tuple[str | None, str]) -> dict[str, Any]:
    """The company behind a KvK number: drawn from the number (so a company that applies twice is the same company),
    named after the applicant. Sector from a spread of SBI divisions; staff by legal form; turnover per head by
    sector; 22 % founded within the last 3 years."""
    rng = random.Random(f"{seed}/history/company/{kvk}")  # noqa: S311 - synthetic data, not security
    divisions = tuple(SECTORS)
    division = rng.choices(divisions, [SECTORS[name][1] for name in divisions])[0]
    codes, _, _, word = SECTORS[division]
    forms = tuple(LEGAL_FORMS)
    form = rng.choices(forms, [LEGAL_FORMS[name][0] for name in forms])[0]
    none_share, mu, sigma = _STAFF[form]
    staff = 0 if rng.random() < none_share else min(50_000, max(1, round(rng.lognormvariate(mu, sigma))))
    per_head = {"46": 400_000, "64": 500_000, "68": 300_000, "47": 150_000, "56": 60_000, "85": 70_000}
    turnover = round((staff + 1) * per_head.get(division, 110_000) * rng.lognormvariate(-0.3, 0.6), -3)
    if rng.random() < 0.22:
        founded = today - timedelta(days=rng.randint(20, 3 * 365))
    else:
        founded = today - timedelta(days=round(365.25 * min(120.0, 3 + rng.lognormvariate(math.log(10), 0.8))))
    prefix, name = family
    label = f"{(prefix + ' ') if prefix else ''}{name} {word}"
    return {
        "name": _NAME_FORMS[form].format(label[:1].upper() + label[1:]),
        "kvk_number": kvk,
        "sbi_code": rng.choice(codes),
        "legal_form": form,
        "founding_date": founded.isoformat(),
        "annual_turnover_eur": int(max(5_000, turnover)),
        "staff_count": staff,
    }


# --- files ----------------------------------------------------------------------------------------------------------


class HistoryFileError(ValueError):
    """A history file that cannot be written or read, with the reason."""


def write_history(frame: pd.DataFrame, path: Path) -> str:
    """Write ``frame`` as CSV, gzip-compressed when the name ends in `.gz`, reproducibly (no name or time in the gzip
    header, `\\n` line ends); return the file's SHA-256 (hex)."""
    if not path.name.endswith((".csv", ".csv.gz")):
        raise HistoryFileError(f"{path.name}: a history is written as .csv or .csv.gz")
    text = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if path.name.endswith(".gz"):
        buffer = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as packed:
            packed.write(text)
        text = buffer.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partial")
    partial.write_bytes(text)
    partial.replace(path)
    return hashlib.sha256(text).hexdigest()


def read_history(path: Path) -> pd.DataFrame:
    """Read a history from CSV, gzip CSV or (when pyarrow is installed) Parquet. Group columns and categorical facts
    (`region`, `company.sbi_division`, ...) are read as text, so `01` stays `01`."""
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        if importlib.util.find_spec("pyarrow") is None:
            raise HistoryFileError(f"{path.name}: reading Parquet needs pyarrow, which is not installed; use CSV")
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise HistoryFileError(f"{path.name}: not a readable Parquet file ({exc})") from exc
    if not name.endswith((".csv", ".csv.gz")):
        raise HistoryFileError(f"{path.name}: a history is a .csv, .csv.gz or .parquet file")
    try:
        header = pd.read_csv(path, nrows=0).columns
        return pd.read_csv(path, dtype={column: str for column in header if column in STRING_COLUMNS})
    except (OSError, ValueError, EOFError) as exc:
        raise HistoryFileError(f"{path.name}: not a readable CSV file ({exc})") from exc
