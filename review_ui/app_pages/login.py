"""Log in with a staff account; says plainly why when it fails or when a session has ended."""

from __future__ import annotations

import streamlit as st

from review_ui.client import ApiError
from review_ui.session import LOGIN_MESSAGE_KEY, current_api

st.title("Underwriting review")

message = st.session_state.pop(LOGIN_MESSAGE_KEY, None)
if message:
    st.info(message)

with st.form("login_form"):
    username = st.text_input("Username", key="login_username", autocomplete="username")
    password = st.text_input("Password", type="password", key="login_password", autocomplete="current-password")
    submitted = st.form_submit_button("Log in", key="login_submit", type="primary")

if submitted:
    if not username.strip() or not password:
        st.error("Enter your username and password.")
    else:
        try:
            current_api().login(username.strip(), password)
        except ApiError as error:
            if error.status == 401:
                st.error("Wrong username or password.")
            elif error.status == 429:
                st.error(f"Too many attempts; wait a moment and try again. ({error})")
            else:
                st.error(f"Could not log in: {error}")
        else:
            st.rerun()
