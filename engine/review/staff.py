"""Staff accounts (argon2-hashed passwords) and their sessions (bearer tokens stored as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, insert, select, update
from sqlalchemy.exc import IntegrityError

from engine.errors import Conflict, InvalidInput
from engine.review.roles import Role
from engine.store.tables import StaffAccountRecord, StaffSessionRecord, table_of

_accounts = table_of(StaffAccountRecord)
_sessions = table_of(StaffSessionRecord)
_hasher = PasswordHasher()  # argon2id with the library's recommended parameters; stateless, safe to share


@cache
def _decoy_hash() -> str:
    """Compared against when the username is unknown, so that an unknown name takes as long as a wrong password
    (made on first use, not at import)."""
    return _hasher.hash("not a password")


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True, slots=True)
class StaffMember:
    id: str
    username: str
    display_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class StaffSession:
    token: str
    expires_at: datetime
    staff: StaffMember


def _member(row: object) -> StaffMember:
    mapping = row._mapping  # type: ignore[attr-defined]
    return StaffMember(mapping["id"], mapping["username"], mapping["display_name"], Role(mapping["role"]))


def create_staff(
    connection: Connection, *, username: str, display_name: str, role: Role, password: str, now: datetime
) -> StaffMember:
    """A new account; the password is kept only as an argon2 hash."""
    if not USERNAME.match(username):
        raise InvalidInput("username", "use 2-64 lower-case letters, digits, dots, dashes or underscores")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password", f"use at least {MIN_PASSWORD_LENGTH} characters")
    member = StaffMember(str(uuid.uuid4()), username, display_name or username, role)
    try:
        with connection.begin_nested():
            connection.execute(
                insert(_accounts).values(
                    id=member.id,
                    username=username,
                    display_name=member.display_name,
                    role=role.value,
                    password_hash=_hasher.hash(password),
                    created_at=now,
                    disabled_at=None,
                )
            )
    except IntegrityError:
        raise Conflict(f"there is already an account {username!r}") from None
    return member


def get_staff_by_username(connection: Connection, username: str) -> StaffMember | None:
    row = connection.execute(select(_accounts).where(_accounts.c.username == username)).first()
    return _member(row) if row else None


def list_staff(connection: Connection) -> list[tuple[StaffMember, datetime | None]]:
    rows = connection.execute(select(_accounts).order_by(_accounts.c.username)).all()
    return [(_member(row), row.disabled_at) for row in rows]


def disable_staff(connection: Connection, *, username: str, now: datetime) -> bool:
    """Disable an account and end its sessions; False when there is no such active account."""
    member = get_staff_by_username(connection, username)
    if member is None:
        return False
    done = connection.execute(
        update(_accounts).where(_accounts.c.id == member.id, _accounts.c.disabled_at.is_(None)).values(disabled_at=now)
    )
    connection.execute(
        update(_sessions).where(_sessions.c.staff_id == member.id, _sessions.c.ended_at.is_(None)).values(ended_at=now)
    )
    return done.rowcount == 1


def verify_password(connection: Connection, *, username: str, password: str) -> StaffMember | None:
    """The member whose password this is, or None (unknown, disabled or wrong: the same answer, the same time)."""
    row = connection.execute(select(_accounts).where(_accounts.c.username == username)).first()
    try:
        _hasher.verify(row.password_hash if row else _decoy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or row.disabled_at is not None:
        return None
    return _member(row)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(connection: Connection, *, member: StaffMember, now: datetime, hours: float) -> StaffSession:
    token = "st_" + secrets.token_urlsafe(32)
    expires_at = now + timedelta(hours=hours)
    connection.execute(
        insert(_sessions).values(
            token_hash=_token_hash(token), staff_id=member.id, created_at=now, expires_at=expires_at, ended_at=None
        )
    )
    return StaffSession(token, expires_at, member)


_SESSION_MEMBER = (
    select(_accounts, _sessions.c.expires_at)
    .join(_sessions, _sessions.c.staff_id == _accounts.c.id)
    .where(_sessions.c.ended_at.is_(None), _accounts.c.disabled_at.is_(None))
)


def member_of_session(connection: Connection, *, token: str, now: datetime) -> StaffMember | None:
    """The member logged in with this token, while the session lasts."""
    row = connection.execute(_SESSION_MEMBER.where(_sessions.c.token_hash == _token_hash(token))).first()
    if row is None or row.expires_at <= now:
        return None
    return _member(row)


def end_session(connection: Connection, *, token: str, now: datetime) -> None:
    connection.execute(
        update(_sessions)
        .where(_sessions.c.token_hash == _token_hash(token), _sessions.c.ended_at.is_(None))
        .values(ended_at=now)
    )
