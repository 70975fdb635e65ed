"""Decisions page: search by id, outcome, basis, product and dates; read one decision in full."""

from __future__ import annotations

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from engine.review.roles import Role
from review_ui.client import ReviewApi
from tests.ui.conftest import Backend
from tests.ui.support import dashboard, has_table, no_exception, table, texts


def decisions_page(api: ReviewApi) -> AppTest:
    return dashboard(api).switch_page("app_pages/decisions.py").run()


def test_recent_decisions_are_listed_newest_first(backend: Backend) -> None:
    backend.add_staff("ada", Role.AUDITOR)
    first = backend.submit("avp-accepted")["decision_id"]
    second = backend.submit("avb-rejected-company-insolvent")["decision_id"]

    at = decisions_page(backend.reviewer("ada"))

    no_exception(at)
    assert list(table(at, "decisions_table")["Decision"]) == [second, first]
    assert "**2** decisions found" in texts(at)


def test_searching_by_outcome_and_product(backend: Backend) -> None:
    backend.add_staff("ada", Role.AUDITOR)
    backend.submit("avp-accepted")
    rejected = backend.submit("avb-rejected-company-insolvent")["decision_id"]
    backend.submit("avp-referred-credit-arrears")
    at = decisions_page(backend.reviewer("ada"))

    at.selectbox(key="decisions_outcome").set_value("rejected")
    at.selectbox(key="decisions_product").set_value("AVB")
    at.button(key="decisions_submit").click().run()

    no_exception(at)
    found = table(at, "decisions_table")
    assert list(found["Decision"]) == [rejected]
    assert list(found["Outcome"]) == ["rejected"]


def test_a_period_without_decisions_finds_none(backend: Backend) -> None:
    backend.add_staff("ada", Role.AUDITOR)
    backend.submit("avp-accepted")
    at = decisions_page(backend.reviewer("ada"))
    shown = at.date_input(key="decisions_period").value
    assert isinstance(shown, tuple) and len(shown) == 2, "the period is a range, the last 30 days to start with"
    assert shown[1] - shown[0] == timedelta(days=30)
    long_ago = shown[0] - timedelta(days=400)

    at.date_input(key="decisions_period").set_value((long_ago, long_ago + timedelta(days=7)))
    at.button(key="decisions_submit").click().run()

    no_exception(at)
    assert "**0** decisions found" in texts(at)
    assert not has_table(at, "decisions_table")


def test_searching_by_id_opens_that_decision(backend: Backend) -> None:
    backend.add_staff("ada", Role.AUDITOR)
    backend.submit("avp-accepted")
    rejected = backend.submit("avp-rejected-claims")["decision_id"]
    at = decisions_page(backend.reviewer("ada"))

    at.text_input(key="decisions_id").input(rejected)
    at.button(key="decisions_submit").click().run()

    no_exception(at)
    assert list(table(at, "decisions_table")["Decision"]) == [rejected]
    assert f"Decision {rejected}" in texts(at)
    assert "Outcome: rejected" in texts(at)
    assert "CLAIMS_FREQUENCY_HIGH" in list(table(at, "decision_reasons")["Reason"])
    assert "CLAIMS_FREQUENCY_HIGH" in list(table(at, "decision_rules")["Rule"])
    assert len(table(at, "decision_checks")) == 6
