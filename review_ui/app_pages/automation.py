"""Admins only: whether each product is decided automatically, and the switch to suspend or resume that."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from review_ui import widgets
from review_ui.client import ApiError
from review_ui.format import local_time
from review_ui.session import current_api, current_staff

ALL = "all products"
FLASH_KEY = "automation_flash"

st.title("Automation")
if current_staff().role != "admin":
    st.error("Only an admin may switch automated decisions on or off.")
    st.stop()

api = current_api()
message = st.session_state.pop(FLASH_KEY, None)
if message:
    st.success(message)
status = api.automation()

columns = st.columns(max(1, len(status.products)))
for column, (product, state) in zip(columns, sorted(status.products.items()), strict=False):
    column.metric(product, "automated" if state.automated else "suspended: a person decides")
if status.suspensions:
    st.subheader("Suspensions in force")
    rows = [
        {
            "Product": suspension.product or ALL,
            "Reason": suspension.reason,
            "By": suspension.suspended_by or "",
            "Since": local_time(suspension.suspended_at),
        }
        for suspension in status.suspensions
    ]
    widgets.table(pd.DataFrame(rows, columns=["Product", "Reason", "By", "Since"]), "automation_suspensions")

with st.form("automation_form"):
    product = st.selectbox("Product", [ALL, *sorted(status.products)], key="automation_product")
    reason = st.text_area("Reason (recorded)", key="automation_reason")
    suspend_column, resume_column = st.columns(2)
    suspend = suspend_column.form_submit_button("Suspend automation", key="automation_suspend")
    resume = resume_column.form_submit_button("Resume automation", key="automation_resume")

if suspend or resume:
    target = None if product == ALL else product
    try:
        if suspend:
            api.suspend(target, reason.strip())
        else:
            api.resume(target, reason.strip())
    except ApiError as error:
        widgets.refusal(error)
    else:
        st.session_state[FLASH_KEY] = f"Automation {'suspended' if suspend else 'resumed'} for {product}."
        st.rerun()
