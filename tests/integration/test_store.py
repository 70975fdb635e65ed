"""The decision store: the hash chain, append-only records, erasure, tamper detection, and the single writer."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from engine.decision.service import submit_application
from engine.errors import NotFound, StoreUnavailable
from engine.store.audit import GENESIS_HASH, verify_chain
from engine.store.clients import create_api_client
from engine.store.database import Database
from engine.store.tables import ApplicationPersonalDataRecord, DecisionRecord, table_of
from tests.api.support import EXPECTED, example
from tests.factories import application, avb_body, avp_body, claims

_decisions = table_of(DecisionRecord)
_personal = table_of(ApplicationPersonalDataRecord)

BODIES = [example(name) for name in sorted(EXPECTED)]


def _records(connection: Connection) -> list[Any]:
    return list(connection.execute(select(_decisions).order_by(_decisions.c.seq)).mappings())


def _allow_tampering(connection: Connection) -> None:
    """What an attacker with database access does first: switch off the append-only triggers."""
    if connection.dialect.name == "sqlite":
        connection.execute(text("DROP TRIGGER decision_records_no_update"))
        connection.execute(text("DROP TRIGGER decision_records_no_delete"))
    else:
        connection.execute(text("ALTER TABLE decision_records DISABLE TRIGGER decision_records_append_only"))


@pytest.fixture
def decided(db, submit) -> list[str]:
    """Nine recorded decisions, every example and some more; their ids in order."""
    bodies = [
        *BODIES,
        avp_body(),
        avb_body(),
        avp_body(disclosure__claims_last_5_years=claims(datetime.now().date(), 1, 2)),
    ]
    return [submit(body).record["id"] for body in bodies]


# --- the chain -------------------------------------------------------------------------------------------------


def test_the_chain_verifies_and_seq_is_contiguous(db, decided):
    with db.engine.connect() as connection:
        report = verify_chain(connection)
        records = _records(connection)
        head = connection.execute(text("SELECT seq, record_hash FROM audit_chain_head")).one()

    assert report.ok, report
    assert report.checked == len(decided)
    assert [record["seq"] for record in records] == list(range(1, len(decided) + 1))
    assert [record["id"] for record in records] == decided
    assert records[0]["prev_hash"] == GENESIS_HASH
    assert all(later["prev_hash"] == earlier["record_hash"] for earlier, later in itertools.pairwise(records))
    assert tuple(head) == (len(decided), records[-1]["record_hash"])


def test_an_empty_log_verifies(db):
    with db.engine.connect() as connection:
        report = verify_chain(connection)

    assert report.ok
    assert report.checked == 0


def test_the_chain_verifies_across_batches(db, decided):
    with db.engine.connect() as connection:
        report = verify_chain(connection, batch=2)

    assert report.ok
    assert report.checked == len(decided)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decision_records SET outcome = 'accepted'",
        "UPDATE decision_records SET record_hash = prev_hash WHERE seq = 1",
        "DELETE FROM decision_records",
        "DELETE FROM decision_records WHERE seq = 2",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_record(db, decided, statement):
    with pytest.raises(DBAPIError) as refused, db.engine.begin() as connection:
        connection.execute(text(statement))

    assert "append-only" in str(refused.value)
    with db.engine.connect() as connection:
        assert [record["id"] for record in _records(connection)] == decided
        assert verify_chain(connection).ok


def test_a_changed_outcome_is_found_at_its_record(db, decided):
    target = 4
    with db.engine.begin() as connection:
        _allow_tampering(connection)
        before = connection.execute(select(_decisions.c.outcome).where(_decisions.c.seq == target)).scalar_one()
        changed = "accepted" if before != "accepted" else "rejected"
        connection.execute(update(_decisions).where(_decisions.c.seq == target).values(outcome=changed))

    with db.engine.connect() as connection:
        report = verify_chain(connection)

    assert not report.ok
    assert report.first_failure_seq == target
    assert report.first_failure_id == decided[target - 1]
    assert report.problem == "content does not match its hash"
    assert report.checked == target - 1


def test_a_rehashed_record_breaks_the_link_of_the_next(db, decided):
    """Recomputing a changed record's own hash does not help: the next record's link no longer matches."""
    from engine.store.audit import record_hash

    target = 3
    with db.engine.begin() as connection:
        _allow_tampering(connection)
        row = dict(connection.execute(select(_decisions).where(_decisions.c.seq == target)).mappings().one())
        row["outcome"] = "accepted" if row["outcome"] != "accepted" else "rejected"
        connection.execute(
            update(_decisions)
            .where(_decisions.c.seq == target)
            .values(outcome=row["outcome"], record_hash=record_hash(row, row["prev_hash"]))
        )

    with db.engine.connect() as connection:
        report = verify_chain(connection)

    assert report.first_failure_seq == target + 1
    assert report.problem == "link to the previous record is broken"


def _delete_record(connection, seq: int) -> None:
    """Delete one record as a tamperer would: with the details that refer to it."""
    where = "decision_id IN (SELECT id FROM decision_records WHERE seq = :seq)"
    connection.execute(text(f"DELETE FROM check_details WHERE {where}"), {"seq": seq})
    connection.execute(text("DELETE FROM decision_records WHERE seq = :seq"), {"seq": seq})


def test_a_deleted_record_is_found_as_a_gap(db, decided):
    with db.engine.begin() as connection:
        _allow_tampering(connection)
        _delete_record(connection, 5)

    with db.engine.connect() as connection:
        report = verify_chain(connection)

    assert report.first_failure_seq == 6
    assert report.problem == "sequence gap: expected 5, found 6"


def test_erasing_personal_data_leaves_the_chain_verifying(db, runtime, decided):
    from engine.decision.service import replay_decision

    with db.engine.begin() as connection:
        application_id = connection.execute(
            select(_decisions.c.application_id).where(_decisions.c.id == decided[2])
        ).scalar_one()
        erased = connection.execute(
            text("DELETE FROM application_personal_data WHERE application_id = :id"), {"id": application_id}
        )
        assert erased.rowcount == 1

    with db.engine.connect() as connection:
        report = verify_chain(connection)
        assert report.ok, report
        assert report.checked == len(decided)
        with pytest.raises(NotFound, match="erased"):
            replay_decision(connection=connection, runtime=runtime, decision_id=decided[2])


def test_an_altered_payload_is_found_through_its_digest(db, decided):
    target = 2
    with db.engine.begin() as connection:
        application_id = connection.execute(
            select(_decisions.c.application_id).where(_decisions.c.seq == target)
        ).scalar_one()
        payload = connection.execute(
            select(_personal.c.payload).where(_personal.c.application_id == application_id)
        ).scalar_one()
        payload["disclosure"]["claims_last_5_years"] = []
        payload["disclosure"]["refused_or_cancelled_before"] = not payload["disclosure"]["refused_or_cancelled_before"]
        connection.execute(
            update(_personal).where(_personal.c.application_id == application_id).values(payload=payload)
        )

    with db.engine.connect() as connection:
        report = verify_chain(connection)

    assert report.first_failure_seq == target
    assert report.problem == "stored application does not match the digest in the record"


def test_the_stored_payload_is_the_normalised_application(db, submit):
    body = avp_body(applicant__address__postcode="3511aw", applicant__phone="06 12345678")
    record = submit(body).record

    with db.engine.connect() as connection:
        payload = connection.execute(
            select(_personal.c.payload).where(_personal.c.application_id == record["application_id"])
        ).scalar_one()

    assert payload == application(body).model_dump(mode="json")
    assert payload["applicant"]["address"]["postcode"] == "3511 AW"
    assert payload["applicant"]["phone"] == "+31612345678"


# --- the single writer -----------------------------------------------------------------------------------------


@pytest.fixture
def probe(db) -> str:
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE writer_probe (n INTEGER PRIMARY KEY)"))
    return "writer_probe"


@pytest.mark.parametrize("failure", ["python", "database"])
def test_a_failing_write_in_a_batch_does_not_fail_the_others(db, probe, failure):
    writer = db.writer
    started, release = threading.Event(), threading.Event()
    transactions: dict[int, int] = {}
    results: dict[int, Any] = {}

    def blocker(connection: Connection) -> str:
        started.set()
        release.wait(timeout=30)
        return "blocker"

    def job(n: int):
        def run(connection: Connection) -> int:
            transactions[n] = id(connection.get_transaction())
            connection.execute(text(f"INSERT INTO {probe} (n) VALUES (:n)"), {"n": n})
            if n == 3:
                if failure == "python":
                    raise ValueError("job 3 fails")
                connection.execute(text(f"INSERT INTO {probe} (n) VALUES (:n)"), {"n": n})  # duplicate key
            connection.execute(text(f"SELECT count(*) FROM {probe}"))  # the connection still works after 3
            return n

        return run

    def call(n: int) -> None:
        try:
            results[n] = writer.write(job(n))
        except Exception as exc:
            results[n] = exc

    first = threading.Thread(target=lambda: results.__setitem__(0, writer.write(blocker)))
    first.start()
    callers = [threading.Thread(target=call, args=(n,)) for n in range(1, 6)]
    assert started.wait(timeout=10), "the writer runs the blocker"
    for caller in callers:
        caller.start()
    deadline = time.monotonic() + 10
    while writer._jobs.qsize() < 5:  # the other five wait together for the next batch
        assert time.monotonic() < deadline
        time.sleep(0.005)
    release.set()
    for thread in [first, *callers]:
        thread.join(timeout=30)

    assert len(set(transactions.values())) == 1, "the five writes were committed in one batch"
    assert results[0] == "blocker"
    assert {n: results[n] for n in (1, 2, 4, 5)} == {1: 1, 2: 2, 4: 4, 5: 5}
    assert isinstance(results[3], ValueError if failure == "python" else IntegrityError)
    with db.engine.connect() as connection:
        stored = sorted(connection.execute(text(f"SELECT n FROM {probe}")).scalars())
    assert stored == [1, 2, 4, 5]


def test_a_write_is_committed_before_it_returns(db, probe):
    db.writer.write(lambda connection: connection.execute(text(f"INSERT INTO {probe} (n) VALUES (7)")))

    with db.engine.connect() as connection:
        assert connection.execute(text(f"SELECT n FROM {probe}")).scalars().all() == [7]


def test_a_closed_writer_refuses_and_the_service_reports_the_store_unavailable(db, submit):
    db.writer.close()

    with pytest.raises(StoreUnavailable):
        submit(avp_body())
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM applications")).scalar_one() == 0


def test_many_threads_give_a_contiguous_verifying_chain(db, runtime):
    threads, per_thread = 16, 20
    with db.engine.begin() as connection:
        clients = [create_api_client(connection, name=f"form {n}", now=datetime.now(UTC))[0].id for n in range(4)]
    bodies = [avp_body(), avb_body(), example("avp-rejected-claims"), example("avb-referred-above-authority")]
    ids: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(threads)

    def work(worker: int) -> None:
        barrier.wait()
        for n in range(per_thread):
            body = bodies[(worker + n) % len(bodies)]
            app = application(body)
            try:
                submitted = submit_application(
                    db=db,
                    runtime=runtime,
                    client_id=clients[worker % len(clients)],
                    application=app,
                    idempotency_key=f"{worker}-{n}" if n % 2 else None,
                    now=datetime.now(UTC),
                )
            except BaseException as exc:
                with lock:
                    errors.append(exc)
                return
            with lock:
                ids.append(submitted.record["id"])

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    total = threads * per_thread
    assert errors == []
    assert len(set(ids)) == total
    with db.engine.connect() as connection:
        seqs = connection.execute(select(_decisions.c.seq).order_by(_decisions.c.seq)).scalars().all()
        report = verify_chain(connection)
    assert seqs == list(range(1, total + 1))
    assert report.ok, report
    assert report.checked == total


# --- two writers on one database (two worker processes) --------------------------------------------------------


@pytest.fixture
def second_db(settings) -> Iterator[Database]:
    """The same database opened again, with its own writer: what a second worker process has."""
    database = Database.open(settings.database_url)
    yield database
    database.close()


def test_two_writers_racing_with_one_idempotency_key_store_one_decision(db, second_db, runtime, client_id):
    app = application(avp_body())
    outcomes: list[tuple[str, bool]] = []
    errors: list[BaseException] = []
    rounds = 8

    def send(database: Database, key: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            submitted = submit_application(
                db=database,
                runtime=runtime,
                client_id=client_id,
                application=app,
                idempotency_key=key,
                now=datetime.now(UTC),
            )
        except BaseException as exc:
            errors.append(exc)
            return
        outcomes.append((submitted.record["id"], submitted.replayed))

    for round_ in range(rounds):  # the first round also races on the first use of the policy version
        barrier = threading.Barrier(2)
        workers = [threading.Thread(target=send, args=(d, f"key-{round_}", barrier)) for d in (db, second_db)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)

    assert errors == [], [repr(error.__cause__) for error in errors]
    assert len(outcomes) == 2 * rounds
    assert sorted(replayed for _, replayed in outcomes) == [False] * rounds + [True] * rounds
    assert len({decision_id for decision_id, _ in outcomes}) == rounds
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM decision_records")).scalar_one() == rounds
        assert verify_chain(connection).ok


def test_two_writers_keep_one_contiguous_chain(db, second_db, runtime, client_id):
    threads, per_thread = 8, 10
    bodies = [avp_body(), avb_body()]
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work(worker: int) -> None:
        database = db if worker % 2 else second_db
        barrier.wait()
        for n in range(per_thread):
            app = application(bodies[n % 2])
            try:
                submit_application(
                    db=database,
                    runtime=runtime,
                    client_id=client_id,
                    application=app,
                    idempotency_key=None,
                    now=datetime.now(UTC),
                )
            except BaseException as exc:
                errors.append(exc)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)

    assert errors == [], [repr(error.__cause__) for error in errors]
    with db.engine.connect() as connection:
        seqs = connection.execute(select(_decisions.c.seq).order_by(_decisions.c.seq)).scalars().all()
        report = verify_chain(connection)
    assert seqs == list(range(1, threads * per_thread + 1))
    assert report.ok, report


def test_a_deleted_last_record_is_found_through_the_chain_head(db, decided):
    with db.engine.begin() as connection:
        _allow_tampering(connection)
        _delete_record(connection, len(decided))

    with db.engine.connect() as connection:
        report = verify_chain(connection)

    assert not report.ok
    assert report.checked == len(decided) - 1
    assert report.first_failure_seq == len(decided)
    assert "head says" in (report.problem or "")
