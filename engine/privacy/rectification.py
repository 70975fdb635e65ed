"""Rectification: the application with the person's corrections applied, validated as a new application would
be. The corrected version is decided again (a new application that supersedes the old one, which is kept)."""

from __future__ import annotations

import copy
from typing import Any

from pydantic import ValidationError

from engine.domain.application import AvbApplication, AvpApplication
from engine.errors import InvalidInput
from engine.privacy.subject import parse_application

MAX_CORRECTIONS = 20
_FIXED = ("product",)  # another product is another application, not a correction


def corrected(payload: dict[str, Any], corrections: list[dict[str, Any]]) -> AvpApplication | AvbApplication:
    """The application as received with each correction (a dotted field and its new value) applied; InvalidInput
    names the correction (``corrections.N.field`` or ``.value``) and why, when it cannot be applied or leaves an
    invalid application."""
    if len(corrections) > MAX_CORRECTIONS:
        raise InvalidInput("corrections", f"at most {MAX_CORRECTIONS} corrections in one request")
    changed = copy.deepcopy(payload)
    for index, correction in enumerate(corrections):
        path = str(correction.get("field", "")).split(".")
        if not all(path) or path[0] in _FIXED:
            raise InvalidInput(
                f"corrections.{index}.field",
                "name a field of the application, e.g. applicant.address.postcode (the product cannot be changed)",
            )
        parent: Any = changed
        for name in path[:-1]:
            parent = parent.get(name) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            raise InvalidInput(f"corrections.{index}.field", f"the application has no field {correction['field']!r}")
        parent[path[-1]] = correction.get("value")
    if changed == payload:
        raise InvalidInput("corrections", "the corrections change nothing in the application")
    try:
        return parse_application(changed)
    except ValidationError as exc:
        raise _problem(exc, corrections) from None


def _problem(exc: ValidationError, corrections: list[dict[str, Any]]) -> InvalidInput:
    error = exc.errors(include_url=False)[0]
    where = ".".join(str(part) for part in error["loc"] if part not in ("AVP", "AVB"))
    for index, correction in enumerate(corrections):
        field = str(correction.get("field", ""))
        if where == field or where.startswith(f"{field}.") or field.startswith(f"{where}."):
            return InvalidInput(f"corrections.{index}.value", f"{field}: {error['msg']}")
    return InvalidInput("corrections", f"the corrected application is not valid at {where}: {error['msg']}")
