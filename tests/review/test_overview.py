"""The dashboard's figures: the queue, outcomes per day (automated and human), overrides per day, and per reviewer
the agreement with the machine and the handling time, flagging what may be a rubber stamp."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, text

from engine.review.roles import Role, Route
from tests.api.support import example
from tests.conftest import Api
from tests.review.support import ACCEPTANCE, REJECTION, World, case_row, engine_of, new_member, set_case, submitted

# Flag a reviewer from two decisions on (the default needs ten).
WORLD_SETTINGS = {"review_flag_min_decisions": 2}


def _contest_and_decide(world: World, name: str, member: Any, body: dict[str, Any]) -> str:
    decision = world.submit(example(name))
    answer = world.client.post(
        f"/v1/applicant/decisions/{decision['decision_id']}/review-requests",
        json={"statement": "Graag door een mens."},
        headers={"X-Applicant-Token": decision["applicant_token"]},
    )
    assert answer.status_code == 202, answer.text
    case_id: str = answer.json()["case_id"]
    assert world.client.post(f"/v1/staff/cases/{case_id}/claim", headers=member.headers).status_code == 200
    decided = world.client.post(f"/v1/staff/cases/{case_id}/decision", json=body, headers=member.headers)
    assert decided.status_code == 201, decided.text
    return case_id


def _held_for(engine: Engine, case_id: str, *, seconds: float) -> None:
    """Make a decided case's holder have claimed it ``seconds`` before their decision."""
    decided_at = case_row(engine, id=case_id)["decided_at"]
    set_case(engine, case_id, claimed_at=decided_at - timedelta(seconds=seconds))


@pytest.fixture(scope="module")
def overview(world: World) -> dict[str, Any]:
    """Decisions by four reviewers and a queue of three, then the overview as the auditor sees it."""
    quick, slow = world.staff[Role.UNDERWRITER], world.other_underwriter
    senior, fraud = world.staff[Role.SENIOR_UNDERWRITER], world.staff[Role.FRAUD]
    # quick: agrees with the machine twice, at once (though others held the cases for a quarter of an hour before:
    # that time is not quick's)
    for _ in range(2):
        case_id = _contest_and_decide(world, "avp-accepted", quick, ACCEPTANCE)
        set_case(world.engine, case_id, handling_seconds=900.0)
    # slow: agrees twice too, but takes ten minutes from their claim to their decision
    for _ in range(2):
        case_id = _contest_and_decide(world, "avp-accepted", slow, ACCEPTANCE)
        _held_for(world.engine, case_id, seconds=600)
    # senior: overturns a knockout (an override)
    _contest_and_decide(world, "avp-rejected-claims", senior, ACCEPTANCE | {"conditions": {"deductible_eur": 250}})
    # fraud: two quick rejections of referrals, where the machine had no view to agree with
    for _ in range(2):
        case = world.claimed_case(Route.FRAUD)
        decided = world.client.post(f"/v1/staff/cases/{case['id']}/decision", json=REJECTION, headers=fraud.headers)
        assert decided.status_code == 201, decided.text
    # the queue: one overdue case opened two days ago, one claimed today, one opened ten days ago
    now = datetime.now(UTC)
    overdue = world.new_case(Route.UNDERWRITING)
    set_case(world.engine, overdue["id"], opened_at=now - timedelta(days=2), due_at=now - timedelta(hours=1))
    world.claimed_case(Route.UNDERWRITING, Role.UNDERWRITER)
    old = world.new_case(Route.SENIOR_UNDERWRITING)
    set_case(world.engine, old["id"], opened_at=now - timedelta(days=10))

    answer = world.client.get("/v1/staff/overview", headers=world.headers(Role.AUDITOR))
    assert answer.status_code == 200, answer.text
    figures: dict[str, Any] = answer.json()
    return figures


def test_queue_figures(overview: dict[str, Any]) -> None:
    assert overview["queue"] == {
        "open": 2,
        "claimed": 1,
        "overdue": 1,
        "by_route": {"underwriting": 2, "senior_underwriting": 1},
        "by_reason": {"referred": 3},
        "age": [
            {"bucket": "<1d", "count": 1},
            {"bucket": "1-3d", "count": 1},
            {"bucket": "3-5d", "count": 0},
            {"bucket": ">5d", "count": 1},
        ],
    }


def test_outcomes_per_day_of_both_bases(overview: dict[str, Any]) -> None:
    today = datetime.now(UTC).date().isoformat()
    assert sorted((row["day"], row["basis"], row["outcome"], row["count"]) for row in overview["outcomes_per_day"]) == [
        (today, "automated", "accepted", 4),
        (today, "automated", "referred", 5),  # two fraud, two underwriting, one senior
        (today, "automated", "rejected", 1),
        (today, "human", "accepted", 5),
        (today, "human", "rejected", 2),
    ]


def test_overrides_per_day(overview: dict[str, Any]) -> None:
    today = datetime.now(UTC).date().isoformat()
    assert overview["overrides_per_day"] == [{"day": today, "count": 1}]  # the senior's acceptance over a knockout


def test_reviewer_figures_and_the_rubber_stamp_flag(world: World, overview: dict[str, Any]) -> None:
    figures = {row["username"]: row for row in overview["reviewers"]}
    quick, slow = world.staff[Role.UNDERWRITER].username, world.other_underwriter.username
    senior, fraud = world.staff[Role.SENIOR_UNDERWRITER].username, world.staff[Role.FRAUD].username
    assert set(figures) == {quick, slow, senior, fraud}
    assert [row["username"] for row in overview["reviewers"]] == sorted(figures)

    assert (figures[quick]["decided"], figures[quick]["agreement_rate"]) == (2, 1.0)
    assert figures[quick]["median_handling_seconds"] < 60
    assert figures[quick]["flagged"] is True  # always agrees, at once: a possible rubber stamp

    assert (figures[slow]["decided"], figures[slow]["agreement_rate"]) == (2, 1.0)
    assert figures[slow]["median_handling_seconds"] == 600.0
    assert figures[slow]["flagged"] is False  # agrees, but takes the time

    assert (figures[senior]["decided"], figures[senior]["agreement_rate"], figures[senior]["flagged"]) == (
        1,
        0.0,
        False,
    )

    assert (figures[fraud]["decided"], figures[fraud]["agreement_rate"]) == (2, None)  # no machine view to agree with
    assert figures[fraud]["flagged"] is False


def test_every_role_sees_the_overview(world: World, overview: dict[str, Any]) -> None:
    for member in world.staff.values():
        answer = world.client.get("/v1/staff/overview", headers=member.headers)
        assert answer.status_code == 200, (member.role, answer.text)
        assert answer.json()["queue"] == overview["queue"]


def test_handling_time_is_the_deciders_own_not_the_time_others_held_the_case(api: Api) -> None:
    """A held a case for an hour and gave it back; B claimed it and decided within four minutes. B's handling time is
    B's four minutes (from B's claim to B's decision), not the hour and four minutes the case spent in hands; A
    decided nothing and is not a reviewer in the figures."""
    engine = engine_of(api)
    first, second = new_member(api, Role.UNDERWRITER), new_member(api, Role.SENIOR_UNDERWRITER)
    decision = submitted(api, example("avp-referred-prior-cancellation"))
    case_id = case_row(engine, decision_id=decision["decision_id"])["id"]
    assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=first.headers).status_code == 200
    set_case(engine, case_id, claimed_at=datetime.now(UTC) - timedelta(hours=1))
    returned = api.client.post(
        f"/v1/staff/cases/{case_id}/return", json={"note": "Off sick; back to the queue."}, headers=first.headers
    )
    assert returned.status_code == 200, returned.text
    assert case_row(engine, id=case_id)["handling_seconds"] >= 3600

    assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=second.headers).status_code == 200
    set_case(engine, case_id, claimed_at=datetime.now(UTC) - timedelta(seconds=240))
    decided = api.client.post(f"/v1/staff/cases/{case_id}/decision", json=REJECTION, headers=second.headers)
    assert decided.status_code == 201, decided.text
    case = case_row(engine, id=case_id)
    assert case["handling_seconds"] >= 3600 + 240  # the case's own figure still adds up every claim

    figures = api.client.get("/v1/staff/overview", headers=first.headers).json()

    assert [row["username"] for row in figures["reviewers"]] == [second.username]
    [row] = figures["reviewers"]
    assert row["decided"] == 1
    assert 240 <= row["median_handling_seconds"] < 300, row


def _database_time_zone_not_on_the_utc_date(api: Api) -> None:
    """On PostgreSQL, give the database a session time zone whose date today differs from the UTC date."""
    engine = engine_of(api)
    if engine.dialect.name != "postgresql":
        return
    zone = "Etc/GMT-14" if datetime.now(UTC).hour >= 12 else "Etc/GMT+12"  # UTC+14 late in the UTC day, else UTC-12
    with engine.connect() as connection:
        name = connection.execute(text("SELECT current_database()")).scalar_one()
        connection.execute(text(f"ALTER DATABASE {name} SET timezone TO '{zone}'"))
        connection.commit()
    engine.dispose()  # new connections take the database's time zone


def test_outcomes_per_day_are_utc_days_whatever_the_database_time_zone(api: Api) -> None:
    """The overview promises outcomes per day in UTC, like its overrides per day. A PostgreSQL server set to
    another time zone (Europe/Amsterdam is usual for a Dutch agency) must not move decisions to another day."""
    _database_time_zone_not_on_the_utc_date(api)
    decision = submitted(api, example("avp-referred-prior-cancellation"))
    engine = engine_of(api)
    case_id = case_row(engine, decision_id=decision["decision_id"])["id"]
    underwriter = new_member(api, Role.UNDERWRITER)
    assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=underwriter.headers).status_code == 200
    decided = api.client.post(f"/v1/staff/cases/{case_id}/decision", json=REJECTION, headers=underwriter.headers)
    assert decided.status_code == 201, decided.text

    figures = api.client.get("/v1/staff/overview", headers=underwriter.headers).json()

    today = datetime.now(UTC).date().isoformat()
    assert {(row["day"], row["basis"]) for row in figures["outcomes_per_day"]} == {
        (today, "automated"),
        (today, "human"),
    }
