"""The synthetic register generator: same seed, same bytes; every line a valid record; the planted cases exactly as
described; addresses in the postcode table; rates roughly as documented."""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
from stdnum import iban as stdnum_iban
from stdnum.nl import postcode as stdnum_postcode

from engine.registers import synthetic_names as words
from engine.registers.identifiers import address_identifier, fold, identifier_key, initial, person_key
from engine.registers.planted import (
    AS_OF,
    EXAMPLE_ADDRESS_RANGES,
    EXAMPLE_KVK_NUMBER,
    EXAMPLE_PEOPLE,
    PLANTED,
    PLANTED_COMPANIES,
    months_ago,
    planted_records,
    shift_months,
)
from engine.registers.records import (
    AddressRange,
    ClaimsRegistration,
    CreditFile,
    IncidentEntry,
    InsolvencyEntry,
    PersonQuery,
)
from engine.registers.synthetic import (
    DISPOSABLE_EMAIL_DOMAINS_FILE,
    REGISTER_FILES,
    generate_registers,
    random_iban,
)

PEOPLE = 2_000
Line = dict[str, Any]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    directory = tmp_path_factory.mktemp("registers")
    return directory, generate_registers(directory, people=PEOPLE)


@pytest.fixture(scope="module")
def registers(generated: tuple[Path, dict[str, int]]) -> dict[str, list[Line]]:
    directory, _ = generated
    return {name: _lines(directory / filename) for name, filename in REGISTER_FILES.items()}


def _lines(path: Path) -> list[Line]:
    with gzip.open(path, "rt", encoding="utf-8") as text:
        return [json.loads(line) for line in text]


def _key(query: PersonQuery) -> str:
    return f"{person_key(query)}|{initial(query.given_names)}"


def _by_person(lines: list[Line]) -> dict[str, Line]:
    index: dict[str, Line] = {}
    for line in lines:
        if line.get("person"):
            key = _key(PersonQuery.model_validate(line["person"]))
            assert key not in index, f"two lines for {key}"
            index[key] = line
    return index


def _incident_entry(line: Line) -> IncidentEntry:
    """An incident-register line as the register answers it when every key of the line matched."""
    fields = {name: value for name, value in line.items() if name != "keys"}
    return IncidentEntry.model_validate({**fields, "matched_on": sorted(line["keys"])})


def _table(registers: dict[str, list[Line]]) -> dict[str, AddressRange]:
    return {line["postcode"]: AddressRange.model_validate(line) for line in registers["postcodes"]}


# --- determinism and format ------------------------------------------------------------------------------------------


def test_the_same_seed_writes_the_same_bytes(generated: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    first, counts = generated
    assert generate_registers(tmp_path, people=PEOPLE) == counts
    for filename in [*REGISTER_FILES.values(), DISPOSABLE_EMAIL_DOMAINS_FILE]:
        assert (tmp_path / filename).read_bytes() == (first / filename).read_bytes(), filename
    assert not list(tmp_path.glob("*.partial"))


def test_another_seed_writes_other_people(generated: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    first, _ = generated
    generate_registers(tmp_path, seed=7, people=200)
    assert (tmp_path / "credit.jsonl.gz").read_bytes() != (first / "credit.jsonl.gz").read_bytes()


def test_the_counts_are_the_lines_written(
    generated: tuple[Path, dict[str, int]], registers: dict[str, list[Line]]
) -> None:
    _, counts = generated
    assert counts == {name: len(lines) for name, lines in registers.items()}
    assert counts["credit"] == PEOPLE + len(PLANTED) + len(EXAMPLE_PEOPLE)


def test_gzip_headers_carry_no_name_or_time(generated: tuple[Path, dict[str, int]]) -> None:
    directory, _ = generated
    for filename in REGISTER_FILES.values():
        header = (directory / filename).read_bytes()[:10]
        assert header[:3] == b"\x1f\x8b\x08"
        assert header[3] == 0, "no file name in the header"
        assert header[4:8] == b"\0\0\0\0", "mtime 0"


def test_every_line_is_a_valid_record(registers: dict[str, list[Line]]) -> None:
    for line in registers["credit"]:
        assert set(line) == {"person", "file"}
        PersonQuery.model_validate(line["person"])
        CreditFile.model_validate(line["file"])
    for line in registers["claims"]:
        assert set(line) == {"person", "registrations"}
        PersonQuery.model_validate(line["person"])
        assert line["registrations"]
        for item in line["registrations"]:
            registration = ClaimsRegistration.model_validate(item)
            assert (registration.ends_on is not None) == (registration.kind == "incident")
            assert (registration.amount_eur is not None) == (registration.kind == "claim")
    for line in registers["insolvency"]:
        assert set(line) == {"person", "kvk_number", "entries"}
        assert (line["person"] is None) != (line["kvk_number"] is None)
        subject = "person" if line["person"] else "company"
        if line["person"]:
            PersonQuery.model_validate(line["person"])
        else:
            assert re.fullmatch(r"\d{8}", line["kvk_number"])
        assert line["entries"]
        for item in line["entries"]:
            assert InsolvencyEntry.model_validate(item).subject == subject
    for line in registers["incidents"]:
        assert set(line) == {"id", "keys", "category", "registered_on", "ends_on"}
        assert line["keys"] and set(line["keys"]) <= {"email", "phone", "iban", "address"}
        assert all(re.fullmatch(r"[0-9a-f]{64}", key) for key in line["keys"].values())
        entry = _incident_entry(line)
        assert entry.registered_on < entry.ends_on
    for line in registers["postcodes"]:
        row = AddressRange.model_validate(line)
        assert stdnum_postcode.is_valid(row.postcode) and re.fullmatch(r"\d{4}[A-Z]{2}", row.postcode)
        assert 1 <= row.first_number <= row.last_number


def test_lines_are_sorted_and_people_unique(registers: dict[str, list[Line]]) -> None:
    for name in ("credit", "claims"):
        keys = [_key(PersonQuery.model_validate(line["person"])) for line in registers[name]]
        assert keys == sorted(keys) and len(set(keys)) == len(keys), name
    postcodes = [line["postcode"] for line in registers["postcodes"]]
    assert postcodes == sorted(postcodes) and len(set(postcodes)) == len(postcodes)
    ids = [line["id"] for line in registers["incidents"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    person_ids = [line["file"]["person_id"] for line in registers["credit"]]
    assert len(set(person_ids)) == len(person_ids)


def test_case_numbers_are_shaped_like_court_numbers(registers: dict[str, list[Line]]) -> None:
    numbers = []
    for line in registers["insolvency"]:
        for entry in line["entries"]:
            match = re.fullmatch(r"C/(\d{2})/(\d{2})/(\d+) ([FSR])", entry["case_number"])
            assert match, entry["case_number"]
            assert match[1] in words.COURTS
            assert int(match[2]) == date.fromisoformat(entry["started_on"]).year % 100
            assert match[4] == {"bankruptcy": "F", "suspension_of_payments": "S", "wsnp": "R"}[entry["kind"]]
            numbers.append(entry["case_number"])
    assert len(set(numbers)) == len(numbers)


# --- planted cases ---------------------------------------------------------------------------------------------------


def test_planted_people_have_exactly_their_records(registers: dict[str, list[Line]]) -> None:
    planted = planted_records(AS_OF)
    credit, claims, insolvency = (_by_person(registers[name]) for name in ("credit", "claims", "insolvency"))
    incident_keys = {key for line in registers["incidents"] for key in line["keys"].values()}
    for key, person in PLANTED.items():
        index = _key(person.query())
        assert CreditFile.model_validate(credit[index]["file"]) == planted.credit[key], key
        found_claims = [
            ClaimsRegistration.model_validate(item) for item in claims.get(index, {}).get("registrations", [])
        ]
        assert found_claims == list(planted.claims.get(key, ())), key
        found_cases = [InsolvencyEntry.model_validate(item) for item in insolvency.get(index, {}).get("entries", [])]
        assert found_cases == list(planted.insolvency.get(key, ())), key
        identifiers = {
            "email": identifier_key("email", person.email),
            "phone": identifier_key("phone", person.phone),
            "iban": identifier_key("iban", person.iban),
            "address": identifier_key("address", address_identifier(person.postcode, person.house_number, None)),
        }
        expected = set(planted.incidents[key].keys().values()) if key in planted.incidents else set()
        assert {value for value in identifiers.values() if value in incident_keys} == expected, key


def test_planted_incident_entries_are_written_as_planted(registers: dict[str, list[Line]]) -> None:
    by_id = {line["id"]: line for line in registers["incidents"]}
    for incident in planted_records(AS_OF).incidents.values():
        line = by_id[incident.id]
        assert line["keys"] == incident.keys()
        assert _incident_entry(line) == incident.entry()


def test_planted_companies_have_exactly_their_cases(registers: dict[str, list[Line]]) -> None:
    planted = planted_records(AS_OF)
    companies = {line["kvk_number"]: line for line in registers["insolvency"] if line["kvk_number"]}
    for key, company in PLANTED_COMPANIES.items():
        if key in planted.insolvency:
            entries = [InsolvencyEntry.model_validate(item) for item in companies[company.kvk_number]["entries"]]
            assert entries == list(planted.insolvency[key]), key
        else:
            assert company.kvk_number not in companies, key
    assert EXAMPLE_KVK_NUMBER not in companies


def test_planted_scenarios_are_as_described() -> None:
    planted = planted_records(AS_OF)
    credit, claims, insolvency = planted.credit, planted.claims, planted.insolvency
    assert credit["clean"] == CreditFile(person_id="planted-clean", score_band="A")
    assert credit["credit_band_e"].score_band == "E" and not credit["credit_band_e"].arrears
    assert credit["credit_wsnp"].debt_restructuring
    [recent] = credit["credit_arrears_recent"].arrears
    assert recent.registered_on == date(2026, 8, 25) and recent.resolved_on is None
    [old] = credit["credit_arrears_old_resolved"].arrears
    assert (old.registered_on, old.resolved_on) == (date(2021, 11, 25), date(2022, 11, 25))
    assert [a.registered_on for a in credit["twin_b"].arrears] == [date(2026, 9, 25)] and not credit["twin_a"].arrears
    assert [c.registered_on for c in claims["claims_three_recent"]] == [
        date(2023, 5, 25),
        date(2024, 11, 25),
        date(2026, 7, 25),
    ]
    assert all(c.kind == "claim" and c.amount_eur for c in claims["claims_three_recent"])
    assert [(c.kind, c.registered_on) for c in claims["claims_expired_only"]] == [("claim", date(2020, 11, 25))]
    assert [(c.kind, c.registered_on) for c in claims["nonpayment_recent"]] == [("non_payment", date(2024, 11, 25))]
    assert [(c.kind, c.registered_on) for c in claims["nonpayment_expired"]] == [("non_payment", date(2022, 11, 25))]
    assert [(c.kind, c.registered_on) for c in claims["contractual_recent"]] == [("contractual", date(2023, 11, 25))]
    [active] = claims["incident_active"]
    assert (active.kind, active.registered_on, active.ends_on) == ("incident", date(2024, 11, 25), date(2032, 11, 25))
    [ended] = claims["incident_ended"]
    assert (ended.kind, ended.ends_on) == ("incident", date(2025, 11, 25))
    [bankruptcy] = insolvency["insolvency_active_bankruptcy"]
    assert (bankruptcy.kind, bankruptcy.started_on, bankruptcy.ended_on) == ("bankruptcy", date(2025, 11, 25), None)
    [wsnp] = insolvency["insolvency_wsnp_ended_recently"]
    assert (wsnp.kind, wsnp.ended_on) == ("wsnp", date(2026, 8, 25)) and wsnp.case_number.endswith(" R")
    [long_ago] = insolvency["insolvency_ended_long_ago"]
    assert long_ago.ended_on == date(2024, 11, 25)
    [company] = insolvency["company_bankrupt"]
    assert company.subject == "company" and company.ended_on is None
    [suspension] = insolvency["company_suspension_ended_long_ago"]
    assert suspension.kind == "suspension_of_payments" and suspension.ended_on == date(2020, 11, 25)
    for incident in planted.incidents.values():
        assert incident.registered_on < AS_OF < incident.ends_on
    assert set(planted.claims) | set(planted.insolvency) | set(planted.incidents) <= set(PLANTED) | set(
        PLANTED_COMPANIES
    )


def test_planted_dates_follow_as_of() -> None:
    later = planted_records(date(2030, 3, 31))
    assert later.credit["credit_arrears_recent"].arrears[0].registered_on == date(2029, 12, 31)
    assert later.claims["incident_active"][0].ends_on == date(2036, 3, 31)
    assert months_ago(date(2026, 5, 31), 3) == date(2026, 2, 28)
    assert shift_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_planted_people_are_fictional_and_well_formed() -> None:
    generated_families = {fold(f"{prefix or ''}{name}") for prefix, name in words.DUTCH_FAMILY}
    generated_families |= {fold(name) for name in words.TURKISH_FAMILY + words.MOROCCAN_FAMILY}
    generated_families |= {fold(name) for pair in words.POLISH_FAMILY for name in pair}
    generated_families |= {fold(name) for name in words.SURINAMESE_FAMILY}
    keys = Counter(person_key(person.query()) for person in PLANTED.values())
    assert [key for key, count in keys.items() if count > 1] == [person_key(PLANTED["twin_a"].query())]
    assert initial(PLANTED["twin_a"].given_names) != initial(PLANTED["twin_b"].given_names)
    for key, person in PLANTED.items():
        assert person.key == key
        assert fold(f"{person.family_name_prefix or ''}{person.family_name}") not in generated_families
        assert stdnum_iban.is_valid(person.iban) and person.iban.startswith("NL")
        assert stdnum_postcode.validate(person.postcode) == person.postcode
        number = phonenumbers.parse(person.phone, "NL")
        assert phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
        assert person.email.endswith("@example.nl")
        assert date(1935, 1, 1) <= person.date_of_birth <= date(2007, 12, 31)
    assert len({person.iban for person in PLANTED.values()}) == len(PLANTED)
    assert len({person.email for person in PLANTED.values()}) == len(PLANTED)
    assert EXAMPLE_KVK_NUMBER not in {company.kvk_number for company in PLANTED_COMPANIES.values()}


def test_the_examples_people_are_clean_everywhere(registers: dict[str, list[Line]]) -> None:
    credit, claims, insolvency = (_by_person(registers[name]) for name in ("credit", "claims", "insolvency"))
    incident_keys = {key for line in registers["incidents"] for key in line["keys"].values()}
    for key, query in EXAMPLE_PEOPLE.items():
        assert CreditFile.model_validate(credit[_key(query)]["file"]) == CreditFile(
            person_id=f"example-{key}", score_band="A"
        )
        for addition in (None, "A", "B", "H", "1", "2"):
            address = address_identifier(query.postcode, query.house_number, addition)
            assert identifier_key("address", address) not in incident_keys
    reserved = {(query.postcode, query.house_number) for query in EXAMPLE_PEOPLE.values()}
    for name in ("claims", "insolvency"):
        assert not any(
            (line["person"]["postcode"], line["person"]["house_number"]) in reserved
            for line in registers[name]
            if line["person"]
        )
    at_example_addresses = [
        line for line in credit.values() if (line["person"]["postcode"], line["person"]["house_number"]) in reserved
    ]
    assert len(at_example_addresses) == len(EXAMPLE_PEOPLE)
    for value in ("sanne.devries@example.nl", "pieter@bakkerbouw.example.nl"):
        assert identifier_key("email", value) not in incident_keys
    for value in ("06 12345678", "+31 30 123 4567"):
        assert identifier_key("phone", value) not in incident_keys
    assert not claims.keys() & {_key(query) for query in EXAMPLE_PEOPLE.values()}
    assert not insolvency.keys() & {_key(query) for query in EXAMPLE_PEOPLE.values()}


# --- the postcode table ----------------------------------------------------------------------------------------------


def test_every_persons_address_is_in_the_postcode_table(registers: dict[str, list[Line]]) -> None:
    table = _table(registers)
    for name in ("credit", "claims", "insolvency"):
        for line in registers[name]:
            if line["person"]:
                row = table[line["person"]["postcode"]]
                assert row.first_number <= line["person"]["house_number"] <= row.last_number


def test_the_example_and_planted_addresses_are_in_the_table(registers: dict[str, list[Line]]) -> None:
    table = _table(registers)
    for pinned in EXAMPLE_ADDRESS_RANGES:
        assert table[pinned.postcode] == pinned
    assert (table["3511AW"].street, table["3511AW"].city) == ("Oudegracht", "Utrecht")
    assert table["3511AW"].first_number <= 112 <= table["3511AW"].last_number
    assert (table["3542AD"].street, table["3542AD"].city) == ("Industrieweg", "Utrecht")
    assert table["3542AD"].first_number <= 7 <= table["3542AD"].last_number
    for person in PLANTED.values():
        row = table[person.query().postcode]
        assert (row.street, row.city) == (person.street, person.city)
        assert row.first_number <= person.house_number <= row.last_number


def test_examples_in_the_repository_use_addresses_of_the_table(registers: dict[str, list[Line]]) -> None:
    table = _table(registers)
    examples = Path(__file__).resolve().parents[2] / "data" / "examples"
    for path in sorted(examples.glob("*.json")):
        address = json.loads(path.read_text(encoding="utf-8"))["applicant"]["address"]
        row = table[address["postcode"].replace(" ", "")]
        assert (row.street, row.city) == (address["street"], address["city"]), path.name
        assert row.first_number <= address["house_number"] <= row.last_number, path.name


def test_postcode_areas_belong_to_the_right_cities(registers: dict[str, list[Line]]) -> None:
    table = _table(registers)
    assert 20_000 <= len(table) <= 40_000
    expected = [
        (1000, 1109, "Amsterdam"),
        (2500, 2599, "Den Haag"),
        (3000, 3089, "Rotterdam"),
        (3500, 3585, "Utrecht"),
        (5600, 5658, "Eindhoven"),
        (9700, 9747, "Groningen"),
    ]
    for first, last, city in expected:
        rows = [row for postcode, row in table.items() if first <= int(postcode[:4]) <= last]
        assert rows and all(row.city == city for row in rows), city
    cities_of_area: dict[str, set[str]] = {}
    for postcode, row in table.items():
        cities_of_area.setdefault(postcode[:4], set()).add(row.city)
    assert all(len(cities) == 1 for cities in cities_of_area.values())


# --- rates -----------------------------------------------------------------------------------------------------------


def test_rates_are_roughly_as_documented(registers: dict[str, list[Line]]) -> None:
    generated = [line for line in registers["credit"] if line["file"]["person_id"].startswith("S")]
    assert len(generated) == PEOPLE
    bands = Counter(line["file"]["score_band"] for line in generated)
    for band, share in {"A": 0.40, "B": 0.30, "C": 0.15, "D": 0.10, "E": 0.05}.items():
        assert abs(bands[band] / PEOPLE - share) < 0.04, band
    assert 0.04 < sum(bool(line["file"]["arrears"]) for line in generated) / PEOPLE < 0.13
    assert 0.001 < sum(line["file"]["debt_restructuring"] for line in generated) / PEOPLE < 0.02
    claims = registers["claims"]
    assert 0.15 < len(claims) / PEOPLE < 0.26
    kinds = Counter(item["kind"] for line in claims for item in line["registrations"])
    assert kinds["claim"] > kinds["non_payment"] > kinds["contractual"]
    non_payment_people = sum(any(i["kind"] == "non_payment" for i in line["registrations"]) for line in claims)
    assert 0.008 < non_payment_people / PEOPLE < 0.04
    persons = [line for line in registers["insolvency"] if line["person"]]
    assert 0.004 < len(persons) / PEOPLE < 0.025
    companies = [line for line in registers["insolvency"] if line["kvk_number"]]
    assert len(companies) == PEOPLE // 20 + 2
    assert len(registers["incidents"]) == max(10, PEOPLE // 200) + len(planted_records(AS_OF).incidents)


def test_some_registrations_are_past_their_term(registers: dict[str, list[Line]]) -> None:
    items = [item for line in registers["claims"] for item in line["registrations"]]
    old_claims = [
        i for i in items if i["kind"] == "claim" and date.fromisoformat(i["registered_on"]) < months_ago(AS_OF, 60)
    ]
    old_non_payment = [
        i
        for i in items
        if i["kind"] == "non_payment" and date.fromisoformat(i["registered_on"]) < months_ago(AS_OF, 36)
    ]
    assert old_claims and old_non_payment
    assert all(date.fromisoformat(i["registered_on"]) < AS_OF for i in items)
    ended = [line for line in registers["incidents"] if date.fromisoformat(line["ends_on"]) <= AS_OF]
    assert ended and len(ended) < len(registers["incidents"])
    wsnp_cases = [e for line in registers["insolvency"] for e in line["entries"] if e["kind"] == "wsnp"]
    assert any(e["ended_on"] is None for e in wsnp_cases)


def test_the_population_looks_dutch_with_some_other_origins(registers: dict[str, list[Line]]) -> None:
    people = [line["person"] for line in registers["credit"]]
    assert sum(person["family_name_prefix"] is not None for person in people) / len(people) > 0.15
    assert any(person["given_names"] != person["given_names"].encode("ascii", "ignore").decode() for person in people)
    assert any(person["family_name"] in words.TURKISH_FAMILY for person in people)
    assert any(person["family_name"] in words.MOROCCAN_FAMILY for person in people)
    births = [date.fromisoformat(person["date_of_birth"]) for person in people]
    assert min(births) >= date(1935, 1, 1) and max(births) <= date(2007, 12, 31)


# --- identifiers and the disposable domains --------------------------------------------------------------------------


def test_generated_ibans_are_valid() -> None:
    rng = random.Random(1)
    for _ in range(300):
        value = random_iban(rng)
        assert stdnum_iban.validate(value) == value and value.startswith("NL") and len(value) == 18


def test_the_disposable_domains_file(generated: tuple[Path, dict[str, int]]) -> None:
    directory, _ = generated
    lines = (directory / DISPOSABLE_EMAIL_DOMAINS_FILE).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    domains = [line for line in lines if not line.startswith("#")]
    assert domains == sorted(set(domains)) and 100 <= len(domains) <= 200
    assert all(re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", domain) for domain in domains)
    for known in ("mailinator.com", "yopmail.com", "guerrillamail.com", "10minutemail.com", "temp-mail.org"):
        assert known in domains
    assert "trashmail.com" in domains and "example.nl" not in domains and "gmail.com" not in domains
