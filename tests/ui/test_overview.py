"""Overview page: queue figures, charts, and reviewers with a visible flag for near-total, very fast agreement."""

from __future__ import annotations

import pytest

from engine.review.roles import Role
from tests.ui.conftest import Backend
from tests.ui.support import chart_titles, dashboard, no_exception, table, texts

RATIONALE = "Checked the bureau letter and the claims register; agree with the machine's view on this one."
EXPLANATION = "A person looked at your application again and came to this decision."


@pytest.fixture
def settings_changes() -> dict[str, object]:
    return {"review_flag_min_decisions": 1}


def test_the_overview_shows_the_queue_and_flags_a_rubber_stamping_reviewer(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    backend.add_staff("ada", Role.AUDITOR)
    decided = backend.case_of(backend.submit("avp-referred-credit-arrears")["decision_id"])
    overdue = backend.case_of(backend.submit("avp-referred-prior-cancellation")["decision_id"])
    backend.make_overdue(overdue)
    backend.case_of(backend.submit("avb-referred-above-authority")["decision_id"])
    uma = backend.reviewer("uma")
    uma.claim(decided)
    machine = uma.case(decided).decision.advice
    uma.decide(decided, machine or "accepted", RATIONALE, EXPLANATION)
    auditor = backend.reviewer("ada")
    figures = auditor.overview(30)

    at = dashboard(auditor).switch_page("app_pages/overview.py").run()

    no_exception(at)
    said = texts(at)
    assert f"Open: {figures.queue.open}" in said
    assert f"Claimed: {figures.queue.claimed}" in said
    assert f"⚠ Overdue: {figures.queue.overdue}" in said
    assert figures.queue.open == 2 and figures.queue.overdue == 1
    assert chart_titles(at) == [
        "Open cases by age",
        "Human decisions that differ from the machine's view",
        "Outcomes per day",
    ]
    reviewers = table(at, "overview_reviewers")
    uma_row = reviewers[reviewers["Reviewer"] == "uma"].iloc[0]
    assert uma_row["Decided"] == 1
    assert uma_row["Agreement with the machine"] == "100%"
    assert uma_row["Flag"] == "⚑ check", "one quick decision agreeing with the machine, at a minimum of one"
    assert any("uma" in warning.value for warning in at.warning)
