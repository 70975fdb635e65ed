"""The queue's filters and table: what the Queue page shows, kept out of the page file."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import streamlit as st

from review_ui import widgets
from review_ui.format import case_label, overdue_style, queue_table
from review_ui.models import CasePage

FILTERS_KEY = "queue_filters"
PAGE_KEY = "queue_page_number"
PAGE_SIZE = 100
REASONS = [None, "referred", "contested", "objected"]
PRODUCTS = [None, "AVP", "AVB"]
ROUTES = [None, "underwriting", "senior_underwriting", "compliance", "fraud"]
DUE = [None, "overdue", "today", "week"]
STATES = ["active", "open", "claimed", "decided"]
DUE_LABELS = {None: "any time", "overdue": "overdue", "today": "due today", "week": "due this week"}


def _any(value: str | None) -> str:
    return "any" if value is None else value.replace("_", " ")


def reason_code(typed: str) -> str | None:
    """A reason code as reviewers may type it (``credit arrears``) in the API's form (``CREDIT_ARREARS``)."""
    code = "_".join(typed.strip().upper().replace("-", " ").split())
    return code or None


def filters() -> dict[str, Any]:
    """The filter widgets; their values are kept in ``queue_filters`` for the next visit."""
    saved: dict[str, Any] = st.session_state.get(FILTERS_KEY, {})
    columns = st.columns([3, 4, 2, 4, 3, 3, 2])
    chosen: dict[str, Any] = {
        "reason": columns[0].selectbox(
            "Reason", REASONS, index=REASONS.index(saved.get("reason")), format_func=_any, key="queue_reason"
        ),
        "code": reason_code(
            columns[1].text_input(
                "Reason code", value=saved.get("code") or "", placeholder="e.g. CREDIT_ARREARS", key="queue_code"
            )
        ),
        "product": columns[2].selectbox(
            "Product", PRODUCTS, index=PRODUCTS.index(saved.get("product")), format_func=_any, key="queue_product"
        ),
        "route": columns[3].selectbox(
            "Route", ROUTES, index=ROUTES.index(saved.get("route")), format_func=_any, key="queue_route"
        ),
        "due": columns[4].selectbox(
            "Due", DUE, index=DUE.index(saved.get("due")), format_func=DUE_LABELS.__getitem__, key="queue_due"
        ),
        "state": columns[5].selectbox(
            "State", STATES, index=STATES.index(saved.get("state", "active")), key="queue_state"
        ),
        "mine": columns[6].checkbox("Only mine", value=bool(saved.get("mine")), key="queue_mine"),
    }
    st.session_state[FILTERS_KEY] = chosen
    return chosen


def query(chosen: dict[str, Any]) -> dict[str, Any]:
    """The filters and the page as arguments of ``ReviewApi.cases``."""
    arguments = {name: value for name, value in chosen.items() if value is not None and name != "mine"}
    if chosen.get("mine"):
        arguments["mine"] = True
    page_number = int(st.session_state.get(PAGE_KEY, 1))
    return arguments | {"limit": PAGE_SIZE, "offset": (page_number - 1) * PAGE_SIZE}


def pager(page: CasePage) -> None:
    """Which page of the queue to show, when it has more than one (read by :func:`query` on the next run)."""
    pages = math.ceil(page.total / PAGE_SIZE)
    if pages <= 1:
        return
    number = st.number_input(f"Page (of {pages})", min_value=1, max_value=pages, step=1, key=PAGE_KEY)
    first = (int(number) - 1) * PAGE_SIZE + 1
    st.caption(f"Cases {first}–{first + len(page.items) - 1} of {page.total}, the soonest due first.")


def table(page: CasePage) -> str | None:
    """Counts, the queue table with overdue rows marked, and the case picker; the case to open, if asked."""
    now = datetime.now(UTC)
    first, second, third = st.columns(3)
    first.metric("Cases", page.total)
    second.metric("⚠ Overdue", page.overdue)
    third.metric("Shown", len(page.items))
    if page.overdue:
        st.warning(f"⚠ {page.overdue} overdue", icon="⏰")
    if not page.items and page.total and st.session_state.get(PAGE_KEY, 1) != 1:
        st.session_state[PAGE_KEY] = 1  # the filters changed under a later page: back to the first
        st.rerun()
    if not page.items:
        st.info("No cases match these filters.")
        return None
    frame = queue_table(page.items, now)
    widgets.table(frame.style.apply(overdue_style, axis=1), "queue_table")
    pager(page)
    labels = {case.id: case_label(case, now) for case in page.items}
    with st.form("queue_open_form", border=False):
        case_id = st.selectbox("Case to open", list(labels), format_func=labels.__getitem__, key="queue_open_case")
        if st.form_submit_button("Open case", key="queue_open", type="primary"):
            return case_id
    return None
