"""Check results' side tables: identifier sightings for fraud velocity, check details, screening alerts.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from engine.store.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "identifier_sightings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("person", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("first_seen", UTCDateTime(), nullable=False),
        sa.Column("last_seen", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", "person", name=op.f("pk_identifier_sightings")),
    )
    op.create_table(
        "check_details",
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("check", sa.String(length=32), nullable=False),
        sa.Column("restricted_to", sa.String(length=32), nullable=True),
        sa.Column("details", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision_records.id"], name=op.f("fk_check_details_decision_id_decision_records")
        ),
        sa.PrimaryKeyConstraint("decision_id", "check", name=op.f("pk_check_details")),
    )
    op.create_table(
        "screening_alerts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("list_version", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("matches", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_screening_alerts_application_id_applications")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision_records.id"], name=op.f("fk_screening_alerts_decision_id_decision_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_alerts")),
        sa.UniqueConstraint("decision_id", "list_version", name="uq_screening_alerts_decision_list"),
    )


def downgrade() -> None:
    op.drop_table("screening_alerts")
    op.drop_table("check_details")
    op.drop_table("identifier_sightings")
