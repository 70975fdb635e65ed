"""The work queue: filter, see what is overdue, open a case."""

from __future__ import annotations

import streamlit as st

from review_ui import queue_view
from review_ui.case_view import CASE_KEY
from review_ui.session import current_api

st.title("Queue")
chosen = queue_view.filters()
page = current_api().cases(**queue_view.query(chosen))
opened = queue_view.table(page)
if opened is not None:
    st.session_state[CASE_KEY] = opened
    st.switch_page("app_pages/case.py")
