"""The database a running process uses: a reading engine and the single writer."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine

from engine.store.db import create_db_engine
from engine.store.writer import SingleWriter


@dataclass
class Database:
    engine: Engine
    writer: SingleWriter
    stored_policies: set[str] = field(default_factory=set)  # content hashes of policy versions known to be stored

    @classmethod
    def open(cls, url: str, *, sqlite_synchronous: str = "FULL", batch_size: int = 64) -> Database:
        engine = create_db_engine(url, sqlite_synchronous=sqlite_synchronous)
        return cls(engine=engine, writer=SingleWriter(engine, batch_size=batch_size))

    def close(self) -> None:
        self.writer.close()
        self.engine.dispose()
