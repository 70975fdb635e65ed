"""Facts: the named, typed values policy rules are written over (`applicant.age`, `credit.arrears_count`).

This module is the vocabulary: what each fact means. The application's own facts are listed with the policy's fact
catalogue; the facts each check can find are listed here, by check, so that policies, checks and documentation
share one list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FactType = Literal["number", "boolean", "string"]
FactValue = int | float | bool | str | None

# Terms the check facts are defined with; the checks apply them.
CREDIT_RECENT_MONTHS = 12
CLAIM_MATCH_DAYS = 60  # a declared claim within this many days of a registered one is taken to be the same claim
INSOLVENCY_IGNORED_AFTER_MONTHS = 6
IDENTIFIER_KINDS = ("email", "phone", "iban", "address")
VELOCITY_CAP = 10  # velocity counts stop here: an identifier shared by 10 other people needs no exact figure


@dataclass(frozen=True, slots=True)
class FactSpec:
    name: str
    type: FactType
    description: str


CHECK_FACTS: dict[str, tuple[FactSpec, ...]] = {
    "identity": (
        FactSpec("identity.age_years", "number", "Exact age in whole years on the day the application was received."),
        FactSpec("identity.postcode_known", "boolean", "The postcode exists in the postcode table."),
        FactSpec(
            "identity.address_consistent",
            "boolean",
            "Postcode, house number and city belong together according to the postcode table.",
        ),
        FactSpec("identity.disposable_email", "boolean", "The e-mail address is at a disposable e-mail domain."),
    ),
    "credit": (
        FactSpec("credit.found", "boolean", "The credit bureau holds a file on the applicant."),
        FactSpec("credit.score_band", "string", "Bureau score band `A` (lowest risk) to `E`, or `none` without file."),
        FactSpec("credit.arrears_count", "number", "Payment-arrears registrations not yet resolved."),
        FactSpec(
            "credit.arrears_recent_count",
            "number",
            f"Payment-arrears registrations made in the last {CREDIT_RECENT_MONTHS} months, resolved or not.",
        ),
        FactSpec("credit.arrears_open_eur", "number", "Total amount of the unresolved arrears, in euros."),
        FactSpec("credit.debt_restructuring", "boolean", "Under a debt-restructuring scheme (WSNP)."),
    ),
    "claims_history": (
        FactSpec("claims.registered_5y", "number", "Claims registered in the shared register, last 5 years."),
        FactSpec("claims.registered_1y", "number", "Claims registered in the shared register, last 12 months."),
        FactSpec(
            "claims.non_payment_3y",
            "number",
            "Policies cancelled for unpaid premium (financial non-compliance), last 3 years.",
        ),
        FactSpec("claims.contractual_5y", "number", "Policies cancelled for breach of contract, last 5 years."),
        FactSpec("claims.incident_register", "boolean", "An entry in the insurers' incident register in force."),
        FactSpec(
            "claims.undeclared_count",
            "number",
            f"Registered claims of the last 5 years with no declared claim within {CLAIM_MATCH_DAYS} days.",
        ),
        FactSpec(
            "claims.non_disclosure",
            "boolean",
            "Something registered that the applicant should have declared and did not: an undeclared claim, or a "
            "cancellation while the applicant said no insurer ever cancelled.",
        ),
    ),
    "insolvency": (
        FactSpec(
            "insolvency.person_active", "boolean", "The applicant is in bankruptcy, suspension of payments or WSNP."
        ),
        FactSpec(
            "insolvency.person_ended_recently",
            "boolean",
            f"An insolvency of the applicant ended within the last {INSOLVENCY_IGNORED_AFTER_MONTHS} months.",
        ),
        FactSpec("insolvency.company_active", "boolean", "The company is bankrupt or in suspension of payments (AVB)."),
        FactSpec(
            "insolvency.company_ended_recently",
            "boolean",
            f"An insolvency of the company ended within the last {INSOLVENCY_IGNORED_AFTER_MONTHS} months (AVB).",
        ),
        FactSpec("insolvency.kind", "string", "`bankruptcy`, `suspension_of_payments`, `wsnp`, or `none`."),
        FactSpec(
            "insolvency.undeclared",
            "boolean",
            "The register shows an insolvency of the applicant or company the applicant did not declare.",
        ),
    ),
    "sanctions": (
        FactSpec("sanctions.potential_match", "boolean", "A name screened is a potential match on the sanctions list."),
        FactSpec("sanctions.match_count", "number", "Sanctions-list entries that potentially match."),
        FactSpec("sanctions.screened_count", "number", "Names screened: applicant, and company and directors (AVB)."),
    ),
    "fraud": (
        *(
            FactSpec(
                f"fraud.shared_{kind}_persons",
                "number",
                f"Other people who applied with the same {kind} within the velocity window (counted up to 10).",
            )
            for kind in IDENTIFIER_KINDS
        ),
        FactSpec("fraud.incident_register", "boolean", "An identifier is in our internal incident register."),
        FactSpec(
            "fraud.inconsistency_count",
            "number",
            "Declared facts contradicted by other checks (undeclared claims, cancellations, insolvency, WSNP).",
        ),
    ),
}
ALL_CHECK_FACTS: tuple[FactSpec, ...] = tuple(spec for specs in CHECK_FACTS.values() for spec in specs)
