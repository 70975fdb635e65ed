"""The Decisions page's search form and result list, kept out of the page file."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import streamlit as st

from review_ui import widgets
from review_ui.format import decisions_table, local_time
from review_ui.models import DecisionPage

FILTERS_KEY = "decisions_filters"
OPEN_KEY = "decisions_open_id"
OUTCOMES = [None, "accepted", "rejected", "referred"]
BASES = [None, "automated", "human"]
PRODUCTS = [None, "AVP", "AVB"]


def _any(value: str | None) -> str:
    return "any" if value is None else value


def search_form(today: date) -> dict[str, Any]:
    """The search; the last submitted one is kept in ``decisions_filters``."""
    saved: dict[str, Any] = st.session_state.get(FILTERS_KEY) or {
        "date_from": today - timedelta(days=30),
        "date_to": today,
    }
    with st.form("decisions_search"):
        first, second = st.columns(2)
        decision_id = first.text_input(
            "Decision or application id", value=saved.get("decision_id") or "", key="decisions_id"
        )
        period = second.date_input(
            "Decided between",
            value=[saved["date_from"], saved["date_to"]] if saved.get("date_from") else [],
            key="decisions_period",
        )
        columns = st.columns(3)
        outcome = columns[0].selectbox(
            "Outcome", OUTCOMES, OUTCOMES.index(saved.get("outcome")), format_func=_any, key="decisions_outcome"
        )
        basis = columns[1].selectbox(
            "Basis", BASES, BASES.index(saved.get("basis")), format_func=_any, key="decisions_basis"
        )
        product = columns[2].selectbox(
            "Product", PRODUCTS, PRODUCTS.index(saved.get("product")), format_func=_any, key="decisions_product"
        )
        if st.form_submit_button("Search", key="decisions_submit", type="primary"):
            dates = list(period) if isinstance(period, list | tuple) else [period]
            saved = {
                "decision_id": decision_id.strip() or None,
                "date_from": dates[0] if dates else None,
                "date_to": dates[-1] if dates else None,
                "outcome": outcome,
                "basis": basis,
                "product": product,
            }
            st.session_state[FILTERS_KEY] = saved
            st.session_state.pop(OPEN_KEY, None)
    return saved


def query(saved: dict[str, Any]) -> dict[str, Any]:
    """The search as arguments of ``ReviewApi.decisions``; an id alone ignores the dates."""
    if saved.get("decision_id"):
        return {"decision_id": saved["decision_id"]}
    return {name: value for name, value in saved.items() if value is not None}


def results(page: DecisionPage) -> str | None:
    """The decisions found, and a picker for the one to read in full; its id, once picked."""
    st.markdown(f"**{page.total}** decision{'s' if page.total != 1 else ''} found")
    if not page.items:
        return None
    widgets.table(decisions_table(page.items), "decisions_table")
    labels = {
        item.id: f"{local_time(item.decided_at)} · {item.product} · {item.outcome} ({item.basis}) · {item.id}"
        for item in page.items
    }
    if len(page.items) == 1:
        st.session_state[OPEN_KEY] = page.items[0].id
    current = st.session_state.get(OPEN_KEY)
    with st.form("decisions_open_form", border=False):
        chosen = st.selectbox(
            "Decision to read",
            list(labels),
            index=list(labels).index(current) if current in labels else 0,
            format_func=labels.__getitem__,
            key="decisions_pick",
        )
        if st.form_submit_button("Show decision", key="decisions_show"):
            st.session_state[OPEN_KEY] = chosen
    opened = st.session_state.get(OPEN_KEY)
    return opened if isinstance(opened, str) else None
