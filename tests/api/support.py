"""Helpers for the API tests: the shipped examples, the texts their reasons must carry, and row counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, text

from engine.config import PROJECT_ROOT
from engine.decision.reasons import CORE_REASONS
from engine.examples import dutch_today, load_example

EXAMPLES_DIR = PROJECT_ROOT / "data" / "examples"
POLICY_DIR = PROJECT_ROOT / "data" / "policies"
NOTICE_DIR = PROJECT_ROOT / "data" / "notices"

# What each shipped example must get: outcome and the reason codes the applicant sees.
EXPECTED: dict[str, tuple[str, list[str]]] = {
    "avb-accepted": ("accepted", []),
    "avb-referred-above-authority": ("referred", ["AUTHORITY_LIMIT_EXCEEDED"]),
    "avb-rejected-company-insolvent": ("rejected", ["COMPANY_INSOLVENT"]),
    "avp-accepted": ("accepted", []),
    "avp-objects-to-automated-decision": ("referred", ["OBJECTED_TO_AUTOMATED_DECISION"]),
    "avp-referred-credit-arrears": ("referred", ["CREDIT_ARREARS"]),
    "avp-referred-prior-cancellation": ("referred", ["PREVIOUSLY_REFUSED_OR_CANCELLED"]),
    "avp-rejected-claims": ("rejected", ["CLAIMS_FREQUENCY_HIGH"]),
}

# Tables an application writes to; a refused request must leave every count unchanged.
STORED_TABLES = (
    "applications",
    "application_personal_data",
    "decision_records",
    "policy_versions",
    "identifier_sightings",
    "check_details",
)


def example(name: str) -> dict[str, Any]:
    """A shipped example, dated for today (the files' own dates age)."""
    return load_example(name, today=dutch_today())


def reason_texts(product: str) -> dict[str, dict[str, str]]:
    """Every applicant text a decision for ``product`` may show, by reason code, from the policy file and the core."""
    texts = {reason.code: reason.applicant_text.model_dump() for reason in CORE_REASONS}
    policy = yaml.safe_load((POLICY_DIR / product.lower() / "1.2.0.yaml").read_text())
    for rule in [*policy["knockouts"], *policy["referrals"]]:
        texts[rule["code"]] = rule["applicant"]
    for section, keys in (
        ("authority", ("limit_reason", "sector_reason")),
        ("thresholds", ("refer_reason", "reject_reason")),
    ):
        for key in keys:
            reason = policy[section][key]
            texts[reason["code"]] = reason["applicant"]
    return texts


def notice_file(product: str) -> Path:
    return NOTICE_DIR / product.lower() / "1.0.0.yaml"


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() for table in STORED_TABLES
        }


def app_engine(api: Any) -> Engine:
    engine: Engine = api.client.app.state.services.db.engine
    return engine


def assert_no_internals(response: Any) -> None:
    """An error body says what went wrong for the client, never how the server is built."""
    body = response.text
    for leak in ("Traceback", 'File "', "sqlalchemy", "psycopg", "sqlite3", "engine/", "site-packages"):
        assert leak not in body, f"{leak!r} in error body: {body}"
