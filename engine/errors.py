"""Domain errors. Services raise these; ``engine.api.errors`` maps each to an HTTP status once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    loc: tuple[str | int, ...]
    msg: str
    code: str = "invalid"


class DomainError(Exception):
    """Base of errors a client can act on."""


class InvalidApplication(DomainError):
    def __init__(self, problems: Sequence[FieldProblem]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, p.loc))}: {p.msg}" for p in problems))
        self.problems = list(problems)


class IdempotencyConflict(DomainError):
    """The same Idempotency-Key was used before with a different request body."""


class StoreUnavailable(DomainError):
    """The decision could not be recorded; nothing was answered, so the client may retry with the same key."""

    def __init__(self, message: str, *, detail: str | None = None) -> None:
        super().__init__(message)
        self.detail = detail  # what the client is told, when not the default about decisions


class NotFound(DomainError):
    """The thing asked for does not exist (or is not the caller's)."""


class InvalidInput(DomainError):
    """A request whose content is wrong in a way the schema cannot see; names the field."""

    def __init__(self, field: str, msg: str) -> None:
        super().__init__(f"{field}: {msg}")
        self.field = field
        self.msg = msg


class Conflict(DomainError):
    """The request conflicts with the current state (a case claimed by someone else, a duplicate name)."""


class Forbidden(DomainError):
    """The caller is known but may not do this (outside their role or authority)."""


class NotReplayable(DomainError):
    """A decision that cannot be re-run by the machine (a person took it)."""


class TooManyAttempts(DomainError):
    """Too many failed attempts from this client; try again after ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed attempts; try again in {retry_after} s")
        self.retry_after = retry_after
