"""Login page: logging in opens the queue; a wrong password, an ended session and logging out lead back to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from engine.review.roles import Role
from review_ui.client import ReviewApi
from tests.ui.conftest import PASSWORD, Backend
from tests.ui.support import dashboard, no_exception, texts


def log_in(backend: Backend, username: str, password: str) -> tuple[ReviewApi, AppTest]:
    api = ReviewApi(backend.client)
    at = dashboard(api)
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button(key="login_submit").click().run()
    return api, at


def test_only_the_login_page_before_logging_in(backend: Backend) -> None:
    at = dashboard(ReviewApi(backend.client))

    no_exception(at)
    assert [field.label for field in at.text_input] == ["Username", "Password"]
    assert [button.label for button in at.button] == ["Log in"]
    assert "Queue" not in texts(at)


def test_logging_in_opens_the_queue_and_names_the_reviewer(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER, "Uma Underwriter")

    api, at = log_in(backend, "uma", PASSWORD)

    no_exception(at)
    assert api.staff is not None and api.staff.username == "uma"
    assert at.title[0].value == "Queue"
    sidebar = "\n".join(str(element.value) for element in at.sidebar.markdown)
    assert "Uma Underwriter" in sidebar
    assert "underwriter" in sidebar
    assert "Username" not in [field.label for field in at.text_input], "the login form is gone"


def test_a_wrong_password_is_said_plainly_and_logs_nobody_in(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)

    api, at = log_in(backend, "uma", "not the password at all")

    no_exception(at)
    assert [error.value for error in at.error] == ["Wrong username or password."]
    assert api.session is None
    assert [field.label for field in at.text_input] == ["Username", "Password"]


def test_an_ended_session_goes_back_to_the_login_with_a_message(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    api = backend.reviewer("uma")
    at = dashboard(api)
    assert at.title[0].value == "Queue"
    assert api.session is not None
    ended = backend.client.delete(
        "/v1/staff/sessions/current", headers={"Authorization": f"Bearer {api.session.token}"}
    )
    assert ended.status_code == 204, ended.text

    at.run()

    no_exception(at)
    assert "Your session has ended. Please log in again." in [info.value for info in at.info]
    assert [field.label for field in at.text_input] == ["Username", "Password"]
    assert api.session is None


def test_a_session_past_its_end_goes_back_to_the_login_without_asking_the_server(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    api = backend.reviewer("uma")
    at = dashboard(api)
    assert at.title[0].value == "Queue"
    assert api.session is not None
    api.session = api.session.model_copy(update={"expires_at": datetime.now(UTC) - timedelta(seconds=1)})

    at.run()

    no_exception(at)
    assert "Your session has ended. Please log in again." in [info.value for info in at.info]
    assert [field.label for field in at.text_input] == ["Username", "Password"]


def test_logging_out_ends_the_session_on_the_server(backend: Backend) -> None:
    backend.add_staff("uma", Role.UNDERWRITER)
    api = backend.reviewer("uma")
    assert api.session is not None
    token = api.session.token
    at = dashboard(api)

    at.sidebar.button(key="logout").click().run()

    no_exception(at)
    assert [field.label for field in at.text_input] == ["Username", "Password"]
    me = backend.client.get("/v1/staff/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 401
