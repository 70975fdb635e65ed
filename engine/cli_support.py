"""What every `underwrite` command shares: its consoles (output on stdout, messages on stderr), a clean failure, and
the settings read once with logs sent to stderr."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from engine.config import Settings
from engine.logs import configure_logging

console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print the message (no traceback) and return the exit to raise."""
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValueError as exc:
        raise fail(str(exc)) from None
    # a command's own output (JSON from `decide`, tables) goes to stdout; logs go to stderr
    configure_logging(level=settings.log_level, json=settings.log_json, stream=sys.stderr)
    return settings
