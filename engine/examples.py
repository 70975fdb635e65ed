"""The example applications shipped in ``data/examples/``, and the same examples dated for today.

The files carry fixed dates (as of :data:`EXAMPLES_AS_OF`); a cover start date soon lies in the past and a declared
claim soon falls outside the five-year window. :func:`load_example` with ``today`` shifts the dates in an example by
the days since then, so claim ages, company ages and the start date stay exactly as meant. Dates of birth stay: they
identify a person in the registers the checks consult (the examples with planted register cases rely on it), and the
examples' people are adults far from any age limit.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.config import PROJECT_ROOT
from engine.decision.core import DUTCH_TIME

EXAMPLES_DIR = PROJECT_ROOT / "data" / "examples"
EXAMPLES_AS_OF = date(2026, 11, 25)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def dutch_today() -> date:
    return datetime.now(DUTCH_TIME).date()


def example_names(directory: Path = EXAMPLES_DIR) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.json"))


def load_example(name: str, *, today: date | None = None, directory: Path = EXAMPLES_DIR) -> dict[str, Any]:
    """An example application as JSON data; dated for ``today`` when given."""
    path = directory / f"{name.removesuffix('.json')}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no example {name!r}; there are: {', '.join(example_names(directory))}")
    body: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if today is None:
        return body
    shifted: dict[str, Any] = _shift(body, timedelta(days=(today - EXAMPLES_AS_OF).days))
    return shifted


FIXED_DATES = frozenset({"date_of_birth"})


def _shift(value: Any, delta: timedelta) -> Any:
    if isinstance(value, dict):
        return {key: item if key in FIXED_DATES else _shift(item, delta) for key, item in value.items()}
    if isinstance(value, list):
        return [_shift(item, delta) for item in value]
    if isinstance(value, str) and _ISO_DATE.match(value):
        return (date.fromisoformat(value) + delta).isoformat()
    return value
