"""Underwriting engine for Dutch liability insurance with recorded, explainable decisions and human review."""

__version__ = "0.1.0"
