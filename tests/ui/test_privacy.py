"""Privacy requests page: the legal clock stands out (overdue red, due soon amber, both in words), the filters reach
the API, and the privacy officer files on someone's behalf, extends, refuses, erases, weighs an objection and lifts a
limit; an auditor reads without action buttons, an underwriter does not get the page. The API's clock is moved to
file requests in the past, then set back to the real time the dashboard reads."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from engine.review.roles import Role
from review_ui import privacy_view as view
from review_ui.client import ApiError, ReviewApi
from review_ui.models import PrivacyRequestDetail, PrivacyRequestSummary
from tests.ui.conftest import PASSWORD, Backend
from tests.ui.support import APP, dashboard, no_exception, table, texts

ACTION_BUTTONS = {
    "privacy_file",
    "privacy_extend",
    "privacy_refuse",
    "privacy_erase",
    "privacy_objection",
    "privacy_lift",
}
REASON = "Your data sit with two insurers whom we must ask first."


class Clock:
    """The API's time: a set moment, or the real time when ``now`` is None."""

    def __init__(self) -> None:
        self.now: datetime | None = None

    def __call__(self) -> datetime:
        return self.now or datetime.now(UTC)


@pytest.fixture
def clock(backend: Backend) -> Iterator[Clock]:
    services = backend.client.app.state.services  # type: ignore[attr-defined]
    before = services.clock
    clock = Clock()
    services.clock = clock
    yield clock
    services.clock = before


def file(backend: Backend, decision: dict[str, Any], **body: Any) -> str:
    """The applicant files a request with the token of their decision; its id."""
    response = backend.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/privacy-requests",
        json=body,
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )
    assert response.status_code == 202, response.text
    request_id: str = response.json()["id"]
    return request_id


@pytest.fixture
def scene(backend: Backend, clock: Clock) -> dict[str, Any]:
    """Three people's requests: Gerrit's erasure overdue, Pieter's objection to further processing due in days,
    Sanne's erasure on time and her access request completed."""
    backend.add_staff("pia", Role.PRIVACY)
    decisions = {
        name: backend.submit(example)
        for name, example in (
            ("sanne", "avp-rejected-claims"),  # rejected: no insurance file keeps her data
            ("gerrit", "avp-referred-credit-arrears"),
            ("pieter", "avb-accepted"),
        )
    }
    now = datetime.now(UTC)
    clock.now = now - timedelta(days=40)
    overdue = file(backend, decisions["gerrit"], kind="erasure")
    clock.now = now - timedelta(days=27)
    soon = file(backend, decisions["pieter"], kind="objection", scope="processing")
    clock.now = None
    on_time = file(backend, decisions["sanne"], kind="erasure")
    access = file(backend, decisions["sanne"], kind="access")
    return {"overdue": overdue, "soon": soon, "on_time": on_time, "access": access, "decisions": decisions}


def privacy_page(api: ReviewApi, request_id: str | None = None) -> AppTest:
    """The Privacy requests page, with ``request_id`` open."""
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.session_state["api"] = api
    if request_id is not None:
        at.session_state["privacy_request_id"] = request_id
    at.run()
    if not at.title or at.title[0].value != "Privacy requests":
        at.switch_page("app_pages/privacy.py").run()
    return at


def buttons(at: AppTest) -> set[str]:
    return {str(button.key) for button in at.button if button.key}


def errors(at: AppTest) -> list[str]:
    """The refusals on the page (not the clock's own alerts)."""
    return [str(error.value) for error in at.error if not str(error.value).startswith("⚠")]


def alerts(at: AppTest) -> list[str]:
    return [str(alert.value) for alert in [*at.error, *at.warning]]


def test_the_list_puts_overdue_and_due_soon_first_marked_in_words(backend: Backend, scene: dict[str, Any]) -> None:
    at = dashboard(backend.reviewer("pia"))  # the privacy officer's default (and only) page

    no_exception(at)
    assert at.title[0].value == "Privacy requests"
    listed = table(at, "privacy_table")
    assert list(listed["Request"]) == [scene["overdue"], scene["soon"], scene["on_time"], scene["access"]]
    assert list(listed["Clock"]) == ["⚠ overdue", "◔ due soon", "on time", "closed"]
    assert list(listed["Kind"]) == ["erasure", "objection (processing)", "erasure", "access"]
    assert listed.iloc[0]["Due in"].startswith("overdue by ")
    said = texts(at)
    assert "Open: 3" in said and "◔ due soon: 1" in said and "⚠ overdue: 1" in said
    assert any(alert.startswith("⚠ 1 overdue") for alert in alerts(at))
    assert any(alert.startswith("◔ 1 due soon") for alert in alerts(at))
    with pytest.raises(ValueError, match=r"queue\.py"):
        at.switch_page("app_pages/queue.py")  # the privacy officer reads no cases


def test_overdue_rows_are_red_and_due_soon_rows_amber() -> None:
    frame = pd.DataFrame({"Clock": ["⚠ overdue", "◔ due soon", "on time", "closed"], "Request": ["a", "b", "c", "d"]})

    styles = [view.clock_style(row)[0] for _, row in frame.iterrows()]

    assert "#fde2e1" in styles[0] and "#fff3cd" in styles[1] and styles[2:] == ["", ""]


def test_the_filters_narrow_the_list_but_not_the_counts(backend: Backend, scene: dict[str, Any]) -> None:
    at = dashboard(backend.reviewer("pia"))

    at.selectbox(key="privacy_clock").set_value("overdue").run()
    no_exception(at)
    assert list(table(at, "privacy_table")["Request"]) == [scene["overdue"]]
    assert "Open: 3" in texts(at)

    at.selectbox(key="privacy_clock").set_value(None)
    at.selectbox(key="privacy_kind").set_value("erasure").run()
    no_exception(at)
    assert list(table(at, "privacy_table")["Request"]) == [scene["overdue"], scene["on_time"]]
    assert at.session_state["privacy_filters"] == {"clock": None, "kind": "erasure"}


def test_opening_a_request_shows_its_clock_events_applications_and_limits(
    backend: Backend, scene: dict[str, Any]
) -> None:
    at = dashboard(backend.reviewer("pia"))

    at.selectbox(key="privacy_open_request").set_value(scene["soon"])
    at.button(key="privacy_open").click().run()

    no_exception(at)
    assert at.header[0].value == "Objection (processing) request · open"
    assert any(alert.startswith("◔ Due soon") for alert in alerts(at))
    assert "Clock: ◔ due soon" in texts(at)
    assert "filed" in list(table(at, "privacy_events")["What"])
    pieter = scene["decisions"]["pieter"]["application_id"]
    assert list(table(at, "privacy_applications")["Application"]) == [pieter]
    limits = table(at, "privacy_limits")
    assert list(limits["Limit"]) == ["no further processing (objection)"] and list(limits["In force"]) == ["yes"]
    assert {"privacy_objection", "privacy_extend", "privacy_refuse"} <= buttons(at)
    assert "privacy_lift" not in buttons(at)  # its own limit ends by weighing the objection, not around it
    assert "privacy_erase" not in buttons(at)  # an erasure only for an erasure request


def test_filing_on_someones_behalf_names_a_wrong_field_then_files(backend: Backend, scene: dict[str, Any]) -> None:
    sanne = scene["decisions"]["sanne"]
    at = dashboard(backend.reviewer("pia"))
    at.text_input(key="privacy_file_reference").input(sanne["decision_id"])
    at.selectbox(key="privacy_file_kind").set_value("rectification")
    at.text_area(key="privacy_file_corrections").input('product = "AVB"')
    at.button(key="privacy_file").click().run()
    assert errors(at) == ["Please correct: say how the person's identity was verified."]

    at.selectbox(key="privacy_file_verification").set_value("video_call")
    at.button(key="privacy_file").click().run()
    no_exception(at)
    assert len(errors(at)) == 1 and errors(at)[0].startswith("Please correct: corrections.0.field: ")

    at.text_area(key="privacy_file_corrections").input("applicant.address.house_number = 114")
    at.button(key="privacy_file").click().run()

    no_exception(at)
    assert not errors(at)
    filed = at.session_state["privacy_request_id"]
    assert str(at.success[0].value).startswith(f"Filed: rectification request `{filed}`")
    assert at.header[0].value == "Rectification request · completed"
    said = texts(at)
    assert "identity verified by: video call" in said
    assert "Decided again: application " in said
    corrections = table(at, "privacy_corrections")
    assert corrections.to_dict("records") == [{"Field": "applicant.address.house_number", "Value": "114"}]


def test_extending_needs_reasons_and_is_offered_once(backend: Backend, scene: dict[str, Any]) -> None:
    at = privacy_page(backend.reviewer("pia"), scene["soon"])
    at.text_area(key="privacy_extend_reason").input("busy")
    at.button(key="privacy_extend").click().run()
    assert errors(at) == [
        "Please correct: reason: give the reasons in at least 20 characters; the applicant reads them"
    ]

    at.text_area(key="privacy_extend_reason").input(REASON)
    at.radio(key="privacy_extend_months").set_value(1)
    at.button(key="privacy_extend").click().run()

    no_exception(at)
    assert "Extended by 1 month." in [str(success.value) for success in at.success]
    said = texts(at)
    assert REASON in said  # shown to the officer, and in what the applicant was told
    assert "Extended already" in said
    assert "privacy_extend" not in buttons(at) and "privacy_refuse" in buttons(at)
    assert table(at, "privacy_table").set_index("Request").loc[scene["soon"], "Extended"] == "yes"


class ColleagueFirst(ReviewApi):
    """A dashboard client whose extension loses a race: a colleague extends the request just before it does."""

    def __init__(self, backend: Backend) -> None:
        super().__init__(backend.client)
        self.colleague = backend.reviewer("pia")
        self.login("pia", PASSWORD)

    def extend_privacy_request(self, request_id: str, reason: str, months: int) -> PrivacyRequestDetail:
        self.colleague.extend_privacy_request(request_id, REASON, 2)
        return super().extend_privacy_request(request_id, reason, months)


def test_an_extension_that_loses_a_race_is_refused_in_words(backend: Backend, scene: dict[str, Any]) -> None:
    at = privacy_page(ColleagueFirst(backend), scene["soon"])

    at.text_area(key="privacy_extend_reason").input("We need the copies two insurers hold of your data.")
    at.button(key="privacy_extend").click().run()

    no_exception(at)
    assert errors(at) == [
        "Not possible now: the request was extended already; the law allows one extension of at most two months"
    ]


def test_no_extension_is_offered_after_the_first_month(backend: Backend, scene: dict[str, Any]) -> None:
    at = privacy_page(backend.reviewer("pia"), scene["overdue"])

    no_exception(at)
    assert any(alert.startswith("⚠ Overdue: the answer was due") for alert in alerts(at))
    assert "privacy_extend" not in buttons(at) and {"privacy_erase", "privacy_refuse"} <= buttons(at)
    assert "the first month, which has passed" in texts(at)


def test_refusing_gives_reasons_and_the_right_to_complain(backend: Backend, scene: dict[str, Any]) -> None:
    at = privacy_page(backend.reviewer("pia"), scene["on_time"])
    reason = "The request repeats one we answered last week, so it is manifestly unfounded."

    at.text_area(key="privacy_refuse_reason").input(reason)
    at.button(key="privacy_refuse").click().run()

    no_exception(at)
    assert at.header[0].value == "Erasure request · refused"
    assert reason in texts(at)
    assert any("Autoriteit Persoonsgegevens" in str(info.value) for info in at.info)
    assert not buttons(at) & ACTION_BUTTONS - {"privacy_file"}  # closed: nothing left to do


def test_carrying_out_an_erasure_asks_to_confirm_then_erases(backend: Backend, scene: dict[str, Any]) -> None:
    at = privacy_page(backend.reviewer("pia"), scene["on_time"])
    at.button(key="privacy_erase").click().run()
    assert errors(at) == ["Please confirm first: tick “This cannot be undone”."]

    at.checkbox(key="privacy_erase_confirm").check()
    at.button(key="privacy_erase").click().run()

    no_exception(at)
    assert "The erasure was carried out." in [str(success.value) for success in at.success]
    assert at.header[0].value == "Erasure request · completed"
    assert f"Erased: 1 application(s): {scene['decisions']['sanne']['application_id']}." in texts(at)
    assert "privacy_erase" not in buttons(at)


def test_upholding_an_objection_then_lifting_its_limit(backend: Backend, scene: dict[str, Any]) -> None:
    at = privacy_page(backend.reviewer("pia"), scene["soon"])
    at.text_area(key="privacy_grounds").input("No compelling grounds outweigh the objection.")
    at.button(key="privacy_objection").click().run()
    no_exception(at)
    assert "The objection is upheld." in [str(success.value) for success in at.success]
    assert "Objection upheld: No compelling grounds" in texts(at)

    at.text_area(key="privacy_lift_reason").input("short")
    at.button(key="privacy_lift").click().run()
    assert errors(at)[0].startswith("Please correct: reason: ")
    at.text_area(key="privacy_lift_reason").input("The person withdrew the objection in writing.")
    at.button(key="privacy_lift").click().run()

    no_exception(at)
    limits = table(at, "privacy_limits")
    assert list(limits["In force"]) == ["lifted"] and list(limits["Lifted by"]) != [""]
    assert "privacy_lift" not in buttons(at)


def test_an_auditor_reads_and_downloads_but_sees_no_action_buttons(backend: Backend, scene: dict[str, Any]) -> None:
    backend.add_staff("ada", Role.AUDITOR)
    at = privacy_page(backend.reviewer("ada"), scene["on_time"])

    no_exception(at)
    assert len(table(at, "privacy_table")) == 4
    assert at.header[0].value == "Erasure request · open"
    assert not buttons(at) & ACTION_BUTTONS
    assert "Read-only: the privacy officer acts on requests." in texts(at)

    at.radio(key="privacy_export_format").set_value("csv")
    at.button(key="privacy_export_prepare").click().run()

    no_exception(at)
    downloads = at.get("download_button")
    assert len(downloads) == 1
    assert downloads[0].proto.label.startswith("Download my-data-") and downloads[0].proto.label.endswith(".zip")


def test_an_underwriter_does_not_get_the_page(backend: Backend, scene: dict[str, Any]) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    api = backend.reviewer("uma")
    at = dashboard(api)

    no_exception(at)
    with pytest.raises(ValueError, match=r"privacy\.py"):
        at.switch_page("app_pages/privacy.py")
    with pytest.raises(ApiError) as refused:
        api.privacy_requests()
    assert refused.value.status == 403


@pytest.mark.parametrize(
    ("typed", "rows"),
    [
        ("applicant.address.house_number = 114", [{"field": "applicant.address.house_number", "value": 114}]),
        ("applicant.phone = 0612345679", [{"field": "applicant.phone", "value": "0612345679"}]),
        ('company.kvk_number = "12345678"\n\n', [{"field": "company.kvk_number", "value": "12345678"}]),
        ("disclosure.insolvency = false", [{"field": "disclosure.insolvency", "value": False}]),
        ("applicant.city = Den Haag", [{"field": "applicant.city", "value": "Den Haag"}]),
        ("", []),
    ],
)
def test_corrections_are_typed_as_field_value_rows(typed: str, rows: list[dict[str, Any]]) -> None:
    assert view.parse_corrections(typed) == rows


def test_a_corrections_row_without_a_field_names_its_line() -> None:
    with pytest.raises(view.CorrectionsError, match="line 2"):
        view.parse_corrections("applicant.phone = 0612345679\njust a value")


def _summary(**changes: Any) -> PrivacyRequestSummary:
    now = datetime.now(UTC)
    base: dict[str, Any] = {
        "id": "r",
        "kind": "erasure",
        "state": "open",
        "clock": "on_time",
        "received_at": now,
        "due_at": now + timedelta(days=30),
    }
    return PrivacyRequestSummary.model_validate(base | changes)


@pytest.mark.parametrize(
    ("changes", "role", "expected"),
    [
        ({}, "privacy", (True, True, True, False)),
        ({"kind": "access", "state": "completed", "clock": "closed"}, "privacy", (False, False, False, False)),
        ({"clock": "overdue"}, "privacy", (False, True, True, False)),
        ({"extended_at": datetime.now(UTC), "clock": "due_soon"}, "privacy", (False, True, True, False)),
        ({"kind": "objection", "details": {"scope": "processing"}}, "privacy", (True, True, False, True)),
        ({"kind": "objection", "details": {"scope": "processing"}}, "auditor", (False, False, False, False)),
    ],
)
def test_the_actions_fit_the_kind_state_and_role(
    changes: dict[str, Any], role: str, expected: tuple[bool, bool, bool, bool]
) -> None:
    allowed = view.actions_for(_summary(**changes), role=role)
    assert (allowed.extend, allowed.refuse, allowed.erase, allowed.weigh_objection) == expected
