"""Search recorded decisions and read one in full."""

from __future__ import annotations

from datetime import datetime

import streamlit as st

from review_ui import decision_view, decisions_view, widgets
from review_ui.client import ApiError
from review_ui.format import LOCAL_TIME
from review_ui.session import current_api

st.title("Decisions")
api = current_api()
search = decisions_view.search_form(datetime.now(LOCAL_TIME).date())
opened = decisions_view.results(api.decisions(**decisions_view.query(search)))
if opened is not None:
    st.divider()
    st.header(f"Decision {opened}")
    try:
        decision = api.decision(opened)
    except ApiError as error:
        widgets.refusal(error)
    else:
        decision_view.summary(decision)
        decision_view.full(decision, "decision")
