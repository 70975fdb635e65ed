"""The review dashboard's one entry file: page setup, the session's API client, navigation by role.

Run from the repository root:  ``UNDERWRITE_API_URL=http://127.0.0.1:8000 streamlit run review_ui/app.py``
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run` puts only this file's folder on the import path; the pages import the `review_ui` package.
_REPOSITORY = str(Path(__file__).resolve().parent.parent)
if _REPOSITORY not in sys.path:
    sys.path.insert(0, _REPOSITORY)

import streamlit as st  # noqa: E402

from review_ui.client import ApiError  # noqa: E402
from review_ui.models import Staff  # noqa: E402
from review_ui.session import EXPIRED, LOGIN_MESSAGE_KEY, current_api, end_session, session_over  # noqa: E402

ADMIN = "admin"
AUDITOR = "auditor"
PRIVACY = "privacy"


def pages_for(staff: Staff | None) -> dict[str, list[st.Page]]:
    """Only the login page until someone is logged in; the queue and cases for those who read cases; the automation
    switch (and the overview) for admins; privacy requests for the privacy officer (their only page) and auditors."""
    if staff is None:
        return {
            "": [st.Page("app_pages/login.py", title="Log in", icon=":material/login:", url_path="login", default=True)]
        }
    overview = st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", url_path="overview")
    if staff.role == ADMIN:  # an admin keeps accounts and the automation switch, and reads no cases or decisions
        automation = st.Page(
            "app_pages/automation.py", title="Automation", icon=":material/toggle_on:", url_path="automation"
        )
        return {"Administration": [automation], "Oversight": [overview]}
    if staff.role == PRIVACY:  # the privacy officer works data-subject requests, and reads no cases or decisions
        return {"Privacy": [privacy_page(default=True)]}
    oversight = [
        st.Page("app_pages/decisions.py", title="Decisions", icon=":material/search:", url_path="decisions"),
        overview,
    ]
    if staff.role == AUDITOR:
        oversight.append(privacy_page())
    return {
        "Work": [
            st.Page("app_pages/queue.py", title="Queue", icon=":material/inbox:", url_path="queue", default=True),
            st.Page(
                "app_pages/case.py", title="Case", icon=":material/description:", url_path="case", visibility="hidden"
            ),
        ],
        "Oversight": oversight,
    }


def privacy_page(*, default: bool = False) -> st.Page:
    return st.Page(
        "app_pages/privacy.py",
        title="Privacy requests",
        icon=":material/privacy_tip:",
        url_path="privacy",
        default=default,
    )


def sidebar(staff: Staff) -> None:
    with st.sidebar:
        st.markdown(f"**{staff.display_name}**  \n{staff.role.replace('_', ' ')} · `{staff.username}`")
        if st.button("Log out", key="logout"):
            try:
                current_api().logout()
            except ApiError as error:
                st.session_state[LOGIN_MESSAGE_KEY] = f"Logged out here; the server said: {error}"
            st.rerun()


def main() -> None:
    st.set_page_config(page_title="Underwriting review", page_icon="⚖️", layout="wide")
    api = current_api()
    if session_over(api):
        end_session(EXPIRED)
    page = st.navigation(pages_for(api.staff))
    if api.staff is not None:
        sidebar(api.staff)
    try:
        page.run()
    except ApiError as error:
        if not error.session_expired:
            st.error(str(error))
            return
        end_session(EXPIRED)
        st.rerun()


main()
