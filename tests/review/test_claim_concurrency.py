"""Claiming is atomic on SQLite and PostgreSQL: of two reviewers claiming the same case at the same moment, from two
processes (here: two independent `Database` objects, each with its own engine and single writer), exactly one gets
it and the other gets a conflict."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from engine.config import Settings
from engine.errors import Conflict
from engine.review.cases import claim_case
from engine.review.intake import ReviewRules
from engine.review.roles import Role
from engine.review.staff import StaffMember, create_staff
from engine.store.database import Database
from tests.api.support import example
from tests.conftest import STAFF_PASSWORD, Api
from tests.review.support import case_row, engine_of, events_of, new_member, submitted

ROUNDS = 20
RULES = ReviewRules()


@pytest.fixture
def two_processes(settings: Settings, api: Api) -> Iterator[tuple[Database, Database]]:
    """Two writers on the database the app under test uses, independent of it and of each other."""
    first, second = Database.open(settings.database_url), Database.open(settings.database_url)
    yield first, second
    first.close()
    second.close()


def _members(database: Database) -> list[StaffMember]:
    with database.engine.begin() as connection:
        return [
            create_staff(
                connection,
                username=f"racer-{index}",
                display_name=f"Racer {index}",
                role=Role.UNDERWRITER,
                password=STAFF_PASSWORD,
                now=datetime.now(UTC),
            )
            for index in (1, 2)
        ]


def _race(databases: tuple[Database, Database], members: list[StaffMember], case_id: str) -> list[Any]:
    """Both claim at once (released together by a barrier); each outcome is the claimed case or the error."""
    barrier = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def claim(index: int) -> None:
        database, member = databases[index], members[index]

        def job(connection: Any) -> dict[str, Any]:
            return claim_case(connection, case_id=case_id, member=member, now=datetime.now(UTC), rules=RULES)

        barrier.wait(timeout=10)
        try:
            outcomes[index] = database.writer.write(job, timeout=30)
        except Exception as exc:  # the loser's Conflict, or anything unexpected (which fails the test)
            outcomes[index] = exc

    threads = [threading.Thread(target=claim, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_processes_claiming_the_same_case_exactly_one_wins(
    api: Api, two_processes: tuple[Database, Database]
) -> None:
    members = _members(two_processes[0])
    engine = two_processes[0].engine
    winners = []
    for _ in range(ROUNDS):
        decision = submitted(api, example("avp-referred-prior-cancellation"))
        case_id = case_row(engine, decision_id=decision["decision_id"])["id"]

        outcomes = _race(two_processes, members, case_id)

        won = [index for index, outcome in enumerate(outcomes) if isinstance(outcome, dict)]
        lost = [index for index, outcome in enumerate(outcomes) if isinstance(outcome, Conflict)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        winner = members[won[0]]
        assert "already claimed by " + winner.username in str(outcomes[lost[0]])
        row = case_row(engine, id=case_id)
        assert (row["state"], row["claimed_by"], row["version"]) == ("claimed", winner.id, 2)
        claims = [event for event in events_of(engine, case_id) if event["kind"] == "claimed"]
        assert [event["actor"] for event in claims] == [winner.username]
        winners.append(winner.username)
    assert len(winners) == ROUNDS


def test_two_underwriters_claiming_through_the_api_one_gets_409(api: Api) -> None:
    decision = submitted(api, example("avp-referred-prior-cancellation"))
    engine = engine_of(api)
    case_id = case_row(engine, decision_id=decision["decision_id"])["id"]
    first, second = new_member(api, Role.UNDERWRITER), new_member(api, Role.UNDERWRITER)
    barrier = threading.Barrier(2)
    answers: dict[str, Any] = {}

    def claim(member: Any) -> None:
        barrier.wait(timeout=10)
        answers[member.username] = api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=member.headers)

    threads = [threading.Thread(target=claim, args=(member,)) for member in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(answer.status_code for answer in answers.values()) == [200, 409]
    [winner] = [name for name, answer in answers.items() if answer.status_code == 200]
    [loser] = [answer for answer in answers.values() if answer.status_code == 409]
    assert winner in loser.json()["detail"]
    row = case_row(engine, id=case_id)
    assert row["claimed_by"] == (first if winner == first.username else second).id
    # The winner clicking again keeps it; the loser trying again still gets 409.
    again = {first.username: first, second.username: second}
    assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=again[winner].headers).status_code == 200
    other = next(member for name, member in again.items() if name != winner)
    assert api.client.post(f"/v1/staff/cases/{case_id}/claim", headers=other.headers).status_code == 409
