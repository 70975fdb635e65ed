"""Facts: the named values rules are written over, derived from the application and the check results.

A fact has a dotted name (`applicant.age`, `disclosure.claims_5y_count`, later `credit.arrears_count`) and a type.
The catalogue is what a policy may mention; a policy that names anything else does not load.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from engine.domain.application import AvbApplication, AvpApplication, age_on, years_before
from engine.domain.checks import CheckResult, CheckStatus
from engine.domain.facts import ALL_CHECK_FACTS, FactSpec, FactType, FactValue

__all__ = [
    "FACT_NAMESPACES",
    "FactCatalogue",
    "FactSpec",
    "FactType",
    "FactValue",
    "application_facts",
    "check_facts",
    "fact_namespace",
    "nest",
]
from engine.domain.products import Product

_COMMON: tuple[FactSpec, ...] = (
    FactSpec("applicant.age", "number", "Age in whole years on the day the application was received."),
    FactSpec("cover.insured_limit_eur", "number", "Requested insured limit in euros."),
    FactSpec("cover.deductible_eur", "number", "Requested deductible in euros."),
    FactSpec("cover.start_in_days", "number", "Days from receipt to the requested start date."),
    FactSpec(
        "disclosure.refused_or_cancelled_before",
        "boolean",
        "An insurer refused or cancelled insurance before.",
    ),
    FactSpec("disclosure.claims_5y_count", "number", "Number of claims declared for the last 5 years."),
    FactSpec("disclosure.claims_1y_count", "number", "Number of claims declared for the last 12 months."),
    FactSpec("disclosure.claims_5y_total_eur", "number", "Sum of the declared claim amounts of the last 5 years."),
    FactSpec("disclosure.claims_5y_max_eur", "number", "Largest declared claim amount of the last 5 years."),
    FactSpec("disclosure.criminal_record_8y", "boolean", "A criminal record declared for the last 8 years."),
    FactSpec("disclosure.insolvency", "boolean", "Bankruptcy, suspension of payments or WSNP declared."),
)

_PRODUCT_FACTS: dict[Product, tuple[FactSpec, ...]] = {
    Product.AVP: (FactSpec("household.composition", "string", "`single`, `couple` or `family`."),),
    Product.AVB: (
        FactSpec("company.sbi_code", "string", "SBI activity code as declared, e.g. `4120`."),
        FactSpec("company.sbi_division", "string", "First two digits of the SBI code (the division)."),
        FactSpec("company.legal_form", "string", "Legal form, e.g. `bv`, `eenmanszaak`."),
        FactSpec("company.age_years", "number", "Whole years since the company was founded."),
        FactSpec("company.annual_turnover_eur", "number", "Declared annual turnover in euros."),
        FactSpec("company.staff_count", "number", "Declared number of staff."),
    ),
}


@dataclass(frozen=True, slots=True)
class FactCatalogue:
    """Every fact a policy for one product may use."""

    product: Product
    specs: Mapping[str, FactSpec]

    @classmethod
    def for_product(cls, product: Product, check_facts: Iterable[FactSpec] = ALL_CHECK_FACTS) -> FactCatalogue:
        specs = {spec.name: spec for spec in (*_COMMON, *_PRODUCT_FACTS[product], *check_facts)}
        return cls(product=product, specs=specs)

    def __contains__(self, name: object) -> bool:
        return name in self.specs

    def samples(self) -> list[dict[str, FactValue]]:
        """Values of the right type for every fact, used to type-check conditions when a policy loads: one set
        with booleans false and one with booleans true, so both sides of `and` and `or` are reached."""
        variants: list[dict[FactType, FactValue]] = [
            {"number": 1, "boolean": False, "string": "x"},
            {"number": 2.5, "boolean": True, "string": ""},
        ]
        return [{name: values[spec.type] for name, spec in self.specs.items()} for values in variants]


def application_facts(application: AvpApplication | AvbApplication, *, today: date) -> dict[str, FactValue]:
    """The facts an application carries itself, as of ``today`` (the day it was received)."""
    claims = application.disclosure.claims_last_5_years
    one_year_ago = years_before(today, 1)
    facts: dict[str, FactValue] = {
        "applicant.age": age_on(application.applicant.date_of_birth, today),
        "cover.insured_limit_eur": application.cover.insured_limit_eur,
        "cover.deductible_eur": application.cover.deductible_eur,
        "cover.start_in_days": (application.cover.start_date - today).days,
        "disclosure.refused_or_cancelled_before": application.disclosure.refused_or_cancelled_before,
        "disclosure.claims_5y_count": len(claims),
        "disclosure.claims_1y_count": sum(1 for claim in claims if claim.date > one_year_ago),
        "disclosure.claims_5y_total_eur": sum(claim.amount_eur for claim in claims),
        "disclosure.claims_5y_max_eur": max((claim.amount_eur for claim in claims), default=0),
        "disclosure.criminal_record_8y": application.disclosure.criminal_record_last_8_years,
        "disclosure.insolvency": application.disclosure.insolvency,
    }
    if isinstance(application, AvpApplication):
        facts["household.composition"] = application.household.value
    else:
        company = application.company
        facts |= {
            "company.sbi_code": company.sbi_code,
            "company.sbi_division": company.sbi_code[:2],
            "company.legal_form": company.legal_form.value,
            "company.age_years": age_on(company.founding_date, today) if company.founding_date <= today else 0,
            "company.annual_turnover_eur": company.annual_turnover_eur,
            "company.staff_count": company.staff_count,
        }
    return facts


FACT_NAMESPACES = {"claims_history": "claims"}  # a check's facts are named after it, or after its register


def fact_namespace(check: str) -> str:
    return FACT_NAMESPACES.get(check, check)


def check_facts(results: Iterable[CheckResult], catalogue: FactCatalogue) -> dict[str, FactValue]:
    """Facts found by checks, as `<namespace>.<fact>` (`credit.arrears_count`, `claims.registered_5y`); an
    unavailable check leaves its facts missing (None)."""
    facts: dict[str, FactValue] = {}
    for result in results:
        prefix = f"{fact_namespace(result.check)}."
        if result.status is CheckStatus.UNAVAILABLE:
            facts |= {name: None for name in catalogue.specs if name.startswith(prefix)}
            continue
        for name, value in result.facts.items():
            facts[prefix + name] = value
    return facts


def nest(facts: Mapping[str, FactValue]) -> dict[str, object]:
    """Dotted fact names as nested objects, the shape the expression engine reads (`applicant.age`)."""
    nested: dict[str, object] = {}
    for name, value in facts.items():
        node = nested
        *parents, leaf = name.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            assert isinstance(child, dict)
            node = child
        node[leaf] = value
    return nested
