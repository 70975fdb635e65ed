"""Commands: `underwrite privacy ...`: data-subject requests on their clock, a person's export, and the marketing
and training selections (which leave out everyone whose data may not be used for them)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.table import Table

from engine.cli_support import console, err, fail, load_settings

if TYPE_CHECKING:
    from engine.store.database import Database

privacy_app = typer.Typer(
    help="Data-subject requests (access, portability, rectification, restriction, erasure, objection), a person's "
    "data export, and the marketing and training selections.",
    no_args_is_help=True,
)
BAD_INPUT = 2


@contextmanager
def _database() -> Iterator[Database]:
    from engine.bootstrap import open_database

    settings = load_settings()
    try:
        db = open_database(settings)
    except (ValueError, RuntimeError) as exc:
        raise fail(str(exc)) from None
    try:
        yield db
    finally:
        db.close()


def _write_out(data: bytes, out: Path | None) -> None:
    if out is None:
        typer.echo(data.decode())
        return
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise fail(f"--out: cannot write {out}: {exc.strerror}", BAD_INPUT) from None
    err.print(f"written to {out}")


@privacy_app.command("requests")
def requests(
    state: Annotated[str | None, typer.Option(help="open, completed or refused.")] = None,
    clock: Annotated[str | None, typer.Option(help="on_time, due_soon, overdue or closed.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Privacy requests, soonest due first, with how many are open, due soon and overdue."""
    from engine.privacy.clock import ClockState
    from engine.privacy.config import load_privacy_config
    from engine.privacy.requests import RequestState, list_requests, state_of_clock

    try:
        wanted_state = RequestState(state) if state else None
        wanted_clock = ClockState(clock) if clock else None
    except ValueError as exc:
        raise fail(f"{exc}; see --help", BAD_INPUT) from None
    settings = load_settings()
    try:
        soon = load_privacy_config(settings.privacy_config).request_due_soon_days
    except ValueError as exc:
        raise fail(str(exc)) from None
    now = datetime.now(UTC)
    with _database() as db, db.engine.connect() as connection:
        page = list_requests(connection, now=now, soon_days=soon, state=wanted_state, clock=wanted_clock, limit=1000)
    rows = [
        {
            "id": row["id"],
            "kind": row["kind"],
            "state": row["state"],
            "clock": state_of_clock(row, now=now, soon_days=soon).value,
            "received_at": row["received_at"].isoformat(),
            "due_at": row["due_at"].isoformat(),
            "extended": row["extended_at"] is not None,
        }
        for row in page.rows
    ]
    if as_json:
        summary = {"open": page.open, "due_soon": page.due_soon, "overdue": page.overdue, "requests": rows}
        typer.echo(orjson.dumps(summary, option=orjson.OPT_INDENT_2).decode())
        return
    table = Table(title=f"Privacy requests: {page.open} open, {page.due_soon} due soon, {page.overdue} overdue")
    for name in ("id", "kind", "state", "clock", "received", "due", "extended"):
        table.add_column(name)
    colours = {"overdue": "red", "due_soon": "yellow"}
    for row in rows:
        style = colours.get(str(row["clock"]))
        table.add_row(
            str(row["id"])[:8],
            str(row["kind"]),
            str(row["state"]),
            f"[{style}]{row['clock']}[/{style}]" if style else str(row["clock"]),
            str(row["received_at"])[:10],
            str(row["due_at"])[:10],
            "yes" if row["extended"] else "",
        )
    console.print(table)


@privacy_app.command("export")
def export(
    application: Annotated[str, typer.Argument(help="An application or decision id of the person.")],
    staff: Annotated[str, typer.Option(help="Your staff username (privacy role): the read is logged under it.")],
    fmt: Annotated[str, typer.Option("--format", help="json, or csv (a ZIP of tables).")] = "json",
    out: Annotated[Path | None, typer.Option(help="Write to this file (default: JSON to stdout).")] = None,
) -> None:
    """Everything held about the person an application is about (all their applications), as the applicant's own
    download gives it: for a request that reached us by letter. Logged as a read by the named privacy officer."""
    from engine.privacy.config import load_privacy_config
    from engine.privacy.export import export_csv, subject_export
    from engine.privacy.subject import applications_of, subject_of
    from engine.review.cases import log_access
    from engine.review.roles import Role
    from engine.review.staff import get_staff_by_username
    from engine.store.decisions import get_decision

    if fmt not in ("json", "csv"):
        raise fail("--format: use json or csv", BAD_INPUT)
    if fmt == "csv" and out is None:
        raise fail("--out: a CSV export is a ZIP archive; name the file to write it to", BAD_INPUT)
    settings = load_settings()
    config = load_privacy_config(settings.privacy_config)
    now = datetime.now(UTC)
    with _database() as db, db.engine.begin() as connection:
        member = get_staff_by_username(connection, staff)
        if member is None or member.role is not Role.PRIVACY:
            raise fail(f"--staff: {staff!r} is not a privacy officer's account", BAD_INPUT)
        record = get_decision(connection, application)
        keys = subject_of(connection, record["application_id"] if record else application)
        if not keys:
            raise fail(f"no application or decision {application!r}", BAD_INPUT)
        for application_id in applications_of(connection, keys):
            log_access(connection, member=member, action="privacy_export", now=now, application_id=application_id)
        document = subject_export(connection, keys, now=now, config=config)
    data = export_csv(document) if fmt == "csv" else orjson.dumps(document, option=orjson.OPT_INDENT_2)
    _write_out(data, out)


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


@privacy_app.command("marketing-selection")
def marketing(
    out: Annotated[Path | None, typer.Option(help="Write the CSV here (default: stdout).")] = None,
) -> None:
    """Who may be sent marketing e-mail today: accepted, cover running, consent given; never anyone who objected
    to marketing or whose data are restricted, and nobody whose data were erased."""
    from engine.examples import dutch_today
    from engine.privacy.selections import MARKETING_COLUMNS, marketing_selection

    with _database() as db, db.engine.connect() as connection:
        rows = marketing_selection(connection, today=dutch_today())
    _write_out(_csv(rows, list(MARKETING_COLUMNS)), out)
    err.print(f"{len(rows)} people selected")


@privacy_app.command("training-export")
def training(
    out: Annotated[Path, typer.Option(help="Write the CSV here.")],
) -> None:
    """The facts and machine outcome of every application's latest automated decision, for training a risk model:
    no direct identifiers, and nothing of people whose data are restricted or who objected to further processing."""
    from engine.privacy.selections import training_rows

    with _database() as db, db.engine.connect() as connection:
        rows = list(training_rows(connection))
    columns = sorted({name for row in rows for name in row}, key=lambda n: (n.startswith("fact."), n))
    _write_out(_csv(rows, columns), out)
    err.print(f"{len(rows)} decisions exported")
