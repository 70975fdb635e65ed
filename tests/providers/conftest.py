"""Fixtures for the provider tests: a real register server on 127.0.0.1, fresh for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog

from tests.providers.server import RegisterServer


@pytest.fixture(autouse=True)
def _default_logging() -> None:
    """An app started by an earlier test configures structlog with a level filter; these tests read the logs."""
    structlog.reset_defaults()


@pytest.fixture
def server() -> Iterator[RegisterServer]:
    with RegisterServer() as running:
        yield running
