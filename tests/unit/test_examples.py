"""The shipped examples are valid, and the ones in the OpenAPI document are the same as the files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.domain.application import AVB_EXAMPLE, AVP_EXAMPLE
from tests.factories import application

EXAMPLES = Path(__file__).resolve().parents[2] / "data" / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.name)
def test_example_is_a_valid_application(path: Path) -> None:
    body = json.loads(path.read_text())
    assert application(body).product.value == body["product"]


def test_openapi_examples_are_the_shipped_files() -> None:
    assert json.loads((EXAMPLES / "avp-accepted.json").read_text()) == AVP_EXAMPLE
    assert json.loads((EXAMPLES / "avb-accepted.json").read_text()) == AVB_EXAMPLE
