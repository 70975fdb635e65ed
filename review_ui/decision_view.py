"""One decision as a reviewer or auditor reads it: reasons, checks, rules, the model's score, the human review.

Shared by the Case page (the decision a case is about) and the Decisions page (any decision).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from review_ui import format as fmt
from review_ui import widgets
from review_ui.charts import contributions_chart
from review_ui.models import DecisionDetail


def summary(decision: DecisionDetail) -> None:
    columns = st.columns(4)
    columns[0].metric("Outcome", decision.outcome)
    columns[1].metric("Basis", decision.basis)
    columns[2].metric("Product", decision.product)
    columns[3].metric("Decided", fmt.local_time(decision.decided_at))
    policy = f"policy {decision.policy.version}" if decision.policy else "no policy recorded"
    model = f" · model {decision.score.model.version}" if decision.score else ""
    replaces = f" · replaces `{decision.replaces_id}`" if decision.replaces_id else ""
    st.caption(f"Decision `{decision.id}` · application `{decision.application_id}` · {policy}{model}{replaces}")


def reasons(decision: DecisionDetail, prefix: str) -> None:
    st.subheader("Reasons")
    advice = f" · the machine advises **{decision.advice}**" if decision.advice else ""
    st.markdown(f"Outcome **{decision.outcome}** ({decision.basis}){advice}")
    if decision.reasons:
        widgets.table(fmt.reasons_table(decision.reasons), f"{prefix}_reasons")
    else:
        st.caption("No reasons.")


def checks(decision: DecisionDetail, prefix: str, details: Mapping[str, Any] | None = None) -> None:
    """Every check result, and what lies behind each check as far as the caller's role may see."""
    st.subheader("Checks")
    if not decision.checks:
        st.caption("No checks ran for this decision.")
    else:
        widgets.table(fmt.checks_table(decision.checks), f"{prefix}_checks")
    for name, found in (details or {}).items():
        with st.expander(f"What lies behind the {name} check"):
            st.json(found)


def rules(decision: DecisionDetail, prefix: str) -> None:
    policy = f" (policy {decision.policy.version})" if decision.policy else ""
    st.subheader(f"Rules{policy}")
    if decision.rules:
        widgets.table(fmt.rules_table(decision.rules), f"{prefix}_rules")
    else:
        st.caption("No rules were evaluated.")


def score(decision: DecisionDetail, prefix: str) -> None:
    """The model's estimate and what moved it; nothing when no model scored the decision."""
    if decision.score is None:
        return
    st.subheader("Risk model")
    st.metric(
        "Estimated probability of a bad outcome",
        f"{decision.score.probability:.1%}",
        help=f"model {decision.score.model.version}",
    )
    if decision.score.factors:
        st.markdown("**Main reasons** (compared with the average applicant)")
        for factor in decision.score.factors:
            arrow = "↑ raises" if factor.effect == "raises" else "↓ lowers"
            st.text(f"{arrow} ({factor.contribution:+.2f}) {factor.feature}: {factor.text.get('en', '')}")
    if decision.score.counterfactual is not None:
        change = decision.score.counterfactual
        changes = ", ".join(f"{name} → {value:,}" for name, value in change.changes.items())
        st.info(f"Counterfactual (verified by deciding again): {changes} gives {change.outcome}.")
    if decision.score.contributions:
        st.altair_chart(contributions_chart(decision.score.contributions))
        widgets.table(fmt.contributions_table(decision.score.contributions), f"{prefix}_contributions")


def review(decision: DecisionDetail) -> None:
    if decision.review is None:
        return
    st.subheader("Human review")
    role = f" ({decision.review.role.replace('_', ' ')})" if decision.review.role else ""
    st.markdown(f"**{decision.review.reviewer}**{role}, case `{decision.review.case_id}`")
    st.text(decision.review.rationale)  # free text: never rendered as Markdown
    if decision.review.conditions:
        st.markdown(f"Conditions: {fmt.facts_text(decision.review.conditions)}")


def full(decision: DecisionDetail, prefix: str, details: Mapping[str, Any] | None = None) -> None:
    """Everything about one decision, in reading order; ``prefix`` names its tables (``case``, ``decision``)."""
    reasons(decision, prefix)
    checks(decision, prefix, details)
    rules(decision, prefix)
    score(decision, prefix)
    review(decision)
