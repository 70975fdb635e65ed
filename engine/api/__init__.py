"""The HTTP API (FastAPI) for form clients, under /v1."""
