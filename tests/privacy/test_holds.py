"""Legal holds: recorded ones hold until released or past their `until`; an active review case holds as an open
dispute; every hold carries a reason in Dutch and English."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.errors import Conflict, InvalidInput, NotFound
from engine.privacy.holds import HOLD_TEXTS, HoldKind, holds_on, list_holds, place_hold, release_hold, sanctions_until
from engine.store.database import Database
from tests.api.support import app_engine, example
from tests.conftest import Api
from tests.privacy.test_erasure import application_of, submit

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
TODAY = date(2026, 11, 25)


@pytest.fixture
def application_id(api: Api) -> str:
    return application_of(app_engine(api), submit(api, example("avp-accepted"))["decision_id"])


def test_a_recorded_hold_holds_until_released(api: Api, application_id: str) -> None:
    engine = app_engine(api)
    with engine.begin() as connection:
        hold = place_hold(
            connection, application_id=application_id, kind=HoldKind.OPEN_CLAIM, reason="claim 42", by="cl", now=NOW
        )
        held = holds_on(connection, [application_id, "other"], today=TODAY)
        assert list(held) == [application_id]
        assert held[application_id][0].reason == HOLD_TEXTS[HoldKind.OPEN_CLAIM]
        assert held[application_id][0].note == "claim 42" and not held[application_id][0].derived

        release_hold(connection, hold_id=hold["id"], by="cl", reason="settled", now=NOW)

        assert holds_on(connection, [application_id], today=TODAY) == {}
        assert list_holds(connection, application_id=application_id)[0]["release_reason"] == "settled"
        with pytest.raises(Conflict):
            release_hold(connection, hold_id=hold["id"], by="cl", reason="again", now=NOW)


@pytest.mark.parametrize(("until", "in_force"), [(date(2026, 11, 25), True), (date(2026, 11, 24), False)])
def test_a_hold_ends_after_its_last_day(api: Api, application_id: str, until: date, in_force: bool) -> None:
    with app_engine(api).begin() as connection:
        place_hold(
            connection,
            application_id=application_id,
            kind=HoldKind.OPEN_DISPUTE,
            reason="Kifid complaint",
            by="legal",
            now=NOW,
            until=until,
        )
        assert bool(holds_on(connection, [application_id], today=TODAY)) is in_force


def test_an_active_review_case_is_an_open_dispute(api: Api) -> None:
    engine = app_engine(api)
    referred = application_of(engine, submit(api, example("avp-referred-prior-cancellation"))["decision_id"])
    with engine.connect() as connection:
        held = holds_on(connection, [referred], today=TODAY)[referred]
    assert [(h.kind, h.derived) for h in held] == [(HoldKind.OPEN_DISPUTE, True)]
    assert "geschil" in held[0].reason.nl and "dispute" in held[0].reason.en


def test_bad_holds_are_refused(api: Api, application_id: str) -> None:
    with app_engine(api).begin() as connection:
        with pytest.raises(NotFound):
            place_hold(connection, application_id="nope", kind=HoldKind.OPEN_CLAIM, reason="x", by="a", now=NOW)
        with pytest.raises(InvalidInput):
            place_hold(connection, application_id=application_id, kind=HoldKind.OPEN_CLAIM, reason=" ", by="a", now=NOW)
        with pytest.raises(NotFound):
            release_hold(connection, hold_id="nope", by="a", reason="x", now=NOW)


def test_sanctions_records_are_kept_five_years_after_the_regime_ends() -> None:
    assert sanctions_until(date(2020, 3, 1)) == date(2025, 3, 1)
    assert sanctions_until(date(2024, 2, 29)) == date(2029, 2, 28)


def test_no_applications_no_holds(db: Database) -> None:
    with db.engine.connect() as connection:
        assert holds_on(connection, [], today=TODAY) == {}
