"""Fixtures for the provider tests: a real register server on 127.0.0.1, fresh for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.providers.server import RegisterServer


@pytest.fixture
def server() -> Iterator[RegisterServer]:
    with RegisterServer() as running:
        yield running
