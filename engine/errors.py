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


class NotFound(DomainError):
    """The thing asked for does not exist (or is not the caller's)."""
