"""The review dashboard for underwriters and auditors: a Streamlit client of the staff API (no database access)."""
