"""Queue page: the filters reach the API, overdue cases stand out and are counted, a case opens on the Case page."""

from __future__ import annotations

import pytest

from engine.review.roles import Role
from tests.ui.conftest import Backend
from tests.ui.support import dashboard, no_exception, table, texts


@pytest.fixture
def scene(backend: Backend) -> dict[str, str]:
    """Three open cases: an overdue AVP referral, an AVB referral above authority, an AVP objection."""
    backend.add_staff("uma", Role.UNDERWRITER)
    backend.add_staff("sam", Role.SENIOR_UNDERWRITER)
    cases = {
        name: backend.case_of(backend.submit(name)["decision_id"])
        for name in ("avp-referred-credit-arrears", "avb-referred-above-authority", "avp-objects-to-automated-decision")
    }
    backend.make_overdue(cases["avp-referred-credit-arrears"])
    return cases


def test_the_queue_lists_every_open_case_and_marks_the_overdue_one(backend: Backend, scene: dict[str, str]) -> None:
    at = dashboard(backend.reviewer("uma"))

    no_exception(at)
    queue = table(at, "queue_table")
    assert sorted(queue["Case"]) == sorted(scene.values())
    marked = queue[queue["Overdue"] == "⚠ overdue"]
    assert list(marked["Case"]) == [scene["avp-referred-credit-arrears"]]
    assert "⚠ Overdue: 1" in texts(at)
    assert "⚠ 1 overdue" in [warning.value for warning in at.warning]
    assert list(queue.columns[:9]) == [
        "Overdue", "Due", "Due in", "Product", "Reason", "Route", "State", "Holder", "Reason codes"
    ]  # fmt: skip
    overdue_row = marked.iloc[0]
    assert overdue_row["Product"] == "AVP"
    assert overdue_row["Reason"] == "referred"
    assert "CREDIT_ARREARS" in overdue_row["Reason codes"]


@pytest.mark.parametrize(
    ("widget", "value", "expected"),
    [
        ("queue_product", "AVB", ["avb-referred-above-authority"]),
        ("queue_due", "overdue", ["avp-referred-credit-arrears"]),
        ("queue_reason", "objected", ["avp-objects-to-automated-decision"]),
        ("queue_route", "senior_underwriting", ["avb-referred-above-authority"]),
        ("queue_state", "claimed", []),
    ],
)
def test_each_filter_narrows_the_queue(
    backend: Backend, scene: dict[str, str], widget: str, value: str, expected: list[str]
) -> None:
    at = dashboard(backend.reviewer("uma"))

    at.selectbox(key=widget).set_value(value).run()

    no_exception(at)
    shown = sorted(table(at, "queue_table")["Case"]) if expected else []
    assert shown == sorted(scene[name] for name in expected)
    if not expected:
        assert "No cases match these filters." in texts(at)
    assert at.session_state["queue_filters"][widget.removeprefix("queue_")] == value


def test_a_reason_code_typed_loosely_finds_the_cases_with_that_reason(backend: Backend, scene: dict[str, str]) -> None:
    at = dashboard(backend.reviewer("uma"))

    at.text_input(key="queue_code").input("authority limit exceeded").run()

    no_exception(at)
    queue = table(at, "queue_table")
    assert list(queue["Case"]) == [scene["avb-referred-above-authority"]]
    assert at.session_state["queue_filters"]["code"] == "AUTHORITY_LIMIT_EXCEEDED"


def test_only_mine_shows_the_cases_i_hold(backend: Backend, scene: dict[str, str]) -> None:
    api = backend.reviewer("uma")
    api.claim(scene["avp-objects-to-automated-decision"])
    at = dashboard(api)

    at.checkbox(key="queue_mine").check().run()

    no_exception(at)
    queue = table(at, "queue_table")
    assert list(queue["Case"]) == [scene["avp-objects-to-automated-decision"]]
    assert list(queue["Holder"]) == ["uma"]
    assert list(queue["State"]) == ["claimed"]


def test_opening_a_case_switches_to_the_case_page(backend: Backend, scene: dict[str, str]) -> None:
    at = dashboard(backend.reviewer("uma"))
    case_id = scene["avb-referred-above-authority"]

    at.selectbox(key="queue_open_case").set_value(case_id)
    at.button(key="queue_open").click().run()

    no_exception(at)
    assert at.session_state["case_id"] == case_id
    assert at.title[0].value == "Case AVB · referred"
    assert case_id in texts(at)


def test_a_queue_longer_than_a_page_is_paged(
    backend: Backend, scene: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from review_ui import queue_view

    monkeypatch.setattr(queue_view, "PAGE_SIZE", 2)
    at = dashboard(backend.reviewer("uma"))
    first = list(table(at, "queue_table")["Case"])
    assert len(first) == 2
    assert "Cases 1–2 of 3, the soonest due first." in [caption.value for caption in at.caption]

    at.number_input(key="queue_page_number").set_value(2).run()

    no_exception(at)
    second = list(table(at, "queue_table")["Case"])
    assert len(second) == 1
    assert sorted(first + second) == sorted(scene.values())
