"""Small Streamlit building blocks shared by the pages."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from review_ui.client import ApiError


def table(data: pd.DataFrame | Styler, key: str) -> None:
    """A read-only table inside a container named ``key``, so tests (``AppTest.container(key)``) and browser tests
    (CSS class ``st-key-<key>``) find it by name."""
    with st.container(key=key):
        st.dataframe(data, hide_index=True)


def refusal(error: ApiError) -> None:
    """An action or read the API refused, said on the page; an ended session goes up to the entry file, which
    returns to the login page."""
    if error.session_expired:
        raise error
    st.error(f"Not done: {error}")
