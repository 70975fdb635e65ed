"""API-key authentication for form clients."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sqlalchemy import Engine

from engine.store.clients import ApiClient, get_client_by_key, hash_key


@dataclass
class ApiKeyAuthenticator:
    """Looks keys up in the database and remembers valid ones briefly (a revoked key stops working within ``ttl``)."""

    engine: Engine
    ttl_seconds: float = 30.0
    refused_keys: frozenset[str] = frozenset()  # e.g. the development demo key, outside development
    _cache: dict[str, tuple[float, ApiClient]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def authenticate(self, key: str | None) -> ApiClient | None:
        if not key or key in self.refused_keys:
            return None
        digest = hash_key(key)
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(digest)
        if cached is not None and cached[0] > now:
            return cached[1]
        with self.engine.connect() as connection:
            client = get_client_by_key(connection, key)
        if client is not None:
            with self._lock:
                if len(self._cache) > 10_000:
                    self._cache.clear()
                self._cache[digest] = (now + self.ttl_seconds, client)
        return client
