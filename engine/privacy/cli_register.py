"""Commands: `underwrite register ...` (the register of processing) and `underwrite breach ...`."""

from __future__ import annotations

from datetime import date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from engine.cli_support import console, err, fail, load_settings
from engine.decision.core import DUTCH_TIME
from engine.domain.application import Language

if TYPE_CHECKING:
    from engine.privacy.breach import BreachReportOut

register_app = typer.Typer(help="The register of processing (verwerkingsregister).", no_args_is_help=True)
breach_app = typer.Typer(help="Data breaches: the figures a notification needs.", no_args_is_help=True)

USAGE = 2  # exit code of a request the command cannot carry out as asked


class Format(StrEnum):
    JSON = "json"
    MARKDOWN = "markdown"


@register_app.command("export")
def export(
    lang: Annotated[Language, typer.Option(help="Language of the register.")] = Language.NL,
    format_: Annotated[Format, typer.Option("--format", help="JSON (as the API gives it) or Markdown.")] = Format.JSON,
    out: Annotated[Path | None, typer.Option(help="File to write; default: standard output.")] = None,
    internal: Annotated[
        bool, typer.Option(help="Include the conditions of the fraud and sanctions rules (not for publication).")
    ] = False,
) -> None:
    """The register of processing, generated from the privacy configuration, the policies in effect today and each
    product's active risk model (the one recorded in the database)."""
    from engine.bootstrap import attach_models, build_runtime, load_models, open_database
    from engine.privacy.register import build_register, products_in_effect, read_config, render_markdown

    settings = load_settings()
    try:
        config, config_hash = read_config(settings.privacy_config)
        runtime = build_runtime(settings)
        shelf = load_models(settings, runtime)
        db = open_database(settings)
    except (ValueError, RuntimeError) as exc:  # the configuration, a policy, a model or the database
        raise fail(str(exc), code=USAGE) from None
    try:
        runtime = attach_models(settings, db, runtime, shelf)  # which model each product uses is in the database
        today = datetime.now(DUTCH_TIME).date()
        register = build_register(
            config,
            config_hash=config_hash,
            products=products_in_effect(runtime, today),
            language=lang,
            as_of=today,
            internal=internal,
        )
    except (ValueError, RuntimeError) as exc:
        raise fail(str(exc), code=USAGE) from None
    finally:
        db.close()
    text = render_markdown(register) if format_ is Format.MARKDOWN else register.model_dump_json(indent=2) + "\n"
    if out is None:
        console.file.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"{out.name}: cannot be written: {exc.strerror}", code=USAGE) from None
    err.print(f"written: {out} ({register.language.value}, {format_.value})")


def parse_moment(value: str, *, option: str, end_of_day: bool = False) -> datetime:
    """A date (the start of that day, or its end with ``end_of_day``) or a date and time; without a time zone, Dutch
    time."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        raise fail(
            f"{option}: {value!r} is not a date (2026-11-25) or date and time (2026-11-25T14:30)", USAGE
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=DUTCH_TIME)


@breach_app.command("report")
def report(
    since: Annotated[str, typer.Option(help="Start of the window: DATE or DATETIME (Dutch time without a zone).")],
    until: Annotated[str | None, typer.Option(help="End of the window (a date: its end); default now.")] = None,
    tables: Annotated[
        str | None, typer.Option(help="Tables affected, comma-separated; default every table with personal data.")
    ] = None,
    staff: Annotated[str | None, typer.Option(help="Only what this member of staff (username) viewed.")] = None,
    discovered: Annotated[
        str | None, typer.Option(help="When the breach was discovered (the 72 hours count from it); default now.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of tables.")] = False,
) -> None:
    """The figures a notification to the Autoriteit Persoonsgegevens needs within 72 hours: per table the records
    and the approximate number of people, the categories of personal data (special ones flagged), and the staff
    access log of the window."""
    from sqlalchemy.exc import SQLAlchemyError

    from engine.bootstrap import open_database
    from engine.privacy.breach import BreachError, breach_report
    from engine.privacy.register import read_config

    now = datetime.now(DUTCH_TIME)
    start = parse_moment(since, option="--since")
    end = parse_moment(until, option="--until", end_of_day=True) if until else now
    found = parse_moment(discovered, option="--discovered") if discovered else now
    names = [name.strip() for name in tables.split(",") if name.strip()] if tables else None
    settings = load_settings()
    try:
        config, _ = read_config(settings.privacy_config)
        db = open_database(settings)
    except (ValueError, RuntimeError) as exc:
        raise fail(str(exc), code=USAGE) from None
    try:
        with db.engine.connect() as connection:
            result = breach_report(
                connection, config, since=start, until=end, tables=names, staff=staff, discovered=found
            )
    except BreachError as exc:
        raise fail(str(exc), code=USAGE) from None
    except SQLAlchemyError as exc:
        raise fail(f"the database could not be read: {exc.__class__.__name__}", code=USAGE) from None
    finally:
        db.close()
    if as_json:
        console.file.write(result.model_dump_json(indent=2) + "\n")
        return
    _print_report(result, now=now)


def _print_report(result: BreachReportOut, *, now: datetime) -> None:
    def local(moment: datetime) -> str:
        return f"{moment.astimezone(DUTCH_TIME):%Y-%m-%d %H:%M}"

    who = f", viewed by {result.staff_member}" if result.staff_member else ""
    table = Table(title=f"personal data, window {local(result.since)} – {local(result.until)}{who}")
    table.add_column("table")
    table.add_column("records", justify="right")
    table.add_column("changed in window", justify="right")
    table.add_column("people (approx.)", justify="right")
    table.add_column("categories")
    for row in result.tables:
        changed = "–" if row.changed_in_window is None else f"{row.changed_in_window:,}"
        categories = ", ".join(f"[bold]{c}[/bold]" if c in row.special_categories else c for c in row.categories)
        table.add_row(row.table, f"{row.records:,}", changed, f"{row.people:,}", categories)
    summary = result.summary
    table.add_section()
    table.add_row("total", f"{summary.records:,}", f"{summary.changed_in_window:,}", f"{summary.people:,}", "")
    console.print(table)
    access = result.access
    console.print(
        f"staff access log: {access.accesses:,} reads by {access.staff:,} member(s) of staff, "
        f"{access.applications:,} application(s), about {access.people:,} people"
    )
    console.print("categories: " + "; ".join(c.text for c in summary.categories))
    if summary.special_categories:
        console.print(
            "[bold]special categories:[/bold] " + "; ".join(c.special or c.text for c in summary.special_categories)
        )
    left = summary.notify_by - now
    hours = left.total_seconds() / 3600
    state = f"{hours:.0f} hours left" if hours > 0 else f"[red]overdue by {-hours:.0f} hours[/red]"
    console.print(
        f"discovered {local(summary.discovered_at)}: notify the Autoriteit Persoonsgegevens by "
        f"[bold]{local(summary.notify_by)}[/bold] ({state})"
    )
