"""Commands: `underwrite retention ...`, `underwrite hold ...`, `underwrite cover ...`."""

from __future__ import annotations

import typer

retention_app = typer.Typer(
    help="The retention schedule: what is kept how long, and its enforcement.", no_args_is_help=True
)
hold_app = typer.Typer(help="Legal holds: data kept despite erasure or retention.", no_args_is_help=True)
cover_app = typer.Typer(help="Accepted cover: record when it ended (starts its retention).", no_args_is_help=True)
