"""The queue at a glance, what was decided how, and how each reviewer decides."""

from __future__ import annotations

import streamlit as st

from review_ui import charts, widgets
from review_ui.format import FLAG_MARK, flagged_style, reviewers_table
from review_ui.session import current_api

st.title("Overview")
days = st.select_slider("Period (days)", options=[7, 14, 30, 60, 90], value=30, key="overview_days")
overview = current_api().overview(days)

queue = overview.queue
open_column, claimed_column, overdue_column = st.columns(3)
open_column.metric("Open", queue.open)
claimed_column.metric("Claimed", queue.claimed)
overdue_column.metric("⚠ Overdue", queue.overdue)

left, right = st.columns(2)
left.altair_chart(charts.age_chart(queue.age))
if overview.overrides_per_day:
    right.altair_chart(charts.overrides_chart(overview.overrides_per_day))
else:
    right.caption(f"No human decision differed from the machine's view in the last {days} days.")
st.altair_chart(charts.outcomes_chart(overview.outcomes_per_day))

st.subheader("Reviewers")
flagged = [reviewer.username for reviewer in overview.reviewers if reviewer.flagged]
if flagged:
    st.warning(
        f"{FLAG_MARK}: {', '.join(flagged)}. Near-total agreement with the machine at very short handling times: "
        "look at a sample of these decisions, a human decision must be a real one.",
        icon="🚩",
    )
if overview.reviewers:
    widgets.table(reviewers_table(overview.reviewers).style.apply(flagged_style, axis=1), "overview_reviewers")
else:
    st.caption(f"No human decisions in the last {days} days.")
