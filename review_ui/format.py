"""Answers of the API as tables and words for the pages: pure functions, no Streamlit, no I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from review_ui.models import (
    CaseEvent,
    CaseSummary,
    CheckResult,
    Correction,
    DecisionSummary,
    Reason,
    ReviewerFigures,
    RuleEvaluation,
)

LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
OVERDUE_MARK = "⚠ overdue"
FLAG_MARK = "⚑ check"


def local_time(moment: datetime | None) -> str:
    """A moment as Dutch office time, minutes precision (empty when absent)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def span(delta: timedelta) -> str:
    """A duration in the largest unit that keeps it readable: ``45 min``, ``5 h``, ``3 d``."""
    seconds = abs(delta.total_seconds())
    if seconds < 3600:
        return f"{max(1, round(seconds / 60))} min"
    if seconds < 2 * 86400:
        return f"{round(seconds / 3600)} h"
    return f"{round(seconds / 86400)} d"


def due_text(due_at: datetime, now: datetime) -> str:
    """``overdue by 2 d`` or ``due in 5 h``."""
    delta = due_at - now
    return f"overdue by {span(delta)}" if delta.total_seconds() < 0 else f"due in {span(delta)}"


def handling_time(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def euros(amount: int | float | None) -> str:
    if amount is None:
        return ""
    return f"€ {amount:,.0f}".replace(",", ".")


def value_text(value: Any) -> str:
    """A fact's value as one short line."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def facts_text(facts: Mapping[str, Any]) -> str:
    """Facts as ``name = value`` pairs on one line, in name order."""
    return "; ".join(f"{name} = {value_text(facts[name])}" for name in sorted(facts))


def case_label(case: CaseSummary, now: datetime) -> str:
    """How a case reads in a picker: due, product, reason and the start of its id."""
    mark = "⚠ " if case.overdue else ""
    return (
        f"{mark}{local_time(case.due_at)} · {case.product} · {case.reason} · {due_text(case.due_at, now)} · {case.id}"
    )


def queue_table(cases: Iterable[CaseSummary], now: datetime) -> pd.DataFrame:
    """The queue as the reviewer reads it: overdue cases carry a mark in the first column."""
    rows = [
        {
            "Overdue": OVERDUE_MARK if case.overdue else "",
            "Due": local_time(case.due_at),
            "Due in": due_text(case.due_at, now),
            "Product": case.product,
            "Reason": case.reason,
            "Route": case.route or "",
            "State": case.state,
            "Holder": case.claimed_by or "",
            "Reason codes": ", ".join(case.reason_codes),
            "Limit": euros(case.insured_limit_eur),
            "Statement": "yes" if case.has_statement else "",
            "Case": case.id,
        }
        for case in cases
    ]
    return pd.DataFrame(rows, columns=list(QUEUE_COLUMNS))


QUEUE_COLUMNS = (
    "Overdue",
    "Due",
    "Due in",
    "Product",
    "Reason",
    "Route",
    "State",
    "Holder",
    "Reason codes",
    "Limit",
    "Statement",
    "Case",
)


def overdue_style(row: pd.Series) -> list[str]:
    """Row style for a pandas Styler: overdue rows in a warning colour."""
    style = "background-color: #fde2e1; color: #8a1c12; font-weight: 600" if row["Overdue"] else ""
    return [style] * len(row)


def checks_table(checks: Iterable[CheckResult]) -> pd.DataFrame:
    rows = [
        {
            "Check": check.check,
            "Status": check.status,
            "Source": check.source or "",
            "Source version": check.source_version or "",
            "Retrieved": local_time(check.retrieved_at),
            "Took (ms)": round(check.duration_ms, 1) if check.duration_ms is not None else None,
            "Facts": facts_text(check.facts),
            "Restricted to": check.restricted_to or "",
            "Why unavailable": check.error or "",
        }
        for check in checks
    ]
    return pd.DataFrame(rows, columns=CHECK_COLUMNS)


CHECK_COLUMNS = [
    "Check",
    "Status",
    "Source",
    "Source version",
    "Retrieved",
    "Took (ms)",
    "Facts",
    "Restricted to",
    "Why unavailable",
]


def rules_table(rules: Iterable[RuleEvaluation]) -> pd.DataFrame:
    rows = [
        {
            "Rule": rule.code,
            "Effect": rule.effect or "",
            "Result": rule.result,
            "Facts used": facts_text(rule.facts_used),
            "Missing facts": ", ".join(rule.missing_facts),
        }
        for rule in rules
    ]
    return pd.DataFrame(rows, columns=["Rule", "Effect", "Result", "Facts used", "Missing facts"])


def reasons_table(reasons: Iterable[Reason]) -> pd.DataFrame:
    rows = [
        {
            "Reason": reason.code,
            "Effect": reason.effect or "",
            "Source": reason.source or "",
            "Route": reason.route or "",
            "For the underwriter": reason.underwriter_text,
            "For the applicant (en)": reason.applicant_text.en,
        }
        for reason in reasons
    ]
    return pd.DataFrame(
        rows, columns=["Reason", "Effect", "Source", "Route", "For the underwriter", "For the applicant (en)"]
    )


def decisions_table(decisions: Iterable[DecisionSummary]) -> pd.DataFrame:
    rows = [
        {
            "Decided": local_time(decision.decided_at),
            "Outcome": decision.outcome,
            "Basis": decision.basis,
            "Product": decision.product,
            "Reviewer": decision.reviewer or "",
            "Replaces": decision.replaces_id or "",
            "Decision": decision.id,
            "Application": decision.application_id,
        }
        for decision in decisions
    ]
    return pd.DataFrame(
        rows, columns=["Decided", "Outcome", "Basis", "Product", "Reviewer", "Replaces", "Decision", "Application"]
    )


def events_table(events: Iterable[CaseEvent]) -> pd.DataFrame:
    rows = [
        {"At": local_time(event.at), "Who": event.actor or "", "What": event.kind, "Details": facts_text(event.data)}
        for event in events
    ]
    return pd.DataFrame(rows, columns=["At", "Who", "What", "Details"])


def corrections_table(corrections: Iterable[Correction]) -> pd.DataFrame:
    rows = [{"Field": correction.field, "Applicant says": correction.value} for correction in corrections]
    return pd.DataFrame(rows, columns=["Field", "Applicant says"])


def fields_table(section: Mapping[str, Any], prefix: str = "") -> pd.DataFrame:
    """One part of the application (applicant, cover, ...) as field/value rows, nested parts flattened."""
    rows = [{"Field": name, "Value": value_text(value)} for name, value in _flatten(section, prefix)]
    return pd.DataFrame(rows, columns=["Field", "Value"])


def _flatten(section: Mapping[str, Any], prefix: str) -> list[tuple[str, Any]]:
    pairs: list[tuple[str, Any]] = []
    for name, value in section.items():
        path = f"{prefix}{name}"
        if isinstance(value, Mapping):
            pairs.extend(_flatten(value, f"{path}."))
        elif isinstance(value, list) and value and all(isinstance(item, Mapping) for item in value):
            for index, item in enumerate(value, start=1):
                pairs.extend(_flatten(item, f"{path}[{index}]."))
        else:
            pairs.append((path, value))
    return pairs


APPLICATION_SECTIONS = ("applicant", "household", "company", "cover", "disclosure", "consents")


def application_sections(application: Mapping[str, Any]) -> dict[str, Any]:
    """The application's parts in reading order; whatever else it holds (product, language, ...) last, as ``form``."""
    sections: dict[str, Any] = {
        name: application[name] for name in APPLICATION_SECTIONS if application.get(name) is not None
    }
    form = {name: value for name, value in application.items() if name not in APPLICATION_SECTIONS}
    if form:
        sections["form"] = form
    return sections


def contributions_table(contributions: Mapping[str, float]) -> pd.DataFrame:
    """The model's contributions, largest effect first."""
    rows = sorted(contributions.items(), key=lambda item: abs(item[1]), reverse=True)
    frame = pd.DataFrame(rows, columns=["Feature", "Contribution"])
    frame["Direction"] = ["raises risk" if value > 0 else "lowers risk" for value in frame["Contribution"]]
    return frame


def reviewers_table(reviewers: Iterable[ReviewerFigures]) -> pd.DataFrame:
    """Reviewers with agreement and handling time; near-total agreement with very short handling is flagged."""
    rows = [
        {
            "Flag": FLAG_MARK if reviewer.flagged else "",
            "Reviewer": reviewer.username,
            "Decided": reviewer.decided,
            "Agreement with the machine": (
                f"{reviewer.agreement_rate:.0%}" if reviewer.agreement_rate is not None else ""
            ),
            "Median handling time": handling_time(reviewer.median_handling_seconds),
        }
        for reviewer in reviewers
    ]
    return pd.DataFrame(
        rows, columns=["Flag", "Reviewer", "Decided", "Agreement with the machine", "Median handling time"]
    )


def flagged_style(row: pd.Series) -> list[str]:
    style = "background-color: #fff3cd; font-weight: 600" if row["Flag"] else ""
    return [style] * len(row)
