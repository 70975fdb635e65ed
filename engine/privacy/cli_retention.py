"""Commands: `underwrite retention ...`, `underwrite hold ...`, `underwrite cover ...`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from engine.cli_support import console, err, fail, load_settings

if TYPE_CHECKING:
    from engine.config import Settings
    from engine.privacy.config import PrivacyConfig
    from engine.store.database import Database

retention_app = typer.Typer(
    help="The retention schedule: what is kept how long, and its enforcement.", no_args_is_help=True
)
hold_app = typer.Typer(help="Legal holds: data kept despite erasure or retention.", no_args_is_help=True)
cover_app = typer.Typer(help="Accepted cover: record when it ended (starts its retention).", no_args_is_help=True)

BAD_INPUT = 2


@contextmanager
def _database(settings: Settings) -> Iterator[Database]:
    from engine.bootstrap import open_database

    try:
        db = open_database(settings)
    except (ValueError, RuntimeError) as exc:  # a database that cannot be opened or is behind its migrations
        raise fail(str(exc)) from None
    try:
        yield db
    finally:
        db.close()


def _config(settings: Settings) -> PrivacyConfig:
    from engine.privacy.config import load_privacy_config

    try:
        return load_privacy_config(settings.privacy_config)
    except ValueError as exc:
        raise fail(str(exc)) from None


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise fail(f"{option}: {value!r} is not a date (YYYY-MM-DD)", BAD_INPUT) from None


# --- retention --------------------------------------------------------------------------------------------------------


@retention_app.command("schedule")
def schedule(
    language: Annotated[str, typer.Option(help="nl or en.")] = "en",
) -> None:
    """The retention schedule from the privacy configuration: per kind of record, how long, from when, what then,
    and why."""
    if language not in ("nl", "en"):
        raise fail("--language is nl or en", BAD_INPUT)
    config = _config(load_settings())
    console.print("[bold]Retention schedule[/bold]")
    for name, rule in config.retention.items():
        console.print()
        console.print(f"[bold]{name}[/bold]: {rule.months} months from {rule.counts_from.value}", highlight=False)
        console.print(f"  what: {rule.text.in_language(language)}", highlight=False)
        console.print(f"  then: {rule.then.in_language(language)}", highlight=False)
        console.print(f"  why:  {rule.justification.in_language(language)}", highlight=False)


@retention_app.command("run")
def run_retention(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what is due, per category.")] = False,
    by: Annotated[str, typer.Option(help="Who runs it (recorded with the run).")] = "cli",
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="Items per transaction.")] = 100,
) -> None:
    """Enforce the retention schedule: erase or pseudonymise what has passed its period, in batches of one
    transaction each (safe to interrupt and run again). Applications under a legal hold are left alone."""
    from engine.privacy import retention

    settings = load_settings()
    config = _config(settings)
    now = datetime.now(UTC)
    with _database(settings) as db:
        try:
            if dry_run:
                report = retention.run(db.engine, config, now=now, by=by, batch_size=batch_size, dry_run=True)
            else:
                with db.engine.connect() as connection:
                    due = retention.plan(connection, config, now=now)
                with Progress(
                    TextColumn("{task.description}"),
                    BarColumn(),
                    MofNCompleteColumn(),
                    TimeElapsedColumn(),
                    console=err,
                ) as bar:
                    tasks = {name: bar.add_task(name, total=max(count, 0)) for name, count in due.items()}
                    report = retention.run(
                        db.engine,
                        config,
                        now=now,
                        by=by,
                        batch_size=batch_size,
                        progress=lambda name, done: bar.advance(tasks[name], done),
                    )
        except ValueError as exc:  # a schedule naming a category this engine cannot enforce
            raise fail(str(exc)) from None
    table = Table(title="Retention (dry run: nothing changed)" if dry_run else "Retention run")
    table.add_column("category")
    table.add_column("due" if dry_run else "done", justify="right")
    table.add_column("period")
    for name, count in report.counts.items():
        rule = config.retention[name]
        table.add_row(name, f"{count:,}", f"{rule.months} months from {rule.counts_from.value}")
    console.print(table)
    console.print(f"run {report.id}")


# --- holds ------------------------------------------------------------------------------------------------------------


@hold_app.command("place")
def place(
    application_id: Annotated[str, typer.Argument(help="The application to keep.")],
    kind: Annotated[str, typer.Option(help="open_claim, open_dispute or sanctions.")],
    reason: Annotated[str, typer.Option(help="Why the data must be kept (internal).")],
    by: Annotated[str, typer.Option(help="Who places the hold.")],
    until: Annotated[str | None, typer.Option(help="Last day of the hold (YYYY-MM-DD).")] = None,
    regime_ended: Annotated[
        str | None, typer.Option(help="Sanctions: the day the sanction regime ended; the hold lasts 5 years more.")
    ] = None,
) -> None:
    """Keep an application's data despite erasure requests and the retention schedule."""
    from engine.errors import DomainError
    from engine.privacy.holds import HoldKind, place_hold, sanctions_until

    try:
        chosen = HoldKind(kind)
    except ValueError:
        raise fail(f"--kind: {kind!r} is not one of {', '.join(k.value for k in HoldKind)}", BAD_INPUT) from None
    if until is not None and regime_ended is not None:
        raise fail("give --until or --regime-ended, not both", BAD_INPUT)
    last_day = _day(until, "--until") if until is not None else None
    if regime_ended is not None:
        if chosen is not HoldKind.SANCTIONS:
            raise fail("--regime-ended is for a sanctions hold (--kind sanctions)", BAD_INPUT)
        last_day = sanctions_until(_day(regime_ended, "--regime-ended"))
    settings = load_settings()
    with _database(settings) as db:
        try:
            with db.engine.begin() as connection:
                row = place_hold(
                    connection,
                    application_id=application_id,
                    kind=chosen,
                    reason=reason,
                    by=by,
                    now=datetime.now(UTC),
                    until=last_day,
                )
        except DomainError as exc:
            raise fail(str(exc), BAD_INPUT) from None
    console.print(f"hold {row['id']} ({chosen.value}) on {application_id}" + (f" until {last_day}" if last_day else ""))


@hold_app.command("release")
def release(
    hold_id: Annotated[str, typer.Argument(help="The hold to end.")],
    reason: Annotated[str, typer.Option(help="Why it ends.")],
    by: Annotated[str, typer.Option(help="Who releases it.")],
) -> None:
    """End a recorded hold (the record of it stays)."""
    from engine.errors import DomainError
    from engine.privacy.holds import release_hold

    settings = load_settings()
    with _database(settings) as db:
        try:
            with db.engine.begin() as connection:
                release_hold(connection, hold_id=hold_id, by=by, reason=reason, now=datetime.now(UTC))
        except DomainError as exc:
            raise fail(str(exc), BAD_INPUT) from None
    console.print(f"hold {hold_id} released")


@hold_app.command("list")
def list_(
    application: Annotated[str | None, typer.Option(help="Only this application's holds, derived ones too.")] = None,
) -> None:
    """Recorded holds (released ones too); for one application also the holds derived from its data (an active
    review case, a sanctions hit)."""
    from engine.privacy.holds import holds_on, list_holds
    from engine.privacy.retention import dutch_day

    settings = load_settings()
    now = datetime.now(UTC)
    with _database(settings) as db, db.engine.connect() as connection:
        rows = list_holds(connection, application_id=application)
        derived = []
        if application is not None:
            derived = [
                h for h in holds_on(connection, [application], today=dutch_day(now)).get(application, []) if h.derived
            ]
    if not rows and not derived:
        console.print("no legal holds")
    for row in rows:
        state = f"released {row['released_at']:%Y-%m-%d} by {row['released_by']}" if row["released_at"] else "in force"
        if row["released_at"] is None and row["until"] is not None and row["until"] < dutch_day(now):
            state = "lapsed"
        until = f", until {row['until']}" if row["until"] else ""
        console.print(
            f"[bold]{row['id']}[/bold] {row['kind']} on {row['application_id']}: {state}{until}", highlight=False
        )
        console.print(f"  placed {row['placed_at']:%Y-%m-%d} by {row['placed_by']}: {row['reason']}", highlight=False)
        if row["release_reason"]:
            console.print(f"  released because: {row['release_reason']}", highlight=False)
    for hold in derived:
        console.print(f"[bold](derived)[/bold] {hold.kind.value} on {hold.application_id}: in force", highlight=False)
        console.print(f"  {hold.reason.en}", highlight=False)


# --- cover ------------------------------------------------------------------------------------------------------------


@cover_app.command("end")
def end_cover(
    application_id: Annotated[str, typer.Argument(help="The accepted application whose cover ended.")],
    on: Annotated[str, typer.Option("--on", help="The day the cover ended (YYYY-MM-DD).")],
) -> None:
    """Record that an accepted application's insurance ended: its retention period counts from that day."""
    from sqlalchemy import select, update

    from engine.store.decisions import latest_decision_id
    from engine.store.tables import ApplicationRecord, DecisionRecord, table_of

    ended = _day(on, "--on")
    applications, decisions = table_of(ApplicationRecord), table_of(DecisionRecord)
    settings = load_settings()
    with _database(settings) as db, db.engine.begin() as connection:
        row = connection.execute(select(applications).where(applications.c.id == application_id)).mappings().first()
        if row is None:
            raise fail(f"no application {application_id}", BAD_INPUT)
        if row["superseded_by"] is not None:
            raise fail(
                f"application {application_id} was corrected: its newest version is {row['superseded_by']}; "
                "end the cover of the newest version",
                BAD_INPUT,
            )
        if row["erased_at"] is not None:
            raise fail(f"application {application_id} was erased on {row['erased_at']:%Y-%m-%d}", BAD_INPUT)
        latest = latest_decision_id(connection, application_id)
        outcome = connection.execute(select(decisions.c.outcome).where(decisions.c.id == latest)).scalar_one_or_none()
        if outcome != "accepted":
            raise fail(
                f"application {application_id} is {outcome or 'undecided'}, not accepted: there is no cover to end",
                BAD_INPUT,
            )
        received = row["received_at"].date()
        if ended < received:
            raise fail(f"--on {ended} is before the application was received ({received})", BAD_INPUT)
        connection.execute(update(applications).where(applications.c.id == application_id).values(cover_ended_on=ended))
    console.print(f"cover of {application_id} ended on {ended}")
