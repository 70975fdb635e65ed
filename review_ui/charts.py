"""The dashboard's charts, built with Altair from the API's figures (pure: no Streamlit, no I/O)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import altair as alt
import pandas as pd

from review_ui.models import AgeBucket, OutcomeCount, OverrideCount

AGE_ORDER = ["<1d", "1-3d", "3-5d", ">5d"]


def contributions_chart(contributions: Mapping[str, float]) -> alt.Chart:
    """What moved the model's score: one horizontal bar per feature, red raises the risk, green lowers it."""
    frame = pd.DataFrame(sorted(contributions.items(), key=lambda item: item[1]), columns=["feature", "contribution"])
    chart: alt.Chart = (
        alt.Chart(frame, title="What moved the score")
        .mark_bar()
        .encode(
            x=alt.X("contribution:Q", title="contribution"),
            y=alt.Y("feature:N", sort="-x", title=None),
            color=alt.condition("datum.contribution > 0", alt.value("#c0392b"), alt.value("#1e8449")),
            tooltip=[alt.Tooltip("feature:N"), alt.Tooltip("contribution:Q", format="+.3f")],
        )
    )
    return chart


def age_chart(buckets: Iterable[AgeBucket]) -> alt.Chart:
    frame = pd.DataFrame(
        [{"age": bucket.bucket, "cases": bucket.count} for bucket in buckets], columns=["age", "cases"]
    )
    chart: alt.Chart = (
        alt.Chart(frame, title="Open cases by age")
        .mark_bar()
        .encode(
            x=alt.X("age:N", sort=AGE_ORDER, title="age"),
            y=alt.Y("cases:Q", title="cases", axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[alt.Tooltip("age:N"), alt.Tooltip("cases:Q")],
        )
    )
    return chart


def outcomes_chart(counts: Iterable[OutcomeCount]) -> alt.Chart:
    """Decisions per day, one stacked bar a day, a segment per basis and outcome (``human: accepted``, ...)."""
    frame = pd.DataFrame(
        [
            {"day": count.day.isoformat(), "decided as": f"{count.basis}: {count.outcome}", "decisions": count.count}
            for count in counts
        ],
        columns=["day", "decided as", "decisions"],
    )
    chart: alt.Chart = (
        alt.Chart(frame, title="Outcomes per day")
        .mark_bar()
        .encode(
            x=alt.X("day:O", title="day"),
            y=alt.Y("sum(decisions):Q", title="decisions", axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("decided as:N", title="basis: outcome"),
            tooltip=[alt.Tooltip("day:O"), alt.Tooltip("decided as:N"), alt.Tooltip("decisions:Q")],
        )
    )
    return chart


def overrides_chart(counts: Iterable[OverrideCount]) -> alt.Chart:
    frame = pd.DataFrame(
        [{"day": count.day.isoformat(), "overrides": count.count} for count in counts], columns=["day", "overrides"]
    )
    chart: alt.Chart = (
        alt.Chart(frame, title="Human decisions that differ from the machine's view")
        .mark_line(point=True)
        .encode(
            x=alt.X("day:O", title="day"),
            y=alt.Y("overrides:Q", title="overrides", axis=alt.Axis(tickMinStep=1, format="d")),
            tooltip=[alt.Tooltip("day:O"), alt.Tooltip("overrides:Q")],
        )
    )
    return chart
