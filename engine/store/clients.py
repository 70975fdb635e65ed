"""API clients (form integrations) and their keys. Keys are random, 128+ bits, and stored as SHA-256 hashes:
a fast hash suits a high-entropy machine secret (argon2 is for guessable passwords and would cost each request
tens of milliseconds)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from engine.store.tables import ApiClientRecord, table_of

_clients = table_of(ApiClientRecord)


@dataclass(frozen=True, slots=True)
class ApiClient:
    id: str
    name: str


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _split(key: str) -> tuple[str, str] | None:
    parts = key.split("_")
    if len(parts) != 3 or parts[0] != "uw" or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def create_api_client(
    connection: Connection, *, name: str, now: datetime, key: str | None = None
) -> tuple[ApiClient, str]:
    """Create a client and return it with its key, which is shown this once and never stored in the clear."""
    key = key or f"uw_{secrets.token_hex(6)}_{secrets.token_hex(20)}"
    split = _split(key)
    if split is None:
        raise ValueError("an API key has the form uw_<prefix>_<secret>")
    client = ApiClient(id=str(uuid.uuid4()), name=name)
    connection.execute(
        insert(_clients).values(
            id=client.id,
            name=name,
            key_prefix=split[0],
            key_hash=hash_key(key),
            created_at=now,
            revoked_at=None,
        )
    )
    return client, key


def get_client_by_key(connection: Connection, key: str) -> ApiClient | None:
    split = _split(key)
    if split is None:
        return None
    row = connection.execute(
        select(_clients.c.id, _clients.c.name, _clients.c.key_hash).where(
            _clients.c.key_prefix == split[0], _clients.c.revoked_at.is_(None)
        )
    ).first()
    if row is None or not hmac.compare_digest(row.key_hash, hash_key(key)):
        return None
    return ApiClient(id=row.id, name=row.name)


def get_client_by_prefix(connection: Connection, prefix: str) -> ApiClient | None:
    row = connection.execute(select(_clients.c.id, _clients.c.name).where(_clients.c.key_prefix == prefix)).first()
    return ApiClient(id=row.id, name=row.name) if row else None


def revoke_api_client(connection: Connection, *, prefix: str, now: datetime) -> bool:
    result = connection.execute(
        update(_clients).where(_clients.c.key_prefix == prefix, _clients.c.revoked_at.is_(None)).values(revoked_at=now)
    )
    return result.rowcount == 1


def list_api_clients(connection: Connection) -> list[dict[str, object]]:
    rows = connection.execute(
        select(_clients.c.name, _clients.c.key_prefix, _clients.c.created_at, _clients.c.revoked_at).order_by(
            _clients.c.created_at
        )
    ).mappings()
    return [dict(row) for row in rows]
