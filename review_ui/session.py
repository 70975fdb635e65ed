"""The dashboard's hold on the API: one ``ReviewApi`` per browser session, built on first use, never at import.

Session-state keys used across pages live here: ``api`` (the client; tests put their own in), ``login_message`` (why
the reviewer is back at the login page).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import httpx
import streamlit as st

from review_ui.client import ApiError, ReviewApi
from review_ui.models import Staff

API_KEY = "api"
LOGIN_MESSAGE_KEY = "login_message"
API_URL_VARIABLE = "UNDERWRITE_API_URL"
DEFAULT_API_URL = "http://127.0.0.1:8000"
TIMEOUT = httpx.Timeout(15.0, connect=3.0)
EXPIRED = "Your session has ended. Please log in again."


def api_url() -> str:
    return os.environ.get(API_URL_VARIABLE, DEFAULT_API_URL).rstrip("/")


@st.cache_resource(show_spinner=False)
def shared_http(base_url: str) -> httpx.Client:
    """One connection pool per API address for all browser sessions (each session keeps its own token)."""
    return httpx.Client(base_url=base_url, timeout=TIMEOUT)


def current_api() -> ReviewApi:
    """The session's client: the one already in session state, or a new one for ``UNDERWRITE_API_URL``."""
    api = st.session_state.get(API_KEY)
    if not isinstance(api, ReviewApi):
        api = ReviewApi(shared_http(api_url()))
        st.session_state[API_KEY] = api
    return api


def current_staff() -> Staff:
    """The logged-in staff member (pages behind the login only)."""
    staff = current_api().staff
    if staff is None:
        raise ApiError(401, EXPIRED)
    return staff


def session_over(api: ReviewApi, now: datetime | None = None) -> bool:
    """True when the session's own end has passed (the server would refuse the token by now)."""
    return api.session is not None and api.session.expires_at <= (now or datetime.now(UTC))


def end_session(message: str | None) -> None:
    """Forget the token and say why on the login page."""
    current_api().forget_session()
    if message:
        st.session_state[LOGIN_MESSAGE_KEY] = message
