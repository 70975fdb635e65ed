"""The application schema (time-independent validation), check_dates() (clock-relative) and age_on()."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pydantic
import pytest

from engine.domain.application import AvbApplication, AvpApplication, age_on, check_dates
from tests.factories import application, avb_body, avp_body, claims
from tests.unit.conftest import TODAY


def rejection(body: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """The (loc, msg) of every error the schema raises for ``body``; fails when the body is accepted."""
    with pytest.raises(pydantic.ValidationError) as caught:
        application(body)
    return [(error["loc"], error["msg"]) for error in caught.value.errors()]


def test_the_factory_bodies_are_valid() -> None:
    assert isinstance(application(avp_body(TODAY)), AvpApplication)
    assert isinstance(application(avb_body(TODAY)), AvbApplication)


# --- accepted and normalised ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [("1234ab", "1234 AB"), ("1234 AB", "1234 AB"), ("1234 ab", "1234 AB"), (" 9999ZZ ", "9999 ZZ")],
)
def test_postcode_is_accepted_and_normalised(given: str, stored: str) -> None:
    app = application(avp_body(TODAY, applicant__address__postcode=given))
    assert app.applicant.address.postcode == stored


@pytest.mark.parametrize(
    ("given", "stored"),
    [("06 12345678", "+31612345678"), ("+31 20 123 4567", "+31201234567"), ("0031612345678", "+31612345678")],
)
def test_phone_is_accepted_and_stored_in_e164(given: str, stored: str) -> None:
    app = application(avp_body(TODAY, applicant__phone=given))
    assert app.applicant.phone == stored


@pytest.mark.parametrize("limit", [1_250_000, 2_500_000])
@pytest.mark.parametrize("deductible", [0, 100, 250])
def test_every_avp_cover_option_is_accepted(limit: int, deductible: int) -> None:
    app = application(avp_body(TODAY, cover__insured_limit_eur=limit, cover__deductible_eur=deductible))
    assert (app.cover.insured_limit_eur, app.cover.deductible_eur) == (limit, deductible)


@pytest.mark.parametrize("limit", [1_250_000, 2_500_000, 5_000_000])
@pytest.mark.parametrize("deductible", [0, 250, 500, 1_000, 2_500])
def test_every_avb_cover_option_is_accepted(limit: int, deductible: int) -> None:
    app = application(avb_body(TODAY, cover__insured_limit_eur=limit, cover__deductible_eur=deductible))
    assert (app.cover.insured_limit_eur, app.cover.deductible_eur) == (limit, deductible)


@pytest.mark.parametrize("household", ["single", "couple", "family"])
def test_every_household_is_accepted(household: str) -> None:
    app = application(avp_body(TODAY, household=household))
    assert isinstance(app, AvpApplication)
    assert app.household.value == household


# --- rejected, with where ------------------------------------------------------------------------------------------

PHONE_LOC = ("AVP", "applicant", "phone")
POSTCODE_LOC = ("AVP", "applicant", "address", "postcode")

REJECTIONS: list[Any] = [
    pytest.param(avp_body(TODAY, applicant__address__postcode="0123 AB"), POSTCODE_LOC, "Dutch postcode", id="pc-0"),
    pytest.param(avp_body(TODAY, applicant__address__postcode="123 AB"), POSTCODE_LOC, "Dutch postcode", id="pc-3"),
    pytest.param(avp_body(TODAY, applicant__address__postcode="1234 SA"), POSTCODE_LOC, "SA are not", id="pc-SA"),
    pytest.param(avp_body(TODAY, applicant__address__postcode="1234 ss"), POSTCODE_LOC, "SS are not", id="pc-ss"),
    pytest.param(avp_body(TODAY, applicant__address__postcode="12345"), POSTCODE_LOC, "Dutch postcode", id="pc-5"),
    pytest.param(avp_body(TODAY, applicant__address__postcode="1234 A B"), POSTCODE_LOC, "Dutch", id="pc-split"),
    pytest.param(
        avb_body(TODAY, company__kvk_number="1234567"), ("AVB", "company", "kvk_number"), "8 digits", id="kvk-7"
    ),
    pytest.param(avb_body(TODAY, company__kvk_number="123456789"), ("AVB", "company", "kvk_number"), "8", id="kvk-9"),
    pytest.param(avb_body(TODAY, company__kvk_number="1234567a"), ("AVB", "company", "kvk_number"), "8", id="kvk-a"),
    pytest.param(avp_body(TODAY, applicant__phone="06 1234"), PHONE_LOC, "not a valid phone", id="phone-short"),
    pytest.param(avp_body(TODAY, applicant__phone="hello"), PHONE_LOC, "not a phone number", id="phone-text"),
    pytest.param(
        avp_body(TODAY, applicant__email="sanne.example.nl"), ("AVP", "applicant", "email"), "email", id="mail"
    ),
    pytest.param(avp_body(TODAY, applicant__email="sanne@"), ("AVP", "applicant", "email"), "email", id="mail-domain"),
    pytest.param(avb_body(TODAY, company__sbi_code="4"), ("AVB", "company", "sbi_code"), "SBI", id="sbi-1"),
    pytest.param(avb_body(TODAY, company__sbi_code="412012"), ("AVB", "company", "sbi_code"), "SBI", id="sbi-6"),
    pytest.param(avb_body(TODAY, company__sbi_code="41.2"), ("AVB", "company", "sbi_code"), "SBI", id="sbi-dot"),
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=[{"date": "2025-01-01", "amount_eur": -1}]),
        ("AVP", "disclosure", "claims_last_5_years", 0, "amount_eur"),
        "greater than or equal to 0",
        id="claim-negative",
    ),
    pytest.param(
        avb_body(TODAY, company__annual_turnover_eur=-1),
        ("AVB", "company", "annual_turnover_eur"),
        "greater than or equal to 0",
        id="turnover-negative",
    ),
    pytest.param(
        avb_body(TODAY, company__staff_count=-1),
        ("AVB", "company", "staff_count"),
        "greater than or equal to 0",
        id="staff-negative",
    ),
    pytest.param(avp_body(TODAY, nickname="Sanne"), ("AVP", "nickname"), "Extra inputs", id="extra-top"),
    pytest.param(
        avp_body(TODAY, applicant__address__floor=2),
        ("AVP", "applicant", "address", "floor"),
        "Extra inputs",
        id="extra-nested",
    ),
    pytest.param(avp_body(TODAY, company=avb_body(TODAY)["company"]), ("AVP", "company"), "Extra", id="avp-company"),
    pytest.param(avp_body(TODAY, product="WA"), (), "does not match any of the expected tags", id="product-unknown"),
    pytest.param(
        avp_body(TODAY, cover__insured_limit_eur=5_000_000),
        ("AVP", "cover", "insured_limit_eur"),
        "must be one of [1250000, 2500000] for AVP",
        id="avp-limit-5m",
    ),
    pytest.param(
        avb_body(TODAY, cover__insured_limit_eur=1_000_000),
        ("AVB", "cover", "insured_limit_eur"),
        "must be one of [1250000, 2500000, 5000000] for AVB",
        id="avb-limit-1m",
    ),
    pytest.param(
        avp_body(TODAY, cover__deductible_eur=500),
        ("AVP", "cover", "deductible_eur"),
        "must be one of [0, 100, 250] for AVP",
        id="avp-deductible-500",
    ),
    pytest.param(
        avb_body(TODAY, cover__deductible_eur=100),
        ("AVB", "cover", "deductible_eur"),
        "must be one of [0, 250, 500, 1000, 2500] for AVB",
        id="avb-deductible-100",
    ),
    pytest.param(
        avp_body(TODAY, consents__privacy_statement_acknowledged=False),
        ("AVP", "consents", "privacy_statement_acknowledged"),
        "privacy statement must be acknowledged",
        id="privacy-false",
    ),
    pytest.param(
        avp_body(TODAY, household="flatshare"), ("AVP", "household"), "'single', 'couple' or 'family'", id="hh"
    ),
    pytest.param(avp_body(TODAY, language="de"), ("AVP", "language"), "'nl' or 'en'", id="language"),
    pytest.param(avp_body(TODAY, notice_version=""), ("AVP", "notice_version"), "at least 1", id="notice-empty"),
]


@pytest.mark.parametrize(("body", "loc", "message"), REJECTIONS)
def test_schema_rejects_with_location(body: dict[str, Any], loc: tuple[Any, ...], message: str) -> None:
    problems = rejection(body)
    assert [where for where, _ in problems] == [loc]
    assert message in problems[0][1]


def test_a_missing_household_is_named() -> None:
    body = avp_body(TODAY)
    del body["household"]
    assert rejection(body) == [(("AVP", "household"), "Field required")]


# --- check_dates: plausibility relative to the day of receipt ------------------------------------------------------

DATE_PROBLEMS: list[Any] = [
    pytest.param(
        avp_body(TODAY, cover__start_date=(TODAY - timedelta(days=1)).isoformat()),
        ("cover", "start_date"),
        "must not be in the past",
        id="start-yesterday",
    ),
    pytest.param(
        avp_body(TODAY, cover__start_date=(TODAY + timedelta(days=366)).isoformat()),
        ("cover", "start_date"),
        "within 365 days",
        id="start-366-days",
    ),
    pytest.param(
        avp_body(TODAY, applicant__date_of_birth=(TODAY + timedelta(days=1)).isoformat()),
        ("applicant", "date_of_birth"),
        "must be in the past",
        id="born-tomorrow",
    ),
    pytest.param(
        avp_body(TODAY, applicant__date_of_birth=TODAY.isoformat()),
        ("applicant", "date_of_birth"),
        "must be in the past",
        id="born-today",
    ),
    pytest.param(
        avp_body(TODAY, applicant__date_of_birth="1906-11-24"),
        ("applicant", "date_of_birth"),
        "more than 120 years ago",
        id="born-over-120-years-ago",
    ),
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=[{"date": "2026-11-26", "amount_eur": 100}]),
        ("disclosure", "claims_last_5_years", 0, "date"),
        "must not be in the future",
        id="claim-tomorrow",
    ),
    pytest.param(
        avp_body(TODAY, disclosure__claims_last_5_years=[{"date": "2021-11-24", "amount_eur": 100}]),
        ("disclosure", "claims_last_5_years", 0, "date"),
        "more than 5 years ago",
        id="claim-5-years-and-a-day",
    ),
    pytest.param(
        avp_body(
            TODAY,
            disclosure__claims_last_5_years=[*claims(TODAY, 100), {"date": "2027-01-01", "amount_eur": 100}],
        ),
        ("disclosure", "claims_last_5_years", 1, "date"),
        "must not be in the future",
        id="second-claim-future",
    ),
    pytest.param(
        avb_body(TODAY, company__founding_date=(TODAY + timedelta(days=1)).isoformat()),
        ("company", "founding_date"),
        "must not be in the future",
        id="founded-tomorrow",
    ),
]


@pytest.mark.parametrize(("body", "loc", "message"), DATE_PROBLEMS)
def test_check_dates_reports_the_problem_and_where(body: dict[str, Any], loc: tuple[Any, ...], message: str) -> None:
    problems = check_dates(application(body), today=TODAY)
    assert [problem.loc for problem in problems] == [loc]
    assert message in problems[0].msg


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(avp_body(TODAY), id="factory-avp"),
        pytest.param(avb_body(TODAY), id="factory-avb"),
        pytest.param(avp_body(TODAY, cover__start_date=TODAY.isoformat()), id="start-today"),
        pytest.param(avp_body(TODAY, cover__start_date="2027-11-25"), id="start-365-days"),
        pytest.param(avp_body(TODAY, applicant__date_of_birth="1906-11-25"), id="born-exactly-120-years-ago"),
        pytest.param(
            avp_body(TODAY, disclosure__claims_last_5_years=[{"date": "2021-11-25", "amount_eur": 1}]),
            id="claim-exactly-5-years-ago",
        ),
        pytest.param(
            avp_body(TODAY, disclosure__claims_last_5_years=[{"date": TODAY.isoformat(), "amount_eur": 1}]),
            id="claim-today",
        ),
        pytest.param(avb_body(TODAY, company__founding_date=TODAY.isoformat()), id="founded-today"),
    ],
)
def test_check_dates_accepts_the_boundaries(body: dict[str, Any]) -> None:
    assert check_dates(application(body), today=TODAY) == []


def test_check_dates_reports_every_problem() -> None:
    body = avb_body(
        TODAY,
        applicant__date_of_birth="2030-01-01",
        cover__start_date="2020-01-01",
        company__founding_date="2030-01-01",
    )
    locs = [problem.loc for problem in check_dates(application(body), today=TODAY)]
    assert locs == [("applicant", "date_of_birth"), ("cover", "start_date"), ("company", "founding_date")]


def test_the_five_year_window_on_29_february() -> None:
    leap_day = date(2028, 2, 29)  # five years before is 28 February 2023
    kept = avp_body(leap_day, disclosure__claims_last_5_years=[{"date": "2023-02-28", "amount_eur": 1}])
    too_old = avp_body(leap_day, disclosure__claims_last_5_years=[{"date": "2023-02-27", "amount_eur": 1}])
    assert check_dates(application(kept), today=leap_day) == []
    assert [p.loc for p in check_dates(application(too_old), today=leap_day)] == [
        ("disclosure", "claims_last_5_years", 0, "date")
    ]


# --- age_on --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        pytest.param(date(2000, 11, 25), date(2026, 11, 24), 25, id="day-before-birthday"),
        pytest.param(date(2000, 11, 25), date(2026, 11, 25), 26, id="on-birthday"),
        pytest.param(date(2000, 11, 25), date(2026, 11, 26), 26, id="day-after-birthday"),
        pytest.param(date(2000, 12, 31), date(2026, 1, 1), 25, id="new-year"),
        pytest.param(date(2008, 2, 29), date(2026, 2, 28), 17, id="leapling-28-feb-common-year"),
        pytest.param(date(2008, 2, 29), date(2026, 3, 1), 18, id="leapling-1-march-common-year"),
        pytest.param(date(2008, 2, 29), date(2028, 2, 28), 19, id="leapling-28-feb-leap-year"),
        pytest.param(date(2008, 2, 29), date(2028, 2, 29), 20, id="leapling-29-feb-leap-year"),
        pytest.param(date(2026, 11, 25), date(2026, 11, 25), 0, id="born-today"),
    ],
)
def test_age_on(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age
