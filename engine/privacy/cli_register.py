"""Commands: `underwrite register ...` (the register of processing) and `underwrite breach ...`."""

from __future__ import annotations

import typer

register_app = typer.Typer(help="The register of processing (verwerkingsregister).", no_args_is_help=True)
breach_app = typer.Typer(help="Data breaches: the figures a notification needs.", no_args_is_help=True)
