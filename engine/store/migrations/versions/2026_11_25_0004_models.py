"""Models: the record of which risk model each product uses (activations, never changed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_activations",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=8), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=True),
        sa.Column("content_hash", sa.String(length=71), nullable=True),
        sa.Column("previous_version", sa.String(length=64), nullable=True),
        sa.Column("activated_by", sa.String(length=200), nullable=False),
        sa.Column("activated_at", UTCDateTime(), nullable=False),
        sa.Column("fairness_passed", sa.Boolean(), nullable=True),
        sa.Column("justification", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_activations")),
        sa.UniqueConstraint("seq", name=op.f("uq_model_activations_seq")),
    )
    op.create_index("ix_model_activations_product", "model_activations", ["product", "seq"], unique=False)
    if op.get_context().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER model_activations_no_{action.lower()} BEFORE {action} ON model_activations "
                "BEGIN SELECT RAISE(ABORT, 'model activations are append-only'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION model_activations_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'model activations are append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER model_activations_append_only BEFORE UPDATE OR DELETE ON model_activations "
            "FOR EACH ROW EXECUTE FUNCTION model_activations_append_only()"
        )


def downgrade() -> None:
    if op.get_context().dialect.name == "sqlite":
        op.execute("DROP TRIGGER model_activations_no_update")
        op.execute("DROP TRIGGER model_activations_no_delete")
    else:
        op.execute("DROP TRIGGER model_activations_append_only ON model_activations")
        op.execute("DROP FUNCTION model_activations_append_only()")
    op.drop_index("ix_model_activations_product", table_name="model_activations")
    op.drop_table("model_activations")
