"""The applications the benchmarks send: a fixed mix of AVP and AVB applications that are accepted, referred and
rejected, built relative to today with the test factories (so dates stay valid whenever the benchmark runs)."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` puts bench/ on the path, not the project root
    sys.path.insert(0, str(ROOT))

from tests.factories import avb_body, avp_body, claims  # noqa: E402

# (label, expected outcome, overrides); the weights make the mix mostly accepted, as a real form's traffic is.
_VARIANTS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("AVP", "accepted", "accepted", {}),
    ("AVP", "accepted", "accepted (nl, one claim)", {"disclosure__claims_last_5_years": "claims:850"}),
    ("AVP", "accepted", "accepted (en)", {"language": "en"}),
    ("AVB", "accepted", "accepted", {}),
    ("AVB", "accepted", "accepted (other sector)", {"company__sbi_code": "6201"}),
    ("AVP", "referred", "prior cancellation", {"disclosure__refused_or_cancelled_before": True}),
    ("AVP", "referred", "objects to automated decision", {"objects_to_automated_decision": True}),
    ("AVP", "referred", "two claims", {"disclosure__claims_last_5_years": "claims:1200,400"}),
    ("AVB", "referred", "above authority", {"cover__insured_limit_eur": 5_000_000}),
    ("AVB", "referred", "excluded sector", {"company__sbi_code": "2011"}),
    ("AVP", "rejected", "four claims", {"disclosure__claims_last_5_years": "claims:1200,400,2300,650"}),
    ("AVB", "rejected", "five claims", {"disclosure__claims_last_5_years": "claims:9000,400,2300,650,1000"}),
]

_GIVEN = ["Sanne", "Pieter", "Fatima", "Daan", "Emma", "Mohammed", "Lotte", "Jan"]
_FAMILY = [(None, "Bakker"), ("de", "Vries"), ("van", "Dijk"), (None, "Yilmaz"), ("van der", "Berg"), (None, "Smit")]


def _resolve(today: date, overrides: dict[str, Any]) -> dict[str, Any]:
    resolved = {}
    for key, value in overrides.items():
        if isinstance(value, str) and value.startswith("claims:"):
            value = claims(today, *(int(amount) for amount in value.removeprefix("claims:").split(",")))
        resolved[key] = value
    return resolved


def variants(today: date | None = None) -> list[tuple[str, str, dict[str, Any]]]:
    """Each kind of application once: (label, expected outcome, body)."""
    today = today or date.today()
    out = []
    for product, outcome, label, overrides in _VARIANTS:
        factory = avp_body if product == "AVP" else avb_body
        out.append((f"{product} {label}", outcome, factory(today, **_resolve(today, overrides))))
    return out


def bodies(count: int, today: date | None = None) -> list[dict[str, Any]]:
    """``count`` application bodies cycling through the variants, each with its own name, birth date, address, e-mail
    and phone, so that no two consecutive requests are byte-identical and fraud velocity sees what real traffic
    shows (identifiers shared rarely), not thousands of people on one phone number."""
    today = today or date.today()
    base = variants(today)
    out = []
    for index in range(count):
        _, _, body = base[index % len(base)]
        prefix, family = _FAMILY[index % len(_FAMILY)]
        body = {**body, "applicant": dict(body["applicant"], address=dict(body["applicant"]["address"]))}
        body["applicant"]["given_names"] = _GIVEN[index % len(_GIVEN)]
        body["applicant"]["family_name_prefix"] = prefix
        body["applicant"]["family_name"] = family
        body["applicant"]["date_of_birth"] = (
            date.fromisoformat(body["applicant"]["date_of_birth"]) - timedelta(days=index % 3000)
        ).isoformat()
        body["applicant"]["address"]["house_number"] = 1 + index % 400
        body["applicant"]["email"] = f"applicant{index}@example.nl"
        body["applicant"]["phone"] = f"06 {20000000 + index % 9_000_000:08d}"
        out.append(body)
    return out
