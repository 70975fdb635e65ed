"""The review queue under load: how long the queue takes to load with many open cases, through the API (what the
review UI calls) and through the UI's queue page itself (Streamlit AppTest, the API in process).

    .venv/bin/python bench/bench_queue.py [--cases 10000] [--repeats 20]

Open cases are made the real way: applications decided by submit_application() on a SQLite file (without the
checks, each objecting to automated decision-making, so each opens a review case), with a spread of due dates.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import workload
from fastapi.testclient import TestClient
from sqlalchemy import bindparam, select, update
from streamlit.testing.v1 import AppTest

from engine.api.app import create_app
from engine.bootstrap import build_review, build_runtime
from engine.config import Environment, Settings
from engine.decision.service import APPLICATION_ADAPTER, submit_application
from engine.review.roles import Role
from engine.review.staff import create_staff
from engine.store.clients import create_api_client
from engine.store.database import Database
from engine.store.db import upgrade
from engine.store.tables import ReviewCaseRecord, table_of
from review_ui.client import ReviewApi

APP = Path(__file__).resolve().parent.parent / "review_ui" / "app.py"

PASSWORD = "bench password, not secret"


def seed(settings: Settings, count: int) -> None:
    runtime = build_runtime(settings)
    db = Database.open(settings.database_url, sqlite_synchronous="NORMAL")
    upgrade(db.engine)
    runtime = runtime.with_review(build_review(settings, db))
    now = datetime.now(UTC)
    with db.engine.begin() as connection:
        client, _ = create_api_client(connection, name="bench", now=now)
        create_staff(
            connection, username="bench", display_name="Bench", role=Role.UNDERWRITER, password=PASSWORD, now=now
        )
    bodies = workload.bodies(count)
    started = time.perf_counter()
    for index, body in enumerate(bodies):
        body = dict(body, objects_to_automated_decision=True)
        application = APPLICATION_ADAPTER.validate_python(body)
        submit_application(
            db=db, runtime=runtime, client_id=client.id, application=application, idempotency_key=None, now=now
        )
        if index and index % 2000 == 0:
            print(f"  {index} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    cases = table_of(ReviewCaseRecord)
    with db.engine.begin() as connection:  # spread the due dates over ten days, the first day already overdue
        ids = connection.execute(select(cases.c.id).order_by(cases.c.id)).scalars().all()
        connection.execute(
            update(cases).where(cases.c.id == bindparam("case_id")).values(due_at=bindparam("due")),
            [{"case_id": case_id, "due": now + timedelta(hours=i % 240 - 24)} for i, case_id in enumerate(ids)],
        )
    db.close()


def timed(call: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def queue_page_times(http: TestClient, repeats: int) -> list[float]:
    """The review UI's queue page as a reviewer opens it: log in, then the whole page (filters, the API call, the
    table with overdue rows marked, the case picker), rendered by Streamlit's AppTest; the API in process."""
    api = ReviewApi(http)
    api.login("bench", PASSWORD)
    times = []
    for _ in range(repeats):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.session_state["api"] = api
        started = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - started) * 1000)
        assert not at.exception, [e.value for e in at.exception]
    return sorted(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        settings = Settings(
            environment=Environment.TEST, database_url=url, checks_enabled=False, log_json=False, log_level="WARNING"
        )
        print(f"seeding {args.cases} open cases ...", flush=True)
        seed(settings, args.cases)
        with TestClient(create_app(settings)) as http:
            token = http.post("/v1/staff/sessions", json={"username": "bench", "password": PASSWORD}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            page = http.get("/v1/staff/cases", headers=headers).json()
            print(f"queue: {page['total']} open cases, {page['overdue']} overdue")
            for label, params in (
                ("first page (100)", {}),
                ("500 per page", {"limit": "500"}),
                ("overdue only", {"due": "overdue"}),
                ("by reason code", {"code": "OBJECTED_TO_AUTOMATED_DECISION", "product": "AVB"}),
                ("page 50", {"offset": "5000"}),
            ):
                times = timed(lambda p=params: http.get("/v1/staff/cases", headers=headers, params=p), args.repeats)  # type: ignore[misc]
                median, worst = statistics.median(times), times[-1]
                print(f"GET /v1/staff/cases {label:<18} p50 {median:6.1f} ms  max {worst:6.1f} ms")
            ui = queue_page_times(http, args.repeats)
            print(f"review UI queue page (AppTest)     p50 {statistics.median(ui):6.1f} ms  max {ui[-1]:6.1f} ms")


if __name__ == "__main__":
    main()
