"""The shipped examples are valid applications today and on any later day (their dates move with the calendar),
and the OpenAPI document offers them as request examples."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from fastapi import FastAPI

from engine.api.app import _openapi_with_examples
from engine.decision.core import decide
from engine.domain.application import check_dates
from engine.examples import EXAMPLES_AS_OF, dutch_today, example_names, load_example
from engine.policy import PolicyRegistry
from tests.factories import application

LATER_DAYS = [EXAMPLES_AS_OF, date(2027, 6, 2), date(2029, 2, 28), date(2032, 2, 29)]


@pytest.mark.parametrize("name", example_names())
@pytest.mark.parametrize("today", LATER_DAYS, ids=str)
def test_an_example_dated_for_any_day_is_plausible_and_decides_the_same(
    name: str, today: date, registry: PolicyRegistry
) -> None:
    original = application(load_example(name))
    dated = application(load_example(name, today=today))
    assert check_dates(dated, today=today) == []
    now = datetime.combine(today, time(12), tzinfo=UTC)
    then = datetime.combine(EXAMPLES_AS_OF, time(12), tzinfo=UTC)
    policy = registry.active(dated.product)
    assert decide(dated, policy=policy, now=now).outcome == decide(original, policy=policy, now=then).outcome


def test_the_files_themselves_are_dated_as_of_the_reference_day() -> None:
    for name in example_names():
        assert check_dates(application(load_example(name)), today=EXAMPLES_AS_OF) == []


def test_an_unknown_example_names_the_known_ones() -> None:
    with pytest.raises(FileNotFoundError, match="avp-accepted"):
        load_example("nope")


def test_openapi_offers_every_example_dated_for_today() -> None:
    app = FastAPI()

    @app.post("/v1/applications")
    def post(body: dict) -> dict:  # type: ignore[type-arg]
        return body

    schema = _openapi_with_examples(app)
    examples = schema["paths"]["/v1/applications"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert sorted(examples) == example_names()
    assert examples["avp-accepted"]["value"] == load_example("avp-accepted", today=dutch_today())
