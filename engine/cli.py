"""The command line: `underwrite serve`, `ui`, `replay`, `decide`, `db upgrade`, `apikey ...`, `staff ...`,
`audit verify`, `policy ...`, `registers ...`, `sanctions ...`, and the groups of `model_cli` and `privacy/cli_*`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.table import Table

from engine.cli_support import console, err, fail, load_settings
from engine.config import Settings
from engine.decision.core import DUTCH_TIME
from engine.model_cli import model_app
from engine.privacy.cli_register import breach_app, register_app
from engine.privacy.cli_requests import privacy_app
from engine.privacy.cli_retention import cover_app, hold_app, retention_app

if TYPE_CHECKING:
    from engine.checks.assembly import CheckSet
    from engine.decision.service import DecisionRuntime
    from engine.domain.application import AvbApplication, AvpApplication
    from engine.review.demo import DemoSeed
    from engine.scoring import RiskModel
    from engine.store.database import Database

app = typer.Typer(
    help="Underwriting engine for Dutch liability insurance (AVP, AVB): decide, record, explain, replay; people's "
    "privacy rights, retention and the register of processing.",
    no_args_is_help=True,
    add_completion=False,
)
db_app = typer.Typer(help="The database schema.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys for form clients.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident decision log.", no_args_is_help=True)
policy_app = typer.Typer(help="Product policies.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(apikey_app, name="apikey")
app.add_typer(audit_app, name="audit")
registers_app = typer.Typer(
    help="The embedded registers the checks consult (synthetic ones ship).", no_args_is_help=True
)
sanctions_app = typer.Typer(
    help="Sanctions screening: screen a name, measure the matcher, re-screen.", no_args_is_help=True
)
staff_app = typer.Typer(help="Staff accounts for the review queue (UI and /v1/staff).", no_args_is_help=True)
app.add_typer(staff_app, name="staff")
app.add_typer(policy_app, name="policy")
app.add_typer(registers_app, name="registers")
app.add_typer(sanctions_app, name="sanctions")
app.add_typer(model_app, name="model")
app.add_typer(privacy_app, name="privacy")
app.add_typer(retention_app, name="retention")
app.add_typer(hold_app, name="hold")
app.add_typer(cover_app, name="cover")
app.add_typer(register_app, name="register")
app.add_typer(breach_app, name="breach")

_fail = fail
_settings = load_settings


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (keep 1 on SQLite; more on PostgreSQL).")] = 1,
    ui: Annotated[bool, typer.Option("--ui/--no-ui", help="Also start the review UI (Streamlit).")] = False,
    ui_port: Annotated[int, typer.Option(help="Port of the review UI.")] = 8501,
) -> None:
    """Start the API (migrating the database first in development), and with --ui the review UI beside it. In
    development the first start also creates demo staff accounts and demo cases in the review queue."""
    import uvicorn

    from engine.bootstrap import (
        attach_models,
        build_runtime,
        ensure_demo_client,
        load_models,
        open_database,
        register_policies,
    )
    from engine.checks.providers.local import LocalRegisters

    settings = _settings()
    # A pre-flight in this process, before uvicorn starts workers: a bad policy, an unmigrated database or a policy
    # changed under a used version stops here with one clear message instead of a traceback per worker. Each
    # worker's lifespan then builds its own runtime and database (cheap, and idempotent).
    try:
        runtime = build_runtime(settings)
        shelf = load_models(settings, runtime)
        if settings.checks_enabled:
            LocalRegisters.verify(settings.register_dir)
        db = open_database(settings)
    except (ValueError, RuntimeError) as exc:  # PolicyError, NoticeError: ValueError; RegisterFilesError, ModelError
        raise _fail(str(exc)) from None
    try:
        register_policies(db, runtime)
        runtime = attach_models(settings, db, runtime, shelf)
        demo_key = ensure_demo_client(db, settings)
        seeded = _seed_demo(settings, db, runtime) if demo_key else None
    except (ValueError, RuntimeError) as exc:
        raise _fail(str(exc)) from None
    finally:
        db.close()
    if workers > 1 and settings.is_sqlite:
        err.print("[yellow]note:[/yellow] SQLite has one writer; several workers will queue on its lock.")
    console.print(f"[bold]Underwriting engine[/bold] on http://{host}:{port}  (docs: http://{host}:{port}/docs)")
    for product in runtime.policies.policies:
        policy = runtime.policies.active(product, datetime.now(DUTCH_TIME).date())
        console.print(f"  policy {product.value} {policy.version} {policy.content_hash[:19]}")
        model = runtime.model_for(product)
        console.print(
            f"    model {model.ref.version} {model.ref.content_hash[:19]}"
            if model
            else "    [yellow]no model[/yellow]: its applications are decided on the policy's rules alone"
        )
    if settings.checks_enabled:
        remote = ", ".join(sorted(settings.register_urls))
        console.print(
            f"  checks: embedded registers in {settings.register_dir.name}/"
            + (f"; over HTTP: {remote}" if remote else "")
        )
    else:
        console.print("  [yellow]checks disabled[/yellow]: rules on their facts refer every application to a person")
    if demo_key:
        console.print(f"  [yellow]development[/yellow] demo API key: {demo_key}")
    if seeded is not None:
        from engine.review.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD

        names = ", ".join(f"{username} ({role.value})" for username, role, _ in DEMO_STAFF)
        console.print(f"  [yellow]development[/yellow] demo staff: {names}; password: {DEMO_STAFF_PASSWORD}")
        if seeded.cases_opened:
            console.print(f"  demo cases in the review queue: {seeded.cases_opened}")
        if seeded.privacy_requests:
            console.print(f"  demo privacy requests: {seeded.privacy_requests} (log in as privacy)")
    ui_process = _start_ui(host=host, port=port, ui_port=ui_port) if ui else None
    try:
        uvicorn.run(
            "engine.api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            loop="uvloop",
            http="httptools",
            log_level="warning",
            access_log=False,
        )
    finally:
        if ui_process is not None:
            ui_process.terminate()
            ui_process.wait(timeout=10)


def _seed_demo(settings: Settings, db: Database, runtime: DecisionRuntime) -> DemoSeed:
    """Development: demo staff accounts, and on the first start demo cases decided through the real checks."""
    from sqlalchemy import func, select

    from engine.bootstrap import build_check_set, build_review
    from engine.config import DEMO_API_KEY
    from engine.privacy.config import load_privacy_config
    from engine.privacy.demo import seed_demo_requests
    from engine.review.demo import DemoSeed, ensure_demo_staff, seed_demo_cases
    from engine.store.clients import get_client_by_prefix
    from engine.store.tables import ReviewCaseRecord, table_of

    now = datetime.now(UTC)
    staff = ensure_demo_staff(db, now=now)
    with db.engine.connect() as connection:
        if connection.execute(select(func.count()).select_from(table_of(ReviewCaseRecord))).scalar_one():
            return DemoSeed(staff, 0, 0)
        client = get_client_by_prefix(connection, DEMO_API_KEY.split("_")[1])
    assert client is not None  # ensure_demo_client made it
    check_set = build_check_set(settings, db)
    try:
        if check_set is not None:
            runtime = runtime.with_checks(
                check_set.checks, executor=check_set.executor, budget_seconds=check_set.budget_seconds
            )
        runtime = runtime.with_review(build_review(settings, db))
        opened = seed_demo_cases(db, runtime, client_id=client.id, now=now)
        config = load_privacy_config(settings.privacy_config)
        requests = seed_demo_requests(db, runtime, config, client_id=client.id, now=now)
        return DemoSeed(staff, opened, requests)
    finally:
        if check_set is not None:
            check_set.close()


def _ui_command(host: str, port: int) -> list[str]:
    from engine.config import PROJECT_ROOT

    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "review_ui" / "app.py"),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "minimal",
    ]


def _start_ui(*, host: str, port: int, ui_port: int) -> subprocess.Popen[bytes]:
    """The review UI, a Streamlit client of this API, as a child process."""
    from engine.config import PROJECT_ROOT

    api_url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"  # noqa: S104
    environment = {**os.environ, "UNDERWRITE_API_URL": api_url}
    process = subprocess.Popen(_ui_command(host, ui_port), cwd=PROJECT_ROOT, env=environment)  # noqa: S603
    console.print(f"[bold]Review UI[/bold] on http://{host}:{ui_port}  (a client of {api_url})")
    return process


@app.command("ui")
def review_ui(
    api_url: Annotated[str, typer.Option(help="The API the UI is a client of.")] = "http://127.0.0.1:8000",
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
) -> None:
    """Start only the review UI (Streamlit), as a client of a running API."""
    from engine.config import PROJECT_ROOT

    command = _ui_command(host, port)
    console.print(f"[bold]Review UI[/bold] on http://{host}:{port}  (a client of {api_url})")
    raise typer.Exit(subprocess.call(command, cwd=PROJECT_ROOT, env={**os.environ, "UNDERWRITE_API_URL": api_url}))  # noqa: S603


@staff_app.command("create")
def staff_create(
    username: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, . _ -")],
    role: Annotated[str, typer.Option(help="underwriter, senior_underwriter, compliance, fraud, auditor or admin.")],
    name: Annotated[str | None, typer.Option(help="Display name (default: the username).")] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input instead of a prompt.")
    ] = False,
) -> None:
    """Create a staff account; the password (12+ characters) is stored only as an argon2 hash."""
    from engine.bootstrap import open_database
    from engine.errors import Conflict, InvalidInput
    from engine.review.roles import Role
    from engine.review.staff import create_staff

    try:
        staff_role = Role(role)
    except ValueError:
        raise _fail(f"unknown role {role!r}; roles: {', '.join(r.value for r in Role)}") from None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    db = open_database(_settings())
    try:
        with db.engine.begin() as connection:
            member = create_staff(
                connection,
                username=username,
                display_name=name or username,
                role=staff_role,
                password=password,
                now=datetime.now(UTC),
            )
    except (InvalidInput, Conflict) as exc:
        raise _fail(str(exc)) from None
    finally:
        db.close()
    console.print(f"created {member.username} ({member.role.value})")


@staff_app.command("list")
def staff_list() -> None:
    """List staff accounts with their roles."""
    from engine.bootstrap import open_database
    from engine.review.staff import list_staff

    db = open_database(_settings())
    try:
        with db.engine.connect() as connection:
            members = list_staff(connection)
    finally:
        db.close()
    table = Table("username", "name", "role", "disabled")
    for member, disabled_at in members:
        table.add_row(member.username, member.display_name, member.role.value, str(disabled_at or ""))
    console.print(table)


@staff_app.command("disable")
def staff_disable(username: Annotated[str, typer.Argument(help="The account to disable.")]) -> None:
    """Disable an account, end its sessions at once, and put the cases it held back in the queue."""
    from engine.bootstrap import open_database
    from engine.review.cases import release_claims_of
    from engine.review.staff import disable_staff, get_staff_by_username

    db = open_database(_settings())
    now = datetime.now(UTC)
    try:
        with db.engine.begin() as connection:
            done = disable_staff(connection, username=username, now=now)
            member = get_staff_by_username(connection, username)
            released = release_claims_of(connection, staff_id=member.id, now=now, actor="cli") if member else 0
    finally:
        db.close()
    if not done:
        raise _fail(f"no active account {username!r}")
    console.print(f"disabled {username}; {released} case(s) they held went back to the queue")


@app.command()
def replay(decision_id: Annotated[str, typer.Argument(help="The decision to re-run.")]) -> None:
    """Re-run decide() on a recorded decision's inputs with the policy version it used; exit 1 if it differs."""
    from engine.bootstrap import build_runtime, load_models, open_database
    from engine.decision.service import replay_decision
    from engine.errors import NotFound, NotReplayable
    from engine.model.artifact import ModelError
    from engine.model.registry import ActiveModels

    settings = _settings()
    runtime = build_runtime(settings)
    db = open_database(settings, migrate=False)
    try:
        if settings.models_enabled:
            runtime = runtime.with_models(ActiveModels(db.engine, load_models(settings, runtime)))
        with db.engine.connect() as connection:
            report = replay_decision(connection=connection, runtime=runtime, decision_id=decision_id)
    except (NotFound, ModelError) as exc:
        raise _fail(str(exc)) from None
    except NotReplayable as exc:
        raise _fail(str(exc), code=2) from None
    finally:
        db.close()
    console.print(f"decision {report.decision_id} (policy {report.policy_version})")
    console.print(f"  recorded: {report.stored_outcome:<9} {', '.join(report.stored_reasons) or '-'}")
    console.print(f"  replayed: {report.replayed_outcome:<9} {', '.join(report.replayed_reasons) or '-'}")
    if report.matches:
        console.print("[green]match[/green]: the same outcome, reasons, rules, score and notice")
        return
    console.print(f"[red]differs[/red] in: {', '.join(report.differences)}")
    raise typer.Exit(1)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations (creates the SQLite file if needed)."""
    from engine.store.db import create_db_engine, upgrade

    settings = _settings()
    engine = create_db_engine(settings.database_url)
    upgrade(engine)
    engine.dispose()
    console.print("database at head")


@apikey_app.command("create")
def apikey_create(
    name: Annotated[str, typer.Argument(help="Who the key is for, e.g. 'website AVP form'.")],
) -> None:
    """Create a form client and print its API key (shown once; only its hash is stored)."""
    from engine.bootstrap import open_database
    from engine.store.clients import create_api_client

    db = open_database(_settings())
    try:
        with db.engine.begin() as connection:
            client, key = create_api_client(connection, name=name, now=datetime.now(UTC))
    finally:
        db.close()
    err.print(f"created client {client.name!r}; keep this key, it is not shown again:")
    console.print(key)


@apikey_app.command("list")
def apikey_list() -> None:
    """List form clients (prefixes only)."""
    from engine.bootstrap import open_database
    from engine.store.clients import list_api_clients

    db = open_database(_settings())
    try:
        with db.engine.connect() as connection:
            clients = list_api_clients(connection)
    finally:
        db.close()
    table = Table("name", "prefix", "created", "revoked")
    for c in clients:
        table.add_row(str(c["name"]), str(c["key_prefix"]), str(c["created_at"]), str(c["revoked_at"] or ""))
    console.print(table)


@apikey_app.command("revoke")
def apikey_revoke(
    prefix: Annotated[str, typer.Argument(help="The key's prefix (the part after uw_).")],
) -> None:
    """Revoke a key; it stops working within 30 seconds."""
    from engine.bootstrap import open_database
    from engine.store.clients import revoke_api_client

    db = open_database(_settings())
    try:
        with db.engine.begin() as connection:
            revoked = revoke_api_client(connection, prefix=prefix, now=datetime.now(UTC))
    finally:
        db.close()
    if not revoked:
        raise _fail(f"no active key with prefix {prefix}")
    console.print(f"revoked {prefix}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check every decision record's hash and link; report the first that does not verify (exit 1)."""
    from engine.bootstrap import open_database
    from engine.store.audit import verify_chain

    db = open_database(_settings(), migrate=False)
    try:
        with db.engine.connect() as connection:
            report = verify_chain(connection)
    finally:
        db.close()
    if report.ok:
        console.print(f"[green]ok[/green]: {report.checked} decision records verify")
        return
    record = f"record {report.first_failure_seq}" + (f" ({report.first_failure_id})" if report.first_failure_id else "")
    console.print(f"[red]broken[/red] at {record}: {report.problem}; {report.checked} records before it verify")
    raise typer.Exit(1)


@policy_app.command("check")
def policy_check() -> None:
    """Load and validate every policy and notice; print their versions and hashes."""
    from engine.bootstrap import build_runtime
    from engine.notice.predecision import NoticeError
    from engine.policy import PolicyError

    try:
        runtime = build_runtime(_settings())
    except (PolicyError, NoticeError) as exc:
        raise _fail(str(exc)) from None
    table = Table("product", "version", "effective from", "active", "rules", "content hash")
    for policy in sorted(runtime.policies.all(), key=lambda p: (p.product, p.version)):
        active = runtime.policies.active(policy.product, datetime.now(DUTCH_TIME).date()) is policy
        table.add_row(
            policy.product.value,
            policy.version,
            policy.effective_from.isoformat(),
            "yes" if active else "",
            str(len(policy.rules)),
            policy.content_hash,
        )
    console.print(table)


@policy_app.command("facts")
def policy_facts(product: Annotated[str, typer.Argument(help="AVP or AVB")]) -> None:
    """List the facts a policy for PRODUCT may use in its conditions."""
    from engine.domain.products import Product
    from engine.policy.facts import FactCatalogue

    try:
        code = Product(product.upper())
    except ValueError:
        raise _fail(f"unknown product {product}; use AVP or AVB") from None
    table = Table("fact", "type", "meaning")
    for spec in FactCatalogue.for_product(code).specs.values():
        table.add_row(spec.name, spec.type, spec.description)
    console.print(table)


@app.command()
def example(
    name: Annotated[str, typer.Argument(help="An example in data/examples/, e.g. avp-accepted; `list` lists them.")],
    as_is: Annotated[bool, typer.Option("--as-is", help="Print the file's own dates instead of today's.")] = False,
) -> None:
    """Print a shipped example application, its dates moved to today (pipe it to curl or `underwrite decide -`)."""
    from engine.examples import dutch_today, example_names, load_example

    if name == "list":
        console.print("\n".join(example_names()))
        return
    try:
        body = load_example(name, today=None if as_is else dutch_today())
    except FileNotFoundError as exc:
        raise _fail(str(exc)) from None
    json.dump(body, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


@app.command()
def decide(
    file: Annotated[
        typer.FileText, typer.Argument(help="An application as JSON (see data/examples/), or - for stdin.")
    ],
    no_checks: Annotated[
        bool, typer.Option("--no-checks", help="Skip the checks (rules on their facts then refer).")
    ] = False,
) -> None:
    """Decide an application without recording it: a dry run of the checks and the policy. Nothing is recorded; the
    database is only read, for fraud velocity (in development it is created if missing)."""
    from pydantic import ValidationError

    from engine.bootstrap import build_runtime
    from engine.checks import run_checks
    from engine.decision.core import decide as decide_core
    from engine.decision.service import APPLICATION_ADAPTER

    settings = _settings()
    runtime = build_runtime(settings)
    try:
        application = APPLICATION_ADAPTER.validate_python(json.load(file))
    except (ValidationError, ValueError) as exc:
        raise _fail(str(exc)) from None
    now = datetime.now(UTC)
    policy = runtime.policies.active(application.product, now.astimezone(DUTCH_TIME).date())
    results = []
    if settings.checks_enabled and not no_checks:
        with _check_set(settings) as (check_set, _):
            results = run_checks(
                check_set.checks,
                application,
                now=now,
                executor=check_set.executor,
                budget_seconds=check_set.budget_seconds,
            )
    decision = decide_core(
        application, check_results=results, policy=policy, now=now, model=_active_model(settings, runtime, application)
    )
    json.dump(decision.model_dump(mode="json"), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


def _active_model(
    settings: Settings, runtime: DecisionRuntime, application: AvpApplication | AvbApplication
) -> RiskModel | None:
    """The product's active risk model (on a database without activations, the shipped default), read only."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine.bootstrap import load_models, open_database
    from engine.model.registry import current_activation

    product = application.product.value
    try:
        shelf = load_models(settings, runtime)
        version = shelf.defaults.get(product)
        try:
            db = open_database(settings)
            try:
                with db.engine.connect() as connection:
                    current = current_activation(connection, product)
            finally:
                db.close()
            if current is not None:
                version = current["version"]
        except (RuntimeError, SQLAlchemyError):  # no database yet, or behind: the shipped default
            pass
        return shelf.get(product, version).scorer if settings.models_enabled and version else None
    except (ValueError, RuntimeError) as exc:
        raise _fail(str(exc)) from None


@contextmanager
def _check_set(settings: Settings) -> Iterator[tuple[CheckSet, Database]]:
    """The configured checks, with fraud velocity read from the database; closed afterwards."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine.bootstrap import build_check_set, open_database
    from engine.checks.providers.local import RegisterFilesError

    try:
        db = open_database(settings)
    except (RuntimeError, SQLAlchemyError) as exc:  # NotMigrated, or no database to read velocity from
        raise _fail(f"the checks need the database: {exc}") from None
    try:
        check_set = build_check_set(settings.model_copy(update={"checks_enabled": True}), db)
    except RegisterFilesError as exc:
        db.close()
        raise _fail(str(exc)) from None
    assert check_set is not None
    try:
        yield check_set, db
    finally:
        check_set.close()
        db.close()


@registers_app.command("generate")
def registers_generate(
    out: Annotated[
        Path | None, typer.Option(help="Directory to write to (default: the configured register dir).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed writes the same bytes.")] = 20261125,
    as_of: Annotated[str, typer.Option(help="The registers' date (YYYY-MM-DD); registrations are dated before it.")] = (
        "2026-11-25"
    ),
    people: Annotated[int, typer.Option(min=1000, help="People in the population (credit register size).")] = 100_000,
    sanctions_entries: Annotated[int, typer.Option(min=100, help="Entries on the sanctions list.")] = 12_000,
) -> None:
    """Write the synthetic registers (credit, claims, insolvency, incidents, postcodes, sanctions) and their manifest.

    The data are synthetic, generated from a fixed seed with planted cases the tests use; no real person is in them.
    """
    from datetime import date

    from engine.registers.generate import generate_all

    directory = out or _settings().register_dir
    try:
        day = date.fromisoformat(as_of)
    except ValueError:
        raise _fail(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    with console.status("generating registers ..."):
        manifest = generate_all(directory, seed=seed, as_of=day, people=people, sanctions_entries=sanctions_entries)
    console.print(f"registers {manifest['version']} written to {directory}")
    for name, entry in manifest["files"].items():
        console.print(f"  {name:<11} {entry['records']:>8} records  {entry['path']}")


@registers_app.command("check")
def registers_check() -> None:
    """Load and verify the embedded registers (SHA-256 against the manifest) and print their version and sizes."""
    import time

    from engine.checks.providers.local import LocalRegisters, RegisterFilesError

    settings = _settings()
    started = time.perf_counter()
    try:
        registers = LocalRegisters.load(settings.register_dir)
    except RegisterFilesError as exc:
        raise _fail(str(exc)) from None
    elapsed = time.perf_counter() - started
    manifest = registers.manifest
    kind = "synthetic" if manifest.synthetic else "real"
    console.print(f"registers {manifest.version} ({kind}, as of {manifest.as_of}) loaded in {elapsed:.2f} s")
    for name, count in sorted(registers.counts.items()):
        console.print(f"  {name:<11} {count:>8} records")
    console.print(f"  disposable e-mail domains: {len(registers.disposable_domains)}")
    if settings.register_urls:
        console.print(f"  over HTTP: {', '.join(sorted(settings.register_urls))}")


@sanctions_app.command("screen")
def sanctions_screen(
    name: Annotated[str, typer.Argument(help="The name to screen, e.g. 'Ivan Petrov'.")],
    birth_date: Annotated[str | None, typer.Option("--birth-date", help="YYYY-MM-DD, when known.")] = None,
    entity: Annotated[bool, typer.Option("--entity", help="Screen an organisation instead of a person.")] = False,
) -> None:
    """Screen one name against the embedded sanctions list and show the candidates and their scores."""
    from datetime import date

    from engine.checks.name_matching import SanctionsMatcher
    from engine.checks.providers.local import LocalRegisters, RegisterFilesError
    from engine.registers.records import NameQuery

    try:
        born = date.fromisoformat(birth_date) if birth_date else None
    except ValueError:
        raise _fail(f"--birth-date {birth_date!r} is not a date (YYYY-MM-DD)") from None
    try:
        registers = LocalRegisters.load(_settings().register_dir)
    except RegisterFilesError as exc:
        raise _fail(str(exc)) from None
    kind: Literal["person", "entity"] = "entity" if entity else "person"
    candidates = registers.sanctions.lookup(NameQuery(name=name, kind=kind)).records
    matches = SanctionsMatcher(registers.sanctions_index).screen(name, birth_date=born, kind=kind)
    table = Table("entry", "matched name", "name score", "birth date", "score", "potential match")
    for match in sorted(matches, key=lambda m: -m.score)[:10]:
        agrees = {True: "agrees", False: "differs", None: "-"}[match.birth_date_agrees]
        table.add_row(
            match.entry_id,
            match.matched_name,
            f"{match.name_score:.3f}",
            agrees,
            f"{match.score:.3f}",
            "yes" if match.potential_match else "no",
        )
    console.print(f"{len(candidates)} candidates from list {registers.manifest.version}")
    console.print(table)


@sanctions_app.command("evaluate")
def sanctions_evaluate(
    seed: Annotated[int, typer.Option(help="Seed of the labelled variant set.")] = 20261126,
) -> None:
    """Measure the name matcher's precision, recall and alert rate on a labelled set of name variants built from
    the embedded sanctions list (typos, transliterations, swapped names, initials, near misses, namesakes)."""
    from engine.checks.providers.local import LocalRegisters, RegisterFilesError
    from engine.checks.sanctions_evaluation import evaluate, format_table

    try:
        registers = LocalRegisters.load(_settings().register_dir)
    except RegisterFilesError as exc:
        raise _fail(str(exc)) from None
    entries = registers.sanctions_index.entries
    with console.status(f"screening variants against {len(entries)} entries ..."):
        report = evaluate(entries, seed=seed)
    console.print(format_table(report))


@sanctions_app.command("rescreen")
def sanctions_rescreen() -> None:
    """Screen every accepted applicant again against the current sanctions list; open a screening alert for each new
    potential match (once per list version)."""
    from rich.progress import Progress

    from engine.checks.providers.http import ProviderError
    from engine.checks.sanctions import SanctionsCheck
    from engine.decision.rescreen import rescreen_accepted
    from engine.registers.records import NameQuery

    settings = _settings()
    with _check_set(settings) as (check_set, db):  # the configured sanctions list: embedded, or the HTTP service
        check = next(check for check in check_set.checks if isinstance(check, SanctionsCheck))
        if "sanctions" in settings.register_urls:
            try:  # the service says which version of the list it serves
                probe = check.sanctions_list.lookup(NameQuery(name="list version", kind="person"))
            except ProviderError as exc:
                raise _fail(f"the sanctions list service did not answer: {exc}") from None
            list_version = probe.source_version
        else:  # the embedded list's own digest: regenerating other registers raises nothing again
            list_version = "sha256:" + str(check_set.registers.manifest.files["sanctions"]["sha256"])[:16]
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("re-screening accepted applicants", total=None)
            report = rescreen_accepted(
                db.engine,
                check,
                list_version=list_version,
                now=datetime.now(UTC),
                progress=lambda done: progress.update(task, completed=done),
            )
    console.print(
        f"list {report.list_version}: {report.screened} accepted applicants screened, "
        f"{report.potential_matches} potential matches, {report.new_alerts} new screening alerts"
    )
