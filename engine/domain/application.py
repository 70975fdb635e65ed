"""The application a form sends: one schema per product on a shared core.

Validation here is time-independent so a stored application can always be re-read; checks that depend on the
clock (start date not in the past, claims within five years) live in :func:`check_dates`, which intake calls
with the moment the application was received.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

import phonenumbers
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
)
from stdnum import iban
from stdnum.exceptions import ValidationError

from engine.domain.products import PRODUCT_SPECS, Product

_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Za-z]{2})$")
_KVK = re.compile(r"^[0-9]{8}$")
_SBI = re.compile(r"^[0-9]{2,5}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _iso_date(value: object) -> object:
    """Dates come as ISO text (`2026-12-01`), never as numbers or timestamps."""
    if isinstance(value, datetime) or not isinstance(value, str | date):
        raise ValueError("must be a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Euros = Annotated[StrictInt, Field(ge=0, le=1_000_000_000_000)]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]


class Strict(BaseModel):
    """No unknown fields, no control characters in text; booleans and numbers must have their JSON type."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: object) -> object:
        if isinstance(value, str) and _CONTROL.search(value):
            raise ValueError("must not contain control characters")
        return value


class Language(StrEnum):
    NL = "nl"
    EN = "en"


class Address(Strict):
    street: Name
    house_number: StrictInt = Field(ge=1, le=99_999)
    house_number_addition: Annotated[str, StringConstraints(max_length=6)] | None = None
    postcode: str = Field(description="Dutch postcode, `1234 AB` (the space is optional on input).")
    city: Name
    country: Literal["NL"] = "NL"

    @field_validator("postcode")
    @classmethod
    def _dutch_postcode(cls, value: str) -> str:
        match = _POSTCODE.match(value.strip())
        if match is None:
            raise ValueError(
                "must be a Dutch postcode: four digits (not starting with 0) and two letters, e.g. 1234 AB"
            )
        letters = match.group(2).upper()
        if letters in {"SA", "SD", "SS"}:
            raise ValueError(f"letters {letters} are not used in Dutch postcodes")
        return f"{match.group(1)} {letters}"


class Applicant(Strict):
    given_names: Name
    family_name_prefix: Annotated[str, StringConstraints(max_length=20)] | None = Field(
        default=None, description="Tussenvoegsel, e.g. `van der`."
    )
    family_name: Name
    date_of_birth: IsoDate
    email: EmailStr
    phone: str = Field(description="Dutch or international phone number; stored in E.164 form (+31...).")
    address: Address
    iban: str | None = Field(
        default=None,
        description="Bank account (IBAN) for the premium direct debit, e.g. `NL91 ABNA 0417 1643 00`; stored without "
        "spaces. Used, like e-mail, phone and address, in fraud-prevention checks.",
    )

    @field_validator("iban")
    @classmethod
    def _valid_iban(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return str(iban.validate(value))
        except ValidationError as exc:
            raise ValueError("is not a valid IBAN (check digits or length), e.g. NL91 ABNA 0417 1643 00") from exc

    @field_validator("phone")
    @classmethod
    def _valid_phone(cls, value: str) -> str:
        try:
            parsed = phonenumbers.parse(value, "NL")
        except phonenumbers.NumberParseException as exc:
            raise ValueError("is not a phone number") from exc
        if not phonenumbers.is_valid_number(parsed):
            raise ValueError("is not a valid phone number, e.g. 06 12345678 or +31 20 123 4567")
        return str(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))


class DeclaredClaim(Strict):
    date: IsoDate
    amount_eur: StrictInt = Field(ge=0, le=100_000_000)
    description: ShortText | None = None


class Disclosure(Strict):
    """The slotvragen: questions Dutch insurers ask before they accept a risk."""

    refused_or_cancelled_before: StrictBool = Field(
        description="Has an insurer ever refused, cancelled or set special conditions on an insurance?"
    )
    claims_last_5_years: list[DeclaredClaim] = Field(default_factory=list, max_length=50)
    criminal_record_last_8_years: StrictBool
    insolvency: StrictBool = Field(description="Bankruptcy, suspension of payments or debt restructuring (WSNP).")


class Cover(Strict):
    """Requested cover; the insured limit and deductible must be among the product's options."""

    product_code: ClassVar[Product]

    insured_limit_eur: Euros
    deductible_eur: Euros
    start_date: IsoDate

    @field_validator("insured_limit_eur")
    @classmethod
    def _limit_offered(cls, value: int) -> int:
        options = PRODUCT_SPECS[cls.product_code].insured_limits_eur
        if value not in options:
            raise ValueError(f"must be one of {list(options)} for {cls.product_code}")
        return value

    @field_validator("deductible_eur")
    @classmethod
    def _deductible_offered(cls, value: int) -> int:
        options = PRODUCT_SPECS[cls.product_code].deductibles_eur
        if value not in options:
            raise ValueError(f"must be one of {list(options)} for {cls.product_code}")
        return value


def _options_in_schema(product: Product) -> Callable[[dict[str, Any]], None]:
    def extra(schema: dict[str, Any]) -> None:
        spec = PRODUCT_SPECS[product]
        schema["properties"]["insured_limit_eur"]["enum"] = list(spec.insured_limits_eur)
        schema["properties"]["deductible_eur"]["enum"] = list(spec.deductibles_eur)

    return extra


class AvpCover(Cover):
    model_config = ConfigDict(json_schema_extra=_options_in_schema(Product.AVP))
    product_code: ClassVar[Product] = Product.AVP


class AvbCover(Cover):
    model_config = ConfigDict(json_schema_extra=_options_in_schema(Product.AVB))
    product_code: ClassVar[Product] = Product.AVB


class Consents(Strict):
    privacy_statement_acknowledged: StrictBool = Field(
        description="The applicant has seen the privacy statement; the application cannot be processed without it."
    )
    marketing_email: StrictBool = False

    @field_validator("privacy_statement_acknowledged")
    @classmethod
    def _acknowledged(cls, value: bool) -> bool:
        if not value:
            raise ValueError("the privacy statement must be acknowledged before an application can be processed")
        return value


class Household(StrEnum):
    SINGLE = "single"
    COUPLE = "couple"
    FAMILY = "family"


class LegalForm(StrEnum):
    EENMANSZAAK = "eenmanszaak"
    VOF = "vof"
    MAATSCHAP = "maatschap"
    CV = "cv"
    BV = "bv"
    NV = "nv"
    STICHTING = "stichting"
    VERENIGING = "vereniging"
    COOPERATIE = "cooperatie"


class Director(Strict):
    """A director (bestuurder) of the company, screened against sanctions lists like the applicant."""

    given_names: Name
    family_name_prefix: Annotated[str, StringConstraints(max_length=20)] | None = None
    family_name: Name
    date_of_birth: IsoDate | None = None


class Company(Strict):
    name: Name
    kvk_number: str = Field(description="Chamber of Commerce (KvK) number: eight digits.")
    sbi_code: str = Field(description="SBI activity code (Standaard Bedrijfsindeling), 2 to 5 digits, e.g. 4120.")
    legal_form: LegalForm
    founding_date: IsoDate
    annual_turnover_eur: Euros
    staff_count: StrictInt = Field(ge=0, le=1_000_000)
    directors: list[Director] = Field(
        default_factory=list,
        max_length=10,
        description="Directors, if known; each is screened against sanctions lists.",
    )

    @field_validator("kvk_number")
    @classmethod
    def _kvk(cls, value: str) -> str:
        if not _KVK.match(value):
            raise ValueError("must be exactly 8 digits")
        return value

    @field_validator("sbi_code")
    @classmethod
    def _sbi(cls, value: str) -> str:
        if not _SBI.match(value):
            raise ValueError("must be an SBI code of 2 to 5 digits")
        return value


class _ApplicationCore(Strict):
    applicant: Applicant
    disclosure: Disclosure
    consents: Consents
    objects_to_automated_decision: StrictBool = Field(
        default=False,
        description="True when the applicant objects to automated decision-making: a person decides.",
    )
    notice_version: str = Field(
        min_length=1, max_length=40, description="Version of the pre-decision notice the form showed."
    )
    language: Language = Field(default=Language.NL, description="Language of the notice returned to the applicant.")


class AvpApplication(_ApplicationCore):
    product: Literal[Product.AVP]
    cover: AvpCover
    household: Household


class AvbApplication(_ApplicationCore):
    product: Literal[Product.AVB]
    cover: AvbCover
    company: Company


Application = Annotated[AvpApplication | AvbApplication, Field(discriminator="product")]


class DateProblem(BaseModel):
    """A clock-relative problem with an application: where it is and why."""

    loc: tuple[str | int, ...]
    msg: str


def check_dates(application: AvpApplication | AvbApplication, *, today: date) -> list[DateProblem]:
    """Plausibility of the application's dates at ``today`` (the day it was received)."""
    problems: list[DateProblem] = []
    spec = PRODUCT_SPECS[application.product]
    if application.applicant.date_of_birth >= today:
        problems.append(DateProblem(loc=("applicant", "date_of_birth"), msg="must be in the past"))
    elif application.applicant.date_of_birth < years_before(today, 120):
        problems.append(DateProblem(loc=("applicant", "date_of_birth"), msg="is more than 120 years ago"))
    start = application.cover.start_date
    if start < today:
        problems.append(DateProblem(loc=("cover", "start_date"), msg="must not be in the past"))
    elif start > today + timedelta(days=spec.max_start_delay_days):
        problems.append(
            DateProblem(
                loc=("cover", "start_date"),
                msg=f"must be within {spec.max_start_delay_days} days from today",
            )
        )
    five_years_ago = years_before(today, 5)
    for index, claim in enumerate(application.disclosure.claims_last_5_years):
        loc: tuple[str | int, ...] = ("disclosure", "claims_last_5_years", index, "date")
        if claim.date > today:
            problems.append(DateProblem(loc=loc, msg="must not be in the future"))
        elif claim.date < five_years_ago:
            problems.append(
                DateProblem(loc=loc, msg="is more than 5 years ago; declare only claims of the last 5 years")
            )
    if isinstance(application, AvbApplication) and application.company.founding_date > today:
        problems.append(DateProblem(loc=("company", "founding_date"), msg="must not be in the future"))
    return problems


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on ``day``; a person born on 29 February turns a year older on 1 March."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
