"""In-process benchmarks: the pure decide(), the six checks on the embedded registers, and the service path
submit_application() on a SQLite file.

    .venv/bin/python bench/bench_decide.py [--iterations 20000] [--service-requests 2000] [--threads 32]
                                               [--check-iterations 5000] [--idempotency] [--skip-service]
                                               [--no-checks] [--profile]

decide() is timed per call over a mix of AVP/AVB applications (accepted, referred, rejected), after a warm-up, with
all six check results clear (the checks themselves are timed apart). The checks are timed per application as the
service runs them (concurrently on the check thread pool, embedded registers, fraud velocity counted in SQLite from
the decisions the service run stored), alone and followed by decide().
submit_application() is the full path of a POST minus HTTP and request validation: intake checks, decide(), the
decision record, and the durable write through the single writer (SQLite WAL, synchronous=FULL, group commit).
It runs once sequentially (one commit, one fsync, per decision) and once from a pool of threads (as the API's
thread pool calls it), where the writer commits the decisions that wait together.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import workload
from sqlalchemy import func, select

from engine.bootstrap import build_runtime
from engine.checks import run_checks
from engine.checks.assembly import build_checks
from engine.checks.providers.local import LocalRegisters
from engine.config import Environment, Settings
from engine.decision.core import decide
from engine.decision.service import APPLICATION_ADAPTER, DecisionRuntime, submit_application
from engine.domain.application import AvbApplication, AvpApplication
from engine.store.checks import SqlVelocityCounter
from engine.store.clients import create_api_client
from engine.store.database import Database
from engine.store.db import upgrade
from engine.store.tables import DecisionRecord, table_of
from tests.factories import clear_checks


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(cells[0], widths, strict=True))))
    print(line)
    for row in cells[1:]:
        print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))))


# -- decide() ---------------------------------------------------------------------------------------------------


def bench_decide(runtime: DecisionRuntime, *, iterations: int, warmup: int) -> None:
    now = datetime.now(UTC)
    clear = clear_checks(now)
    cases = []
    for label, expected, body in workload.variants():
        application = APPLICATION_ADAPTER.validate_python(body)
        policy = runtime.policies.active(application.product)
        catalogue = runtime.catalogue(application.product)
        outcome = decide(application, check_results=clear, policy=policy, now=now, catalogue=catalogue).outcome.value
        if outcome != expected:
            raise SystemExit(f"{label}: expected {expected}, decide() says {outcome}")
        cases.append((label, expected, application, policy, catalogue))

    for index in range(warmup):
        _, _, application, policy, catalogue = cases[index % len(cases)]
        decide(application, check_results=clear, policy=policy, now=now, catalogue=catalogue)

    per_case: dict[str, list[float]] = {label: [] for label, *_ in cases}
    all_us: list[float] = []
    outcomes: Counter[str] = Counter()
    clock = time.perf_counter_ns
    started = time.perf_counter()
    for index in range(iterations):
        label, expected, application, policy, catalogue = cases[index % len(cases)]
        t0 = clock()
        decide(application, check_results=clear, policy=policy, now=now, catalogue=catalogue)
        elapsed_us = (clock() - t0) / 1000
        all_us.append(elapsed_us)
        per_case[label].append(elapsed_us)
        outcomes[expected] += 1
    seconds = time.perf_counter() - started

    mix = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    print(f"\n== decide() in process: {iterations} decisions after {warmup} warm-up ({mix})")
    all_us.sort()
    print_table(
        ["case", "decisions/s", "p50 us", "p95 us", "p99 us"],
        [
            [
                "all (mix)",
                f"{iterations / seconds:,.0f}",
                f"{percentile(all_us, 0.50):.1f}",
                f"{percentile(all_us, 0.95):.1f}",
                f"{percentile(all_us, 0.99):.1f}",
            ],
            *[
                [
                    label,
                    f"{len(values) / (sum(values) / 1e6):,.0f}",
                    f"{percentile(sorted(values), 0.50):.1f}",
                    f"{percentile(sorted(values), 0.95):.1f}",
                    f"{percentile(sorted(values), 0.99):.1f}",
                ]
                for label, values in per_case.items()
                if values
            ],
        ],
    )
    print("(per-case decisions/s is 1 / mean call time; the mix row is measured wall-clock throughput)")


# -- submit_application() ---------------------------------------------------------------------------------------

Prepared = tuple[AvpApplication | AvbApplication, dict[str, Any]]


def prepare(count: int) -> list[Prepared]:
    """Validated applications and the body the route passes (``application.model_dump(mode="json")``)."""
    out = []
    for body in workload.bodies(count):
        application = APPLICATION_ADAPTER.validate_python(body)
        out.append((application, application.model_dump(mode="json")))
    return out


def run_service(
    db: Database,
    runtime: DecisionRuntime,
    client_id: str,
    prepared: Sequence[Prepared],
    *,
    threads: int,
    tag: str,
    idempotency: bool = False,
    wrap: Callable[[Callable[[], None]], None] | None = None,
) -> tuple[float, list[float]]:
    """Submit every application; return (wall seconds, sorted latencies in ms)."""

    def one(index: int) -> float:
        application, _body = prepared[index]
        t0 = time.perf_counter()
        submitted = submit_application(
            db=db,
            runtime=runtime,
            client_id=client_id,
            application=application,
            idempotency_key=f"{tag}-{index}" if idempotency else None,
            now=datetime.now(UTC),
        )
        elapsed = (time.perf_counter() - t0) * 1000
        assert not submitted.replayed
        return elapsed

    latencies: list[float] = []

    def run() -> None:
        if threads == 1:
            latencies.extend(one(index) for index in range(len(prepared)))
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                latencies.extend(pool.map(one, range(len(prepared))))

    started = time.perf_counter()
    if wrap is None:
        run()
    else:
        wrap(run)
    seconds = time.perf_counter() - started
    latencies.sort()
    return seconds, latencies


def bench_checks(runtime: DecisionRuntime, *, iterations: int) -> None:
    """The six checks per application as the service runs them, and checks followed by decide()."""
    assert runtime.check_executor is not None
    prepared = prepare(min(iterations, 2_000))
    for application, _ in prepared[:200]:  # warm-up
        run_checks(
            runtime.checks,
            application,
            now=datetime.now(UTC),
            executor=runtime.check_executor,
            budget_seconds=runtime.check_budget_seconds,
        )
    checks_ms: list[float] = []
    total_ms: list[float] = []
    unavailable = 0
    for index in range(iterations):
        application, _ = prepared[index % len(prepared)]
        now = datetime.now(UTC)
        t0 = time.perf_counter()
        results = run_checks(
            runtime.checks,
            application,
            now=now,
            executor=runtime.check_executor,
            budget_seconds=runtime.check_budget_seconds,
        )
        t1 = time.perf_counter()
        policy = runtime.policies.active(application.product)
        decide(
            application, check_results=results, policy=policy, now=now, catalogue=runtime.catalogue(application.product)
        )
        t2 = time.perf_counter()
        checks_ms.append((t1 - t0) * 1000)
        total_ms.append((t2 - t0) * 1000)
        unavailable += sum(1 for result in results if result.status.value == "unavailable")
    print(f"\n== the six checks per application, embedded registers, in process ({iterations} applications)")
    rows = []
    for label, values in (("checks (concurrent)", checks_ms), ("checks + decide()", total_ms)):
        values.sort()
        rows.append(
            [
                label,
                f"{percentile(values, 0.50):.3f}",
                f"{percentile(values, 0.95):.3f}",
                f"{percentile(values, 0.99):.3f}",
                f"{values[-1]:.3f}",
            ]
        )
    print_table(["path", "p50 ms", "p95 ms", "p99 ms", "max ms"], rows)
    print(f"unavailable check results: {unavailable}")
    timings: dict[str, list[float]] = {check.name: [] for check in runtime.checks}
    for index in range(min(iterations, 2_000)):
        application, _ = prepared[index % len(prepared)]
        for check in runtime.checks:
            t0 = time.perf_counter()
            check.run(application, now=datetime.now(UTC))
            timings[check.name].append((time.perf_counter() - t0) * 1000)
    print("\n== each check alone (sequential, same applications)")
    print_table(
        ["check", "p50 ms", "p99 ms"],
        [
            [name, f"{percentile(sorted(v), 0.50):.3f}", f"{percentile(sorted(v), 0.99):.3f}"]
            for name, v in timings.items()
        ],
    )


def bench_service(
    runtime: DecisionRuntime,
    settings: Settings,
    *,
    requests: int,
    threads: int,
    idempotency: bool,
    profile: bool,
    registers: LocalRegisters | None,
    check_iterations: int,
) -> None:
    folder = Path(tempfile.mkdtemp(prefix="underwrite-bench-"))
    try:
        url = f"sqlite:///{folder / 'bench.db'}"
        db = Database.open(url, sqlite_synchronous=settings.sqlite_synchronous, batch_size=settings.writer_batch_size)
        try:
            upgrade(db.engine)
            check_set = None
            if registers is not None:
                check_set = build_checks(settings, velocity=SqlVelocityCounter(db.engine), registers=registers)
                runtime = runtime.with_checks(
                    check_set.checks, executor=check_set.executor, budget_seconds=check_set.budget_seconds
                )
            with db.engine.begin() as connection:
                client, _ = create_api_client(connection, name="bench", now=datetime.now(UTC))
            warm = prepare(50)
            run_service(db, runtime, client.id, warm, threads=1, tag="warm")
            rows = []
            submitted = len(warm)
            for count in (1, threads):
                prepared = prepare(requests)
                seconds, ms = run_service(
                    db, runtime, client.id, prepared, threads=count, tag=f"t{count}", idempotency=idempotency
                )
                submitted += len(prepared)
                rows.append(
                    [
                        "sequential" if count == 1 else f"{count} threads",
                        len(prepared),
                        f"{seconds:.2f}",
                        f"{len(prepared) / seconds:,.0f}",
                        f"{percentile(ms, 0.50):.2f}",
                        f"{percentile(ms, 0.95):.2f}",
                        f"{percentile(ms, 0.99):.2f}",
                    ]
                )
            with db.engine.connect() as connection:
                recorded = connection.execute(select(func.count()).select_from(table_of(DecisionRecord))).scalar_one()
            print(
                "\n== submit_application() in process on a SQLite file"
                f" (WAL, synchronous={settings.sqlite_synchronous}, writer batch {settings.writer_batch_size},"
                f" Idempotency-Key: {'yes' if idempotency else 'no'})"
            )
            print_table(["mode", "decisions", "seconds", "decisions/s", "p50 ms", "p95 ms", "p99 ms"], rows)
            status = "ok" if recorded == submitted else "MISMATCH"
            print(f"decision records in the database: {recorded} (submitted incl. 50 warm-up: {submitted}) {status}")
            if check_set is not None:
                print(f"checks: {', '.join(f'{name} ({source})' for name, source in check_set.sources.items())}")
                bench_checks(runtime, iterations=check_iterations)

            if profile:
                profiler = cProfile.Profile()

                def wrap(run: Callable[[], None]) -> None:
                    profiler.runcall(run)

                prepared = prepare(min(requests, 1000))
                run_service(
                    db, runtime, client.id, prepared, threads=1, tag="profile", idempotency=idempotency, wrap=wrap
                )
                out = io.StringIO()
                stats = pstats.Stats(profiler, stream=out).strip_dirs()
                print(f"\n== cProfile of {len(prepared)} sequential submit_application() calls (calling thread only;")
                print("   the writer thread's SQL and fsync appear as time waiting in Future.result)")
                stats.sort_stats("cumulative").print_stats(30)
                stats.sort_stats("tottime").print_stats(25)
                print(out.getvalue())
        finally:
            if check_set is not None:
                check_set.close()
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=20_000, help="decide() calls to time (default 20000)")
    parser.add_argument("--warmup", type=int, default=2_000, help="decide() calls before timing (default 2000)")
    parser.add_argument("--service-requests", type=int, default=2_000, help="submit_application() calls per mode")
    parser.add_argument("--threads", type=int, default=32, help="threads for the concurrent service run (default 32)")
    parser.add_argument("--skip-service", action="store_true", help="only decide()")
    parser.add_argument("--idempotency", action="store_true", help="pass a unique Idempotency-Key per submit")
    parser.add_argument("--profile", action="store_true", help="also cProfile a sequential service run")
    parser.add_argument("--no-checks", action="store_true", help="service run without the checks")
    parser.add_argument("--check-iterations", type=int, default=5_000, help="applications for the checks timing")
    args = parser.parse_args()

    settings = Settings(environment=Environment.TEST)
    runtime = build_runtime(settings)
    bench_decide(runtime, iterations=args.iterations, warmup=args.warmup)
    if not args.skip_service:
        t0 = time.perf_counter()
        registers = None if args.no_checks else LocalRegisters.load(settings.register_dir)
        if registers is not None:
            print(f"\nembedded registers {registers.manifest.version} loaded in {time.perf_counter() - t0:.2f} s")
        bench_service(
            runtime,
            settings,
            requests=args.service_requests,
            threads=args.threads,
            idempotency=args.idempotency,
            profile=args.profile,
            registers=registers,
            check_iterations=args.check_iterations,
        )


if __name__ == "__main__":
    main()
