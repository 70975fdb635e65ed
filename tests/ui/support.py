"""Helpers for the dashboard tests: start the dashboard with a client, read what a page says."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from review_ui.client import ReviewApi

APP = Path(__file__).resolve().parents[2] / "review_ui" / "app.py"


def dashboard(api: ReviewApi) -> AppTest:
    """The dashboard with ``api`` as its session's client, run once."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["api"] = api
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page says in words (titles, markdown, captions, alerts, metrics), to search in."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "text", "caption", "info", "warning", "error", "success"):
        parts.extend(str(element.value) for element in getattr(at, kind))
    parts.extend(f"{metric.label}: {metric.value}" for metric in at.metric)
    return "\n".join(parts)


def no_exception(at: AppTest) -> None:
    assert not at.exception, [exception.value for exception in at.exception]


def table(at: AppTest, key: str) -> pd.DataFrame:
    """The table the page shows under this name (``review_ui.widgets.table``)."""
    assert has_table(at, key), f"no table {key!r} on the page"
    frames = at.container(key).dataframe
    assert len(frames) == 1
    value: pd.DataFrame = frames[0].value
    return value


def has_table(at: AppTest, key: str) -> bool:
    return any(block.key == key for block in at.container)


def chart_titles(at: AppTest) -> list[str]:
    """The titles of the page's charts (Altair/Vega-Lite), in order."""
    return [str(json.loads(chart.proto.spec).get("title", "")) for chart in at.get("vega_lite_chart")]
