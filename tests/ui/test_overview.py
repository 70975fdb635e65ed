"""Overview page: queue figures, charts, and reviewers with a visible flag for near-total, very fast agreement."""

from __future__ import annotations

import pytest

from engine.review.roles import Role
from review_ui.client import ReviewApi
from tests.ui.conftest import Backend
from tests.ui.support import chart_titles, dashboard, no_exception, table, texts

RATIONALE = "Checked the bureau letter and the claims register; my view on this application is recorded here."
EXPLANATION = "A person looked at your application again and came to this decision."


@pytest.fixture
def settings_changes() -> dict[str, object]:
    return {"review_flag_min_decisions": 1}  # one quick decision that agrees with the machine is enough to flag


def decide(api: ReviewApi, case_id: str, *, agree: bool) -> None:
    api.claim(case_id)
    advice = api.case(case_id).decision.advice
    assert advice == "accepted", "an objection leaves the machine's view as advice"
    api.decide(case_id, advice if agree else "rejected", RATIONALE, EXPLANATION)


def test_the_overview_shows_the_queue_and_flags_a_rubber_stamping_reviewer(backend: Backend) -> None:
    for username, role in (("uma", Role.UNDERWRITER), ("sam", Role.SENIOR_UNDERWRITER), ("ada", Role.AUDITOR)):
        backend.add_staff(username, role)
    agreed, overridden = (
        backend.case_of(backend.submit("avp-objects-to-automated-decision")["decision_id"]) for _ in range(2)
    )
    decide(backend.reviewer("uma"), agreed, agree=True)
    decide(backend.reviewer("sam"), overridden, agree=False)
    backend.make_overdue(backend.case_of(backend.submit("avp-referred-credit-arrears")["decision_id"]))
    backend.case_of(backend.submit("avb-referred-above-authority")["decision_id"])

    at = dashboard(backend.reviewer("ada")).switch_page("app_pages/overview.py").run()

    no_exception(at)
    said = texts(at)
    assert "Open: 2" in said
    assert "Claimed: 0" in said
    assert "⚠ Overdue: 1" in said
    assert chart_titles(at) == [
        "Open cases by age",
        "Human decisions that differ from the machine's view",
        "Outcomes per day",
    ]
    reviewers = table(at, "overview_reviewers").set_index("Reviewer")
    assert reviewers.loc["uma", ["Flag", "Decided", "Agreement with the machine"]].tolist() == ["⚑ check", 1, "100%"]
    assert reviewers.loc["sam", ["Flag", "Decided", "Agreement with the machine"]].tolist() == ["", 1, "0%"]
    assert all(reviewers["Median handling time"])
    flags = [warning.value for warning in at.warning if "⚑" in warning.value]
    assert len(flags) == 1 and flags[0].startswith("⚑ check: uma. Near-total agreement"), flags


def test_a_quiet_period_says_so_instead_of_drawing_empty_charts(backend: Backend) -> None:
    backend.add_staff("ada", Role.AUDITOR)

    at = dashboard(backend.reviewer("ada")).switch_page("app_pages/overview.py").run()

    no_exception(at)
    assert "Open: 0" in texts(at)
    assert "No human decision differed from the machine's view in the last 30 days." in texts(at)
    assert "No human decisions in the last 30 days." in texts(at)
    assert "Human decisions that differ from the machine's view" not in chart_titles(at)
