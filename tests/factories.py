"""Valid applications to start from; each test changes one thing."""

from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from typing import Any

from engine.decision.service import APPLICATION_ADAPTER
from engine.domain.application import AvbApplication, AvpApplication
from engine.domain.checks import CheckResult, CheckStatus
from engine.registers.planted import PlantedPerson


def _years_ago(today: date, years: int, days: int = 0) -> date:
    try:
        day = today.replace(year=today.year - years)
    except ValueError:
        day = today.replace(year=today.year - years, day=28)
    return day - timedelta(days=days)


def applicant(today: date) -> dict[str, Any]:
    return {
        "given_names": "Sanne",
        "family_name_prefix": "de",
        "family_name": "Vries",
        "date_of_birth": _years_ago(today, 35).isoformat(),
        "email": "sanne.devries@example.nl",
        "phone": "06 12345678",
        "address": {"street": "Oudegracht", "house_number": 112, "postcode": "3511 AW", "city": "Utrecht"},
    }


def avp_body(today: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid AVP application as a form would send it (accepted under policy 1.0.0)."""
    today = today or date.today()
    body: dict[str, Any] = {
        "product": "AVP",
        "notice_version": "1.0.0",
        "language": "nl",
        "objects_to_automated_decision": False,
        "applicant": applicant(today),
        "household": "family",
        "cover": {
            "insured_limit_eur": 2_500_000,
            "deductible_eur": 0,
            "start_date": (today + timedelta(days=14)).isoformat(),
        },
        "disclosure": {
            "refused_or_cancelled_before": False,
            "claims_last_5_years": [],
            "criminal_record_last_8_years": False,
            "insolvency": False,
        },
        "consents": {"privacy_statement_acknowledged": True, "marketing_email": False},
    }
    return _merge(body, overrides)


def avb_body(today: date | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid AVB application (accepted under policy 1.0.0)."""
    today = today or date.today()
    body = avp_body(today)
    del body["household"]
    body["product"] = "AVB"
    body["cover"]["deductible_eur"] = 500
    body["company"] = {
        "name": "Bakker Bouw B.V.",
        "kvk_number": "12345678",
        "sbi_code": "4120",
        "legal_form": "bv",
        "founding_date": _years_ago(today, 10).isoformat(),
        "annual_turnover_eur": 1_850_000,
        "staff_count": 12,
    }
    return _merge(body, overrides)


def claims(today: date, *amounts: int) -> list[dict[str, Any]]:
    """Declared claims, one per amount, spread over the last five years (newest first, each > 30 days ago)."""
    return [
        {"date": (today - timedelta(days=40 + 300 * index)).isoformat(), "amount_eur": amount}
        for index, amount in enumerate(amounts)
    ]


def application(body: dict[str, Any]) -> AvpApplication | AvbApplication:
    return APPLICATION_ADAPTER.validate_python(body)


def _merge(body: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """Apply overrides; a key with `__` goes deeper: `cover__deductible_eur=100`."""
    body = copy.deepcopy(body)
    for key, value in overrides.items():
        node = body
        *parents, leaf = key.split("__")
        for part in parents:
            node = node[part]
        node[leaf] = value
    return body


# --- check results -------------------------------------------------------------------------------------------------

CLEAR_FACTS: dict[str, dict[str, Any]] = {
    "identity": {"age_years": 35, "postcode_known": True, "address_consistent": True, "disposable_email": False},
    "credit": {
        "found": True,
        "score_band": "A",
        "arrears_count": 0,
        "arrears_recent_count": 0,
        "arrears_open_eur": 0,
        "debt_restructuring": False,
    },
    "claims_history": {
        "registered_5y": 0,
        "registered_1y": 0,
        "non_payment_3y": 0,
        "contractual_5y": 0,
        "incident_register": False,
        "undeclared_count": 0,
        "non_disclosure": False,
    },
    "insolvency": {
        "person_active": False,
        "person_ended_recently": False,
        "company_active": False,
        "company_ended_recently": False,
        "kind": "none",
        "undeclared": False,
    },
    "sanctions": {"potential_match": False, "match_count": 0, "screened_count": 1},
    "fraud": {
        "shared_email_persons": 0,
        "shared_phone_persons": 0,
        "shared_iban_persons": 0,
        "shared_address_persons": 0,
        "incident_register": False,
        "inconsistency_count": 0,
    },
}


def check_result(name: str, status: CheckStatus, now: datetime, **facts: Any) -> CheckResult:
    """A result of check ``name``: its clear facts with ``facts`` changed; no facts at all when unavailable."""
    unavailable = status is CheckStatus.UNAVAILABLE
    return CheckResult(
        check=name,
        status=status,
        facts={} if unavailable else CLEAR_FACTS[name] | facts,
        source=f"test:{name}",
        retrieved_at=now,
        duration_ms=1.0,
        error="timed out" if unavailable else None,
    )


def clear_checks(now: datetime, *results: CheckResult) -> list[CheckResult]:
    """All six checks clear, except those given."""
    given = {result.check: result for result in results}
    return [given.get(name) or check_result(name, CheckStatus.CLEAR, now) for name in CLEAR_FACTS]


def planted_fields(person: PlantedPerson) -> dict[str, Any]:
    """The applicant fields (as ``avp_body`` overrides) of a person planted in the synthetic registers."""
    return {
        "applicant__given_names": person.given_names,
        "applicant__family_name_prefix": person.family_name_prefix,
        "applicant__family_name": person.family_name,
        "applicant__date_of_birth": person.date_of_birth.isoformat(),
        "applicant__email": person.email,
        "applicant__phone": person.phone,
        "applicant__iban": person.iban,
        "applicant__address": {
            "street": person.street,
            "house_number": person.house_number,
            "postcode": person.postcode,
            "city": person.city,
        },
    }
