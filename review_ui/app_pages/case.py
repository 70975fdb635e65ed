"""One review case: everything the machine saw, the applicant's side, and the reviewer's actions."""

from __future__ import annotations

import streamlit as st

from review_ui import case_view, decision_view, widgets
from review_ui.client import ApiError
from review_ui.session import current_api

case_id = st.session_state.get(case_view.CASE_KEY)
if not case_id:
    st.title("Case")
    st.info("Open a case from the queue.")
    st.page_link("app_pages/queue.py", label="Go to the queue", icon="📥")
    st.stop()

api = current_api()
try:
    detail = api.case(case_id)
except ApiError as error:
    widgets.refusal(error)
    st.page_link("app_pages/queue.py", label="Back to the queue", icon="📥")
    st.stop()

case_view.show_flash()
case_view.header(detail)
case_view.claim_bar(api, detail)
case_view.statement(detail)
decision_view.full(detail.decision, "case", detail.check_details)
case_view.application(detail)
case_view.history(detail)
case_view.decision_forms(api, detail)
