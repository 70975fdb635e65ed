"""What the Privacy requests page shows and offers, as pure functions: the clock's labels and colours, the tables, the
actions that fit a request's kind and state, the corrections typed as rows. No Streamlit, no I/O."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from review_ui.format import OVERDUE_MARK, due_text, local_time, value_text
from review_ui.models import PrivacyRequestDetail, PrivacyRequestSummary, ProcessingLimit

PRIVACY_ROLE = "privacy"  # the privacy officer: files and works requests
READER_ROLES = frozenset({PRIVACY_ROLE, "auditor"})  # auditors read, change nothing

OVERDUE = "overdue"
DUE_SOON = "due_soon"
ON_TIME = "on_time"
CLOSED = "closed"
CLOCK_MARKS = {OVERDUE: OVERDUE_MARK, DUE_SOON: "◔ due soon", ON_TIME: "on time", CLOSED: "closed"}
CLOCKS: list[str | None] = [None, OVERDUE, DUE_SOON, ON_TIME, CLOSED]
KINDS: list[str | None] = [None, "access", "portability", "rectification", "restriction", "erasure", "objection"]
FILE_KINDS = [kind for kind in KINDS if kind is not None]
SCOPES = ["processing", "marketing"]
SCOPE_LABELS = {
    "processing": "further processing (stops until weighed)",
    "marketing": "marketing (absolute, at once)",
}
VERIFICATION_METHODS = {
    "id_document_in_person": "ID document, in person",
    "id_document_copy": "copy of an ID document (photo and BSN unreadable)",
    "video_call": "video call",
    "call_back_known_number": "called back on a known number",
    "applicant_token": "showed the token of their decision",
}
LIMIT_KINDS = {
    "restriction": "restriction (stored, not used)",
    "no_further_processing": "no further processing (objection)",
    "no_marketing": "no marketing (objection)",
}
_STYLES = {
    OVERDUE: "background-color: #fde2e1; color: #8a1c12; font-weight: 600",
    DUE_SOON: "background-color: #fff3cd; color: #6b4e00; font-weight: 600",
}
REQUEST_COLUMNS = ["Clock", "Due", "Due in", "Kind", "State", "Received", "Extended", "Request"]


def clock_label(clock: str | None) -> str:
    """A clock state in words, with a mark for the two that need attention (never colour alone)."""
    if clock is None:
        return "any"
    return CLOCK_MARKS.get(clock, clock.replace("_", " "))


def any_label(value: str | None) -> str:
    return "any" if value is None else value.replace("_", " ")


def due_in(request: PrivacyRequestSummary, now: datetime) -> str:
    """How the deadline stands: ``overdue by 3 d``, ``due in 5 d``, or when the request was closed."""
    if request.clock == CLOSED:
        return f"closed {local_time(request.closed_at)}" if request.closed_at else "closed"
    return due_text(request.due_at, now)


def requests_table(requests: Iterable[PrivacyRequestSummary], now: datetime) -> pd.DataFrame:
    """The requests as the officer reads them: the clock's mark in the first column."""
    rows = [
        {
            "Clock": clock_label(request.clock),
            "Due": local_time(request.due_at),
            "Due in": due_in(request, now),
            "Kind": kind_text(request),
            "State": request.state,
            "Received": local_time(request.received_at),
            "Extended": "yes" if request.extended_at else "",
            "Request": request.id,
        }
        for request in requests
    ]
    return pd.DataFrame(rows, columns=REQUEST_COLUMNS)


def clock_style(row: pd.Series) -> list[str]:
    """Row style for a pandas Styler: overdue rows red, nearly overdue rows amber."""
    style = ""
    for clock, css in _STYLES.items():
        if row["Clock"] == CLOCK_MARKS[clock]:
            style = css
    return [style] * len(row)


def kind_text(request: PrivacyRequestSummary) -> str:
    """The kind, with an objection's scope (``objection (processing)``)."""
    scope = request.details.get("scope")
    return f"{request.kind} ({scope})" if request.kind == "objection" and scope else request.kind


def request_label(request: PrivacyRequestSummary, now: datetime) -> str:
    """How a request reads in the picker."""
    mark = CLOCK_MARKS[request.clock] + " · " if request.clock in (OVERDUE, DUE_SOON) else ""
    return f"{mark}{kind_text(request)} · {request.state} · {due_in(request, now)} · {request.id}"


@dataclass(frozen=True, slots=True)
class Actions:
    """What the privacy officer may do with one request now (auditors: nothing)."""

    extend: bool = False
    refuse: bool = False
    erase: bool = False
    weigh_objection: bool = False
    why_not_extend: str | None = None

    @property
    def any(self) -> bool:
        return self.extend or self.refuse or self.erase or self.weigh_objection


def actions_for(request: PrivacyRequestSummary, *, role: str) -> Actions:
    """The actions that fit the request's kind and state. An extension is allowed once, within the first month (the
    API's clock says so: an open request that was never extended is overdue exactly when that month has passed)."""
    if role != PRIVACY_ROLE or request.state != "open":
        return Actions()
    why_not_extend = None
    if request.extended_at is not None:
        why_not_extend = "Extended already: the law allows one extension of at most two months."
    elif request.clock == OVERDUE:
        why_not_extend = "No extension: it must be told to the applicant within the first month, which has passed."
    return Actions(
        extend=why_not_extend is None,
        refuse=True,
        erase=request.kind == "erasure",
        weigh_objection=request.kind == "objection" and request.details.get("scope") == "processing",
        why_not_extend=why_not_extend,
    )


def active_limits(limits: Iterable[ProcessingLimit]) -> list[ProcessingLimit]:
    return [limit for limit in limits if limit.lifted_at is None]


def limit_label(limit: ProcessingLimit) -> str:
    return f"{LIMIT_KINDS.get(limit.kind, limit.kind)} · since {local_time(limit.started_at)} · {limit.id}"


def limits_table(limits: Iterable[ProcessingLimit]) -> pd.DataFrame:
    rows = [
        {
            "Limit": LIMIT_KINDS.get(limit.kind, limit.kind),
            "In force": "lifted" if limit.lifted_at else "yes",
            "Since": local_time(limit.started_at),
            "Placed by": limit.started_by,
            "Lifted": local_time(limit.lifted_at),
            "Lifted by": limit.lifted_by or "",
            "Why lifted": limit.lift_reason or "",
            "Request": limit.request_id or "",
            "Id": limit.id,
        }
        for limit in limits
    ]
    columns = ["Limit", "In force", "Since", "Placed by", "Lifted", "Lifted by", "Why lifted", "Request", "Id"]
    return pd.DataFrame(rows, columns=columns)


def applications_table(request: PrivacyRequestDetail) -> pd.DataFrame:
    rows = [
        {"Application": application, "Named in the request": "yes" if application == request.application_id else ""}
        for application in request.applications
    ]
    return pd.DataFrame(rows, columns=["Application", "Named in the request"])


def filed_text(request: PrivacyRequestDetail) -> str:
    """Who filed the request and how the person's identity was verified."""
    if request.channel == "applicant":
        return "Filed by the applicant with the token of one of their decisions."
    verification = request.verification or {}
    method = VERIFICATION_METHODS.get(str(verification.get("method")), str(verification.get("method", "not recorded")))
    return f"Filed by `{request.filed_by}` on the person's behalf; identity verified by: {method}."


def result_lines(request: PrivacyRequestSummary) -> list[str]:
    """What was done, in sentences (ids, counts and reasons; no personal data)."""
    result = request.result or {}
    if not result:
        return []
    lines: list[str] = []
    if "export" in result:
        export = result["export"]
        formats = ", ".join(export.get("formats", []))
        lines.append(f"Export ready ({formats}) over {export.get('applications', 0)} application(s).")
    if "erased" in result:
        erased = result.get("erased") or []
        lines.append(f"Erased: {len(erased)} application(s){': ' + ', '.join(erased) if erased else ''}.")
        for hold in result.get("held") or []:
            reason = hold.get("reason") or {}
            text = (reason.get("en") or reason.get("nl") or "") if isinstance(reason, Mapping) else str(reason)
            until = f" (until {hold['until']})" if hold.get("until") else ""
            lines.append(
                f"Kept under a legal hold ({hold.get('kind', '')}): {hold.get('application_id')}{until}: {text}"
            )
        if result.get("already_erased"):
            lines.append(f"Erased before: {', '.join(result['already_erased'])}.")
    if "outcome" in result and "grounds" in result:
        verb = "processing continues on compelling grounds" if result["outcome"] == "continued" else "upheld"
        lines.append(f"Objection {verb}: {result['grounds']}")
    elif "decision_id" in result:
        lines.append(
            f"Decided again: application {result.get('application_id')} (replacing {result.get('supersedes')}), "
            f"decision {result['decision_id']}: {result.get('outcome')}."
        )
    if result.get("limit_id"):
        lines.append(f"Processing limit: {result['limit_id']}.")
    known = {"export", "erased", "removed", "held", "already_erased", "requests_cleared", "outcome", "grounds"}
    known |= {"decision_id", "application_id", "supersedes", "limit_id"}
    rest = {name: value for name, value in result.items() if name not in known}
    lines.extend(f"{name}: {value_text(value)}" for name, value in sorted(rest.items()))
    return lines


class CorrectionsError(ValueError):
    """A corrections row that is not ``field = value``; its message names the line."""


def parse_corrections(typed: str) -> list[dict[str, Any]]:
    """Corrections typed as rows, one ``field = value`` a line (``applicant.address.house_number = 114``). A value
    is read as JSON when it is JSON (``114``, ``true``, ``"12345678"`` for digits meant as text), else as text
    (``0612345679``, ``Amsterdam``); blank lines are skipped. The API checks fields and values and names the wrong
    one."""
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(typed.splitlines(), start=1):
        if not line.strip():
            continue
        field, equals, value = line.partition("=")
        if not equals or not field.strip():
            raise CorrectionsError(f"corrections, line {number}: write it as field = value")
        rows.append({"field": field.strip(), "value": _typed(value.strip())})
    return rows


def _typed(value: str) -> Any:
    try:
        return json.loads(value)
    except ValueError:
        return value


def refusal_text(status: int, message: str) -> str:
    """An API refusal in words: what to correct (422, with the field), or why the request's state does not allow it
    (409)."""
    if status == 422:
        return f"Please correct: {message}"
    if status == 409:
        return f"Not possible now: {message}"
    if status == 404:
        return "Not found: no such request, decision or application (check the number)."
    if status == 403:
        return f"Not allowed for your role: {message}"
    return f"Not done: {message}"
