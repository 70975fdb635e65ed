"""Each check on the shipped (synthetic) registers, against the planted cases whose records are known exactly."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from engine.checks.claims_history import ClaimsHistoryCheck
from engine.checks.credit import CreditCheck
from engine.checks.fraud import FraudCheck
from engine.checks.identity import IdentityCheck
from engine.checks.insolvency import InsolvencyCheck
from engine.checks.providers.local import LocalRegisters
from engine.checks.sanctions import PreparedEntries, SanctionsCheck
from engine.domain.checks import CheckStatus
from engine.registers.planted import PLANTED, PLANTED_COMPANIES, PlantedPerson, months_ago
from tests.factories import application, avb_body, avp_body, planted_fields
from tests.unit.conftest import NOW, TODAY


class NoVelocity:
    def other_people(self, keys: Any, *, person: str, since: Any) -> dict[str, set[str]]:
        return {}

    def restricted(self, people: set[str]) -> set[str]:
        return set()


def body_of(person: PlantedPerson, *, product: str = "AVP", **overrides: Any) -> dict[str, Any]:
    fields = planted_fields(person)
    return (avp_body if product == "AVP" else avb_body)(TODAY, **(fields | overrides))


def run(check: Any, body: dict[str, Any]) -> Any:
    return check.run(application(body), now=NOW)


# --- credit --------------------------------------------------------------------------------------------------------

CREDIT_CASES = [
    ("clean", CheckStatus.CLEAR, {"found": True, "score_band": "A", "arrears_count": 0, "debt_restructuring": False}),
    (
        "credit_arrears_recent",
        CheckStatus.HIT,
        {"arrears_count": 1, "arrears_recent_count": 1, "arrears_open_eur": 1640},
    ),
    ("credit_arrears_old_resolved", CheckStatus.CLEAR, {"arrears_count": 0, "arrears_recent_count": 0}),
    ("credit_wsnp", CheckStatus.HIT, {"debt_restructuring": True, "arrears_count": 0}),
    ("credit_band_e", CheckStatus.CLEAR, {"score_band": "E", "arrears_count": 0}),
    ("twin_a", CheckStatus.CLEAR, {"found": True, "arrears_count": 0}),
    ("twin_b", CheckStatus.HIT, {"arrears_count": 1, "arrears_open_eur": 980}),
]


@pytest.mark.parametrize(("key", "status", "facts"), CREDIT_CASES, ids=[case[0] for case in CREDIT_CASES])
def test_credit(registers: LocalRegisters, key: str, status: CheckStatus, facts: dict[str, Any]) -> None:
    result = run(CreditCheck(registers.credit), body_of(PLANTED[key]))
    assert result.status is status
    assert result.facts.items() >= facts.items()
    assert result.source == "local:credit"  # a credit check says where it came from
    assert result.source_version == registers.manifest.version


def test_credit_without_a_file_is_clear_and_says_so(registers: LocalRegisters) -> None:
    body = body_of(PLANTED["clean"], applicant__family_name="Nergensbekend")
    result = run(CreditCheck(registers.credit), body)
    assert result.status is CheckStatus.CLEAR
    assert result.facts == {
        "found": False,
        "score_band": "none",
        "arrears_count": 0,
        "arrears_recent_count": 0,
        "arrears_open_eur": 0,
        "debt_restructuring": False,
    }


def test_credit_matches_on_the_name_in_any_case_and_accents(registers: LocalRegisters) -> None:
    person = PLANTED["clean_accents"]
    plain = body_of(person, applicant__given_names="Ayse Noelle", applicant__family_name="OZPROEF")
    assert run(CreditCheck(registers.credit), plain).facts["found"] is True


# --- claims history ------------------------------------------------------------------------------------------------

CLAIMS_CASES = [
    (
        "claims_three_recent",
        CheckStatus.HIT,
        {"registered_5y": 3, "registered_1y": 1, "undeclared_count": 3, "non_disclosure": True},
    ),
    ("claims_expired_only", CheckStatus.CLEAR, {"registered_5y": 0, "non_disclosure": False}),
    ("nonpayment_recent", CheckStatus.HIT, {"non_payment_3y": 1, "registered_5y": 0, "non_disclosure": True}),
    ("nonpayment_expired", CheckStatus.CLEAR, {"non_payment_3y": 0}),
    ("contractual_recent", CheckStatus.HIT, {"contractual_5y": 1, "non_disclosure": True}),
    ("incident_active", CheckStatus.HIT, {"incident_register": True}),
    ("incident_ended", CheckStatus.CLEAR, {"incident_register": False}),
    ("clean", CheckStatus.CLEAR, {"registered_5y": 0, "incident_register": False, "non_disclosure": False}),
]


@pytest.mark.parametrize(("key", "status", "facts"), CLAIMS_CASES, ids=[case[0] for case in CLAIMS_CASES])
def test_claims_history(registers: LocalRegisters, key: str, status: CheckStatus, facts: dict[str, Any]) -> None:
    result = run(ClaimsHistoryCheck(registers.claims), body_of(PLANTED[key]))
    assert result.status is status
    assert result.facts.items() >= facts.items()


def test_declared_claims_are_matched_to_registered_ones_within_60_days(registers: LocalRegisters) -> None:
    def declared(*days_before: int) -> list[dict[str, Any]]:
        return [{"date": (TODAY - timedelta(days=d)).isoformat(), "amount_eur": 1000} for d in days_before]

    check = ClaimsHistoryCheck(registers.claims)
    person = PLANTED["claims_three_recent"]
    registered = [months_ago(TODAY, months) for months in (4, 24, 42)]
    near = [(TODAY - day).days + 30 for day in registered]  # each declared a month off
    all_declared = run(check, body_of(person, disclosure__claims_last_5_years=declared(*near)))
    assert all_declared.facts["undeclared_count"] == 0
    assert all_declared.facts["non_disclosure"] is False
    one_missing = run(check, body_of(person, disclosure__claims_last_5_years=declared(*near[:2])))
    assert one_missing.facts["undeclared_count"] == 1
    far_off = run(check, body_of(person, disclosure__claims_last_5_years=declared(*(d + 60 for d in near))))
    assert far_off.facts["undeclared_count"] == 3  # 90 days off is another claim


def test_a_declared_cancellation_is_not_non_disclosure(registers: LocalRegisters) -> None:
    body = body_of(PLANTED["nonpayment_recent"], disclosure__refused_or_cancelled_before=True)
    assert run(ClaimsHistoryCheck(registers.claims), body).facts["non_disclosure"] is False


def test_the_legal_terms_count_from_the_day_of_the_decision(registers: LocalRegisters) -> None:
    person = PLANTED["nonpayment_recent"]  # registered 2 years before as_of; 3-year term
    check = ClaimsHistoryCheck(registers.claims)
    registered = date(TODAY.year - 2, TODAY.month, TODAY.day)
    last_day = NOW.replace(year=registered.year + 3) - timedelta(days=1)
    assert check.run(application(body_of(person)), now=last_day).facts["non_payment_3y"] == 1
    assert check.run(application(body_of(person)), now=last_day + timedelta(days=1)).facts["non_payment_3y"] == 0


# --- insolvency ----------------------------------------------------------------------------------------------------

INSOLVENCY_CASES = [
    (
        "insolvency_active_bankruptcy",
        CheckStatus.HIT,
        {"person_active": True, "kind": "bankruptcy", "undeclared": True},
    ),
    (
        "insolvency_wsnp_ended_recently",
        CheckStatus.HIT,
        {"person_active": False, "person_ended_recently": True, "kind": "wsnp"},
    ),
    ("insolvency_ended_long_ago", CheckStatus.CLEAR, {"person_active": False, "person_ended_recently": False}),
    ("clean", CheckStatus.CLEAR, {"kind": "none", "undeclared": False}),
]


@pytest.mark.parametrize(("key", "status", "facts"), INSOLVENCY_CASES, ids=[case[0] for case in INSOLVENCY_CASES])
def test_insolvency_of_a_person(
    registers: LocalRegisters, key: str, status: CheckStatus, facts: dict[str, Any]
) -> None:
    result = run(InsolvencyCheck(registers.insolvency), body_of(PLANTED[key]))
    assert result.status is status
    assert result.facts.items() >= facts.items()


def test_a_declared_insolvency_is_not_undeclared(registers: LocalRegisters) -> None:
    body = body_of(PLANTED["insolvency_active_bankruptcy"], disclosure__insolvency=True)
    assert run(InsolvencyCheck(registers.insolvency), body).facts["undeclared"] is False


@pytest.mark.parametrize(
    ("key", "active", "recent"),
    [
        ("company_bankrupt", True, False),
        ("company_suspension_ended_long_ago", False, False),
        ("company_clean", False, False),
    ],
)
def test_insolvency_of_a_company(registers: LocalRegisters, key: str, active: bool, recent: bool) -> None:
    company = PLANTED_COMPANIES[key]
    body = body_of(PLANTED["clean"], product="AVB", company__kvk_number=company.kvk_number)
    result = run(InsolvencyCheck(registers.insolvency), body)
    assert result.facts["company_active"] is active
    assert result.facts["company_ended_recently"] is recent
    assert result.facts["person_active"] is False


# --- identity ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "known", "consistent"),
    [
        pytest.param({}, True, True, id="as-registered"),
        pytest.param({"city": "AMSTERDAM"}, True, True, id="city-in-capitals"),
        pytest.param({"city": "Rotterdam"}, True, False, id="other-city"),
        pytest.param({"house_number": 9999}, True, False, id="number-outside-the-postcode"),
        pytest.param({"postcode": "1031 ZZ"}, False, False, id="unknown-postcode"),
    ],
)
def test_identity_address(registers: LocalRegisters, change: dict[str, Any], known: bool, consistent: bool) -> None:
    person = PLANTED["clean"]
    address = {"street": person.street, "house_number": person.house_number, "postcode": person.postcode}
    body = body_of(person, applicant__address=address | {"city": person.city} | change)
    result = run(IdentityCheck(registers.postcodes, registers.disposable_domains), body)
    assert result.facts["postcode_known"] is known
    assert result.facts["address_consistent"] is consistent
    assert result.status is (CheckStatus.CLEAR if consistent else CheckStatus.HIT)


def test_identity_disposable_email(registers: LocalRegisters) -> None:
    check = IdentityCheck(registers.postcodes, registers.disposable_domains)
    assert "mailinator.com" in registers.disposable_domains
    assert run(check, body_of(PLANTED["clean"], applicant__email="zoe@Mailinator.com")).facts["disposable_email"]
    assert not run(check, body_of(PLANTED["clean"])).facts["disposable_email"]


@pytest.mark.parametrize(("days", "age"), [(-1, 17), (0, 18), (1, 18)])
def test_identity_age_is_exact_at_the_birthday(registers: LocalRegisters, days: int, age: int) -> None:
    born = date(TODAY.year - 18, TODAY.month, TODAY.day) + timedelta(days=-days)
    body = body_of(PLANTED["clean"], applicant__date_of_birth=born.isoformat())
    assert run(IdentityCheck(registers.postcodes), body).facts["age_years"] == age


# --- fraud: the incident register ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "incident"),
    [("incident_register_email", True), ("incident_register_iban", True), ("clean", False)],
)
def test_fraud_incident_register(registers: LocalRegisters, key: str, incident: bool) -> None:
    result = run(FraudCheck(NoVelocity(), registers.incidents), body_of(PLANTED[key]))
    assert result.facts["incident_register"] is incident
    assert result.restricted_to == "fraud"  # fraud results are marked for the fraud role
    assert bool(result.details["incidents"]) is incident


def test_register_lines_and_queries_are_keyed_alike() -> None:
    from engine.checks.providers.local import _person_index_key, _query_key

    for person in PLANTED.values():
        query = person.query()
        assert _person_index_key(query.model_dump(mode="json")) == _query_key(query)


@pytest.mark.parametrize("days_later", [0, 400])
def test_the_examples_with_planted_people_keep_their_outcome_as_the_calendar_moves(
    registers: LocalRegisters, days_later: int
) -> None:
    from engine.examples import load_example

    later = NOW + timedelta(days=days_later)
    arrears = application(load_example("avp-referred-credit-arrears", today=later.date()))
    assert CreditCheck(registers.credit).run(arrears, now=later).facts["arrears_count"] == 1
    insolvent = application(load_example("avb-rejected-company-insolvent", today=later.date()))
    assert InsolvencyCheck(registers.insolvency).run(insolvent, now=later).facts["company_active"] is True


# --- sanctions -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "potential"),
    [
        pytest.param({}, False, id="ordinary-person"),
        pytest.param(
            {
                "applicant__given_names": "Fiktiv",
                "applicant__family_name": "Primerov",
                "applicant__date_of_birth": "1971-04-12",
            },
            True,
            id="listed-person-same-birth-date",
        ),
        pytest.param(
            {
                "applicant__given_names": "Fiktiv T.",
                "applicant__family_name": "Primeroff",
                "applicant__date_of_birth": "1971-04-12",
            },
            True,
            id="initial-and-transliteration",
        ),
        pytest.param(
            {
                "applicant__given_names": "Tajriby",
                "applicant__family_name": "el-Moftarad",
                "applicant__date_of_birth": "1968-03-03",
            },
            True,
            id="listed-with-birth-year-only",
        ),
    ],
)
def test_sanctions_screens_the_applicant(registers: LocalRegisters, change: dict[str, Any], potential: bool) -> None:
    check = SanctionsCheck(registers.sanctions, PreparedEntries(registers.sanctions_index.prepared))
    result = run(check, body_of(PLANTED["clean"], **change))
    assert result.facts["potential_match"] is potential
    assert result.status is (CheckStatus.HIT if potential else CheckStatus.CLEAR)
    if potential:
        assert result.restricted_to == "compliance"
        assert result.details["matches"][0]["role"] == "applicant"


def test_sanctions_screens_an_avb_company_and_its_directors(registers: LocalRegisters) -> None:
    check = SanctionsCheck(registers.sanctions, PreparedEntries(registers.sanctions_index.prepared))
    company = body_of(PLANTED["clean"], product="AVB", company__name="Imaginarium Test Shipping LLC")
    found = run(check, company)
    assert found.facts["potential_match"] is True
    assert [match["role"] for match in found.details["matches"]] == ["company"]
    director = {"given_names": "Fiktiv", "family_name": "Primerov", "date_of_birth": "1971-04-12"}
    with_director = run(check, body_of(PLANTED["clean"], product="AVB", company__directors=[director]))
    assert with_director.facts["screened_count"] == 3
    assert [match["role"] for match in with_director.details["matches"]] == ["director 1"]


# --- terms at their boundaries -------------------------------------------------------------------------------------


def test_an_insolvency_counts_until_six_months_after_it_ended_and_not_a_day_longer() -> None:
    from engine.checks.insolvency import relevant_entries
    from engine.registers.records import InsolvencyEntry

    ended = date(2026, 5, 25)
    entry = InsolvencyEntry(
        case_number="C/13/26/1 F", kind="bankruptcy", subject="person", started_on=date(2024, 1, 1), ended_on=ended
    )
    assert relevant_entries([entry], today=date(2026, 11, 25)) == [entry]  # exactly 6 months after
    assert relevant_entries([entry], today=date(2026, 11, 26)) == []


@pytest.mark.parametrize(("kind", "years"), [("claim", 5), ("contractual", 5), ("non_payment", 3), ("incident", 8)])
def test_a_registration_counts_within_its_legal_term_and_not_on_its_anniversary(kind: str, years: int) -> None:
    from engine.checks.claims_history import in_force
    from engine.registers.records import ClaimsRegistration

    registered = date(2020, 3, 10)
    ends = date(2040, 1, 1) if kind == "incident" else None
    registration = ClaimsRegistration(kind=kind, registered_on=registered, ends_on=ends, insurer="X")
    last_day = date(registered.year + years, 3, 9)
    assert in_force([registration], today=last_day) == [registration]
    assert in_force([registration], today=last_day + timedelta(days=1)) == []


def test_an_incident_entry_stops_counting_on_its_end_date() -> None:
    from engine.checks.claims_history import in_force
    from engine.registers.records import ClaimsRegistration

    entry = ClaimsRegistration(kind="incident", registered_on=date(2024, 1, 1), ends_on=date(2026, 6, 1), insurer="X")
    assert in_force([entry], today=date(2026, 5, 31)) == [entry]
    assert in_force([entry], today=date(2026, 6, 1)) == []


def test_address_keys_keep_house_number_and_addition_apart() -> None:
    from engine.registers.identifiers import address_identifier, identifier_key

    twelve_one = identifier_key("address", address_identifier("1234 AB", 12, "1"))
    assert twelve_one != identifier_key("address", address_identifier("1234AB", 121, None))
    assert twelve_one == identifier_key("address", address_identifier("1234ab", 12, "1"))


def test_the_provider_reads_the_files_the_generators_write() -> None:
    from engine.checks.providers.local import DISPOSABLE_DOMAINS
    from engine.registers.generate import FILES
    from engine.registers.synthetic import DISPOSABLE_EMAIL_DOMAINS_FILE

    assert DISPOSABLE_EMAIL_DOMAINS_FILE == DISPOSABLE_DOMAINS
    assert set(FILES) == {"credit", "claims", "insolvency", "incidents", "postcodes", "sanctions"}
