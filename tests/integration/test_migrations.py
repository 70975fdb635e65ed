"""Migrations: the head schema is exactly the models, and the whole history goes down and up again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from engine.store.db import alembic_config, create_db_engine, pending_migrations, upgrade
from engine.store.tables import Base


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


APPEND_ONLY_TRIGGERS = {
    "sqlite": {
        "decision_records_no_update",
        "decision_records_no_delete",
        "model_activations_no_update",
        "model_activations_no_delete",
    },
    "postgresql": {"decision_records_append_only", "model_activations_append_only"},
}


def _triggers(engine: Engine) -> set[str]:
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if engine.dialect.name == "sqlite"
        else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    with engine.connect() as connection:
        return set(connection.execute(text(query)).scalars())


def test_head_has_no_difference_from_the_models(engine):
    assert pending_migrations(engine) == []
    assert _diff(engine) == []
    assert _triggers(engine) == APPEND_ONLY_TRIGGERS[engine.dialect.name]


def test_downgrade_to_base_and_upgrade_again(engine):
    command.downgrade(alembic_config(engine), "base")

    assert _tables(engine) == set()
    assert _triggers(engine) == set()
    assert pending_migrations(engine) != []

    upgrade(engine)

    assert _tables(engine) == set(Base.metadata.tables)
    assert pending_migrations(engine) == []
    assert _diff(engine) == []
    with engine.connect() as connection:
        assert tuple(connection.execute(text("SELECT id, seq, record_hash FROM audit_chain_head")).one()) == (
            1,
            0,
            "0" * 64,
        )
    assert _triggers(engine) == APPEND_ONLY_TRIGGERS[engine.dialect.name]


def test_upgrading_a_database_at_head_changes_nothing(engine):
    upgrade(engine)

    assert pending_migrations(engine) == []
    assert _diff(engine) == []
