"""Routers, one per user of the API."""
