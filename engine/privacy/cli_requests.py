"""Commands: `underwrite privacy ...`: data-subject requests, exports, marketing and training selections."""

from __future__ import annotations

import typer

privacy_app = typer.Typer(help="Data-subject requests and what they do.", no_args_is_help=True)
