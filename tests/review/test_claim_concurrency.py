"""Claiming is atomic on SQLite and PostgreSQL: of two reviewers claiming the same case at the same moment, from two
processes (here: two independent `Database` objects, each with its own engine and single writer), exactly one gets
it and the other gets a conflict. And two requests of an applicant for a person to look again, arriving at the
same moment at two processes, both succeed: one opens the case, the other joins it (never a second case, never an
error for the applicant)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

import engine.review.applicant as applicant_module
from engine.config import Settings
from engine.errors import Conflict
from engine.review.applicant import Receipt, request_review
from engine.review.cases import claim_case
from engine.review.intake import ReviewRules
from engine.review.roles import Role
from engine.review.staff import StaffMember, create_staff
from engine.store.database import Database
from tests.api.support import example
from tests.conftest import STAFF_PASSWORD, Api
from tests.review.support import case_row, case_rows, engine_of, events_of, new_member, submitted

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


# --- two requests for a person at once ----------------------------------------------------------------------------

CONTEST_ROUNDS = 10
STATEMENTS = (
    "Mijn eerste bericht: de schade was van de vorige bewoner.",
    "Mijn tweede bericht: de factuur is bijgevoegd.",
)


def _contest_race(databases: tuple[Database, Database], decision: dict[str, Any]) -> list[Any]:
    """Both processes run the applicant's request at once; each outcome is the receipt or the error."""
    barrier = threading.Barrier(2)
    outcomes: list[Any] = [None, None]

    def ask(index: int) -> None:
        def job(connection: Any) -> Receipt:
            return request_review(
                connection,
                decision_id=decision["decision_id"],
                token=decision["applicant_token"],
                statement=STATEMENTS[index],
                corrections=[],
                now=datetime.now(UTC),
                rules=RULES,
            )

        barrier.wait(timeout=10)
        try:
            outcomes[index] = databases[index].writer.write(job, timeout=30)
        except Exception as exc:  # anything at all fails the test
            outcomes[index] = exc

    threads = [threading.Thread(target=ask, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def _assert_one_case_with_both_statements(engine: Any, decision: dict[str, Any], outcomes: list[Any]) -> None:
    assert all(isinstance(outcome, Receipt) for outcome in outcomes), outcomes
    assert sorted(outcome.opened for outcome in outcomes) == [False, True], outcomes
    cases = case_rows(engine, application_id=decision["application_id"])
    assert len(cases) == 1, cases
    [case] = cases
    assert (case["state"], case["reason"]) == ("open", "contested")
    assert {outcome.case["id"] for outcome in outcomes} == {case["id"]}
    assert STATEMENTS[0] in case["statement"] and STATEMENTS[1] in case["statement"], case["statement"]
    assert [event["kind"] for event in events_of(engine, case["id"])] == ["opened", "statement_added"]


def test_two_processes_asking_for_a_person_at_once_both_land_in_one_case(
    api: Api, two_processes: tuple[Database, Database]
) -> None:
    engine = two_processes[0].engine
    for _ in range(CONTEST_ROUNDS):
        decision = submitted(api, example("avp-accepted"))
        outcomes = _contest_race(two_processes, decision)
        _assert_one_case_with_both_statements(engine, decision, outcomes)


def test_when_both_see_no_case_the_second_to_open_one_joins_the_first(
    api: Api, two_processes: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The losing order forced where the database allows it: each request looks for an open case before either
    opens one (on PostgreSQL both then insert, and the second meets the one-active-case index; SQLite's writers take
    the database in turn, so there the second waits for the first and finds its case)."""
    looked = threading.Barrier(2)
    seen = threading.local()
    original = applicant_module.active_case_of_application

    def look_then_wait(connection: Any, application_id: str) -> Any:
        found = original(connection, application_id)
        if not getattr(seen, "waited", False):
            seen.waited = True
            with contextlib.suppress(threading.BrokenBarrierError):
                looked.wait(timeout=1)  # until the other has looked too (where it can)
        return found

    inserts: list[str] = []
    insert_case = applicant_module.insert_case

    def counted_insert(connection: Any, case: dict[str, Any], **kwargs: Any) -> None:
        inserts.append(case["id"])
        insert_case(connection, case, **kwargs)

    monkeypatch.setattr(applicant_module, "active_case_of_application", look_then_wait)
    monkeypatch.setattr(applicant_module, "insert_case", counted_insert)
    decision = submitted(api, example("avp-accepted"))
    engine = two_processes[0].engine

    outcomes = _contest_race(two_processes, decision)

    _assert_one_case_with_both_statements(engine, decision, outcomes)
    # PostgreSQL: both tried to open a case (the race this is about); SQLite: the second found the first's
    assert len(inserts) == (2 if engine.dialect.name == "postgresql" else 1), inserts
