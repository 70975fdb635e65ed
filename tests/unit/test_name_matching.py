"""The sanctions name matcher: normalisation, scoring and decision, blocking, and the synthetic list it runs on."""

from __future__ import annotations

import dataclasses
import gzip
import json
from datetime import date
from pathlib import Path

import pytest

from engine.checks.name_matching import (
    DOB_CONFLICT_PENALTY,
    POTENTIAL_MATCH_THRESHOLD,
    ListedDate,
    NameIndex,
    NameMatch,
    SanctionsMatcher,
    birth_date_evidence,
    name_score,
    name_tokens,
    phonetic_key,
    screen,
)
from engine.registers.records import SanctionsEntry
from engine.registers.sanctions_list import (
    PLANTED_SANCTIONS,
    generate_entries,
    generate_sanctions_list,
    read_sanctions_list,
)

PERSON_CYRILLIC = PLANTED_SANCTIONS["person_cyrillic"]  # Fiktiv Testovich Primerov, born 1971-04-12
PERSON_YEAR = PLANTED_SANCTIONS["person_year_only"]  # Tajribi Khayali al-Muftarad, born 1968
ENTITY = PLANTED_SANCTIONS["entity"]  # Imaginarium Test Shipping LLC

OTHERS = [
    SanctionsEntry(
        id="EU.100.01",
        kind="person",
        names=["Sergei Viktorovich Ivanov", "Sergey Viktorovich Ivanoff", "Сергей Викторович Иванов"],
        birth_dates=["1960-02-03"],
        programme="RUS",
        listed_on=date(2022, 2, 28),
    ),
    SanctionsEntry(
        id="EU.100.02",
        kind="person",
        names=["Mohammed Hamdi Sayed al-Ahmad", "Muhammad Hamdi al-Ahmad"],
        programme="SYR",
        listed_on=date(2012, 1, 1),
    ),
    SanctionsEntry(
        id="EU.100.03",
        kind="person",
        names=["Karim Haddad"],
        programme="SYR",
        listed_on=date(2012, 1, 1),
    ),
    SanctionsEntry(
        id="EU.100.04",
        kind="person",
        names=["Kim Jong Chol", "Kim Jong-chol"],
        birth_dates=["1975"],
        programme="PRK",
        listed_on=date(2017, 1, 1),
    ),
]
ENTRIES = [*PLANTED_SANCTIONS.values(), *OTHERS]


def potential(name: str, birth_date: date | None = None, kind: str = "person") -> set[str]:
    matches = screen(name, birth_date=birth_date, candidates=ENTRIES, kind=kind)  # type: ignore[arg-type]
    return {match.entry_id for match in matches if match.potential_match}


# --- normalisation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Mohammed", "Mohamed"),
        ("Muhammad", "Mohamad"),
        ("Ivanoff", "Iwanow"),
        ("Yevgeny", "Jewgeni"),
        ("Evgeniy", "Yevgeny"),
        ("Petrović", "Petrovich"),
        ("Hussein", "Hossein"),
        ("Khaled", "Khalid"),
        ("Tschernow", "Chernov"),
        ("Abdullah", "Abdulla"),
        ("Coulibaly", "Kulibali"),
        ("Hicham", "Hisham"),
        ("Zelenskyy", "Zelenskiy"),
        ("Madjid", "Majid"),
    ],
)
def test_transliteration_variants_share_a_phonetic_key(one: str, other: str) -> None:
    assert phonetic_key(name_tokens(one)[0].raw) == phonetic_key(name_tokens(other)[0].raw)


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("Abd al-Rahman", ["abdrahman"]),
        ("Abdul Rahman", ["abdrahman"]),
        ("Abdurrahman", ["abdrahman"]),
        ("Mohammed el-Assad", ["muhamid", "asad"]),
        ("Jan van der Berg", ["ian", "birg"]),
        ("Александр Лукашенко", ["aliksandr", "lukashinku"]),
        ("MULLAH Omar bin Laden", ["umar", "ladin"]),
    ],
)
def test_articles_connectors_particles_and_titles_go(name: str, keys: list[str]) -> None:
    assert [t.key for t in name_tokens(name)] == keys


def test_initials_and_legal_forms() -> None:
    assert [(t.key, t.initial) for t in name_tokens("S.V. Ivanov")] == [("s", True), ("v", True), ("ivanuv", False)]
    assert [t.raw for t in name_tokens("OOO Imaginarium Test Shipping B.V.", "entity")] == [
        "imaginarium",
        "test",
        "shipping",
    ]
    assert [t.raw for t in name_tokens("Imaginarium Compnay Limted", "entity")] == ["imaginarium"]  # misspelt forms


def test_names_in_arabic_script_are_not_matched() -> None:
    assert name_tokens("محمد الأسد") == ()


# --- matches and non-matches ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "birth_date", "entry"),
    [
        ("Fiktiv Testovich Primerov", None, PERSON_CYRILLIC),
        ("Fiktiv Primerov", None, PERSON_CYRILLIC),  # patronymic dropped
        ("Primerov Fiktiv", date(1971, 4, 12), PERSON_CYRILLIC),  # swapped
        ("PRIMEROV, Fiktiv Testovich", None, PERSON_CYRILLIC),  # the list's own form
        ("F.T. Primerov", date(1971, 4, 12), PERSON_CYRILLIC),  # initials
        ("F. Primerov", None, PERSON_CYRILLIC),
        ("Fiktiv Testowitsch Primerow", None, PERSON_CYRILLIC),  # German transliteration
        ("Фиктив Примеров", None, PERSON_CYRILLIC),  # Cyrillic
        ("Fiktiv Primerpv", None, PERSON_CYRILLIC),  # one typing error
        ("Fiktjv Testovich Pirmerov", None, PERSON_CYRILLIC),  # two typing errors
        ("Fïktiv Prímerov", None, PERSON_CYRILLIC),  # accents
        ("Tajribi Khayali al-Muftarad", date(1968, 7, 1), PERSON_YEAR),  # the listed year agrees
        ("Tajriby el-Muftarad", None, PERSON_YEAR),
        ("Tajribi Khayali Almuftarad", None, PERSON_YEAR),  # attached article
        ("Sergei Ivanov", None, OTHERS[0]),
        ("Sergej Iwanow", date(1960, 2, 3), OTHERS[0]),
        ("Muhammad al-Ahmad", None, OTHERS[1]),
        ("Mohamed Sayed el-Ahmad", None, OTHERS[1]),
        ("Kim Jongchol", None, OTHERS[3]),  # words merged
        ("Jong Chol Kim", None, OTHERS[3]),
    ],
)
def test_variants_of_listed_names_are_potential_matches(
    name: str, birth_date: date | None, entry: SanctionsEntry
) -> None:
    assert entry.id in potential(name, birth_date)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Imaginarium Test Shipping LLC", "entity"),
        ("Imaginarium Test Shipping B.V.", "entity"),
        ("Imaginarium Tset Shipping Company", "entity"),
        ("OOO Imaginarium Test Shipping", "entity"),
    ],
)
def test_variants_of_listed_organisations_are_potential_matches(name: str, kind: str) -> None:
    assert ENTITY.id in potential(name, kind=kind)


@pytest.mark.parametrize(
    ("name", "birth_date"),
    [
        ("Fiktiv Testovich Primerov", date(1985, 6, 1)),  # a namesake born in another year
        ("Tajribi Khayali al-Muftarad", date(1970, 1, 1)),  # the listed year differs
        ("Dmitri Ivanov", None),  # the listed family name with another given name
        ("Karin Haddad", None),  # one letter away, but a common Dutch given name
        ("Jan de Vries", date(1980, 5, 5)),
        ("Ivanov", None),  # one shared word is not a name
        ("M. Kim", None),  # an initial and a short common word
        ("Fatima Bakker", date(1990, 1, 1)),
    ],
)
def test_near_misses_are_not_potential_matches(name: str, birth_date: date | None) -> None:
    assert potential(name, birth_date) == set()


def test_dutch_companies_sharing_generic_words_do_not_match() -> None:
    assert potential("Jansen Shipping B.V.", kind="entity") == set()
    assert potential("De Vries Test Holding B.V.", kind="entity") == set()


def test_a_namesake_is_reported_with_the_conflicting_birth_date_but_not_as_a_potential_match() -> None:
    [match] = screen(
        "Fiktiv Testovich Primerov", birth_date=date(1985, 6, 1), candidates=[PERSON_CYRILLIC], kind="person"
    )
    assert match == NameMatch(
        entry_id=PERSON_CYRILLIC.id,
        matched_name="Fiktiv Testovich Primerov",
        name_score=1.0,
        birth_date_agrees=False,
        score=round(1.0 - DOB_CONFLICT_PENALTY, 4),
        potential_match=False,
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.score = 1.0  # type: ignore[misc]


def test_matches_come_best_first_and_only_of_the_kind_asked() -> None:
    matches = screen("Sergei Ivanov", birth_date=None, candidates=ENTRIES, kind="person")
    assert [m.entry_id for m in matches][:1] == [OTHERS[0].id]
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert screen("Sergei Ivanov", birth_date=None, candidates=ENTRIES, kind="entity") == []


@pytest.mark.parametrize(
    ("listed", "birth_date", "agrees", "sign"),
    [
        (["1971-04-12"], date(1971, 4, 12), True, 1),
        (["1968"], date(1968, 12, 31), True, 1),
        (["1971-04-12"], date(1971, 12, 4), False, -1),  # same year: a small penalty
        (["1971-04-12", "1972"], date(1980, 1, 1), False, -1),
        ([], date(1980, 1, 1), None, 0),
        (["1971-04-12"], None, None, 0),
    ],
)
def test_birth_date_evidence(listed: list[str], birth_date: date | None, agrees: bool | None, sign: int) -> None:
    dates = [
        ListedDate(int(d[:4]), int(d[5:7]) if len(d) > 4 else None, int(d[8:]) if len(d) > 4 else None) for d in listed
    ]
    found, adjustment = birth_date_evidence(dates, birth_date)
    assert found is agrees
    assert (adjustment > 0) - (adjustment < 0) == sign


def test_a_conflicting_birth_year_keeps_even_an_exact_name_under_the_threshold() -> None:
    assert 1.0 - DOB_CONFLICT_PENALTY < POTENTIAL_MATCH_THRESHOLD


def test_word_order_does_not_matter_and_typos_cost_little() -> None:
    listed = name_tokens("Sergei Viktorovich Ivanov")
    assert name_score(name_tokens("Ivanov Sergei Viktorovich"), listed) == pytest.approx(1.0)
    assert name_score(name_tokens("Sergei Viktorovich Ivanvo"), listed) > 0.9
    assert name_score(name_tokens("Dmitri Ivanov"), listed) < 0.6


# --- blocking ------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def listed() -> list[SanctionsEntry]:
    return generate_entries(entries=2_000)


@pytest.fixture(scope="module")
def index(listed: list[SanctionsEntry]) -> NameIndex:
    return NameIndex(listed)


@pytest.mark.parametrize(
    "name",
    [
        "Fiktiv Testovich Primerov",
        "Fiktiv Testovich Primerpv",  # substitution
        "Fiktiv Testovich Primrov",  # deletion
        "Fiktiv Testovich Priemrov",  # transposition
        "Fiktiv Testovich Primmerov",  # insertion
        "Fiktxv Testovich Primerov",
        "Primerov",
        "F. Primerov",
    ],
)
def test_the_index_finds_the_entry_with_a_typo_in_one_word(index: NameIndex, name: str) -> None:
    assert PERSON_CYRILLIC.id in {entry.id for entry in index.candidates(name)}


def test_the_index_keeps_kinds_apart_and_respects_the_limit(index: NameIndex) -> None:
    assert ENTITY.id in {e.id for e in index.candidates("Imaginarium Tset Shipping", "entity")}
    assert ENTITY.id not in {e.id for e in index.candidates("Imaginarium Test Shipping", "person")}
    assert len(index.candidates("Mohammed Ali", limit=7)) <= 7
    assert SanctionsMatcher(index).potential_matches("Xyzzy Qwerty", birth_date=None) == []
    assert index.candidates("Q") == []  # nothing but an initial: nothing to look up


def test_the_matcher_answers_as_screen_over_the_index_candidates(index: NameIndex) -> None:
    matcher = SanctionsMatcher(index)
    for name, born in [("Fiktiv Primerov", date(1971, 4, 12)), ("Mohamed Hassan", None), ("Jan de Vries", None)]:
        direct = screen(name, birth_date=born, candidates=index.candidates(name), kind="person")
        assert matcher.screen(name, birth_date=born, kind="person") == direct
    assert [m.entry_id for m in matcher.potential_matches("Fiktiv Primerov", birth_date=None)] == [PERSON_CYRILLIC.id]


# --- the synthetic list --------------------------------------------------------------------------------------------


def test_generation_is_deterministic_and_byte_identical(tmp_path: Path) -> None:
    first = generate_sanctions_list(tmp_path / "a", entries=600)
    second = generate_sanctions_list(tmp_path / "b", entries=600)
    assert first == second == {"sanctions": 600}
    assert (tmp_path / "a" / "sanctions.jsonl.gz").read_bytes() == (tmp_path / "b" / "sanctions.jsonl.gz").read_bytes()
    other = generate_sanctions_list(tmp_path / "c", entries=600, seed=1)
    assert other == first
    assert (tmp_path / "c" / "sanctions.jsonl.gz").read_bytes() != (tmp_path / "a" / "sanctions.jsonl.gz").read_bytes()


def test_the_file_holds_one_entry_per_line_with_sorted_keys(tmp_path: Path) -> None:
    generate_sanctions_list(tmp_path, entries=200)
    with gzip.open(tmp_path / "sanctions.jsonl.gz", "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    assert len(rows) == 200
    assert all(list(row) == sorted(row) for row in rows)
    assert read_sanctions_list(tmp_path) == [SanctionsEntry.model_validate(row) for row in rows]


def test_planted_entries_are_always_present(listed: list[SanctionsEntry]) -> None:
    by_id = {entry.id: entry for entry in listed}
    for planted in PLANTED_SANCTIONS.values():
        assert by_id[planted.id] == planted
    assert any("Ф" in name for name in PERSON_CYRILLIC.names) and len(PERSON_CYRILLIC.birth_dates[0]) == 10
    assert PERSON_YEAR.birth_dates == ["1968"]
    assert ENTITY.kind == "entity"


def test_the_list_has_the_shape_of_the_eu_list(listed: list[SanctionsEntry]) -> None:
    assert len({entry.id for entry in listed}) == len(listed)
    entities = sum(entry.kind == "entity" for entry in listed)
    assert 0.12 < entities / len(listed) < 0.18
    persons = [entry for entry in listed if entry.kind == "person"]
    assert {"RUS", "SYR", "IRN", "PRK", "LBY", "MMR", "BLR", "IRQ", "YEM"} <= {e.programme for e in persons}
    assert any(any("\u0400" <= c <= "\u04ff" for c in name) for e in persons for name in e.names)  # Cyrillic
    assert any(any("\u0600" <= c <= "\u06ff" for c in name) for e in persons for name in e.names)  # Arabic
    assert sum(len(e.names) > 1 for e in persons) > 0.6 * len(persons)  # most have aliases
    shapes = [len(e.birth_dates) for e in persons]
    assert min(shapes) == 0 and max(shapes) >= 2
    assert any(len(d) == 4 for e in persons for d in e.birth_dates)  # some only a year
    assert all(e.listed_on <= date(2026, 11, 25) for e in listed)
