"""Privacy: data-subject requests and their clock, subject keys, processing limits (restriction, objections),
legal holds, erasures, retention runs; application versions (rectification), cover end and erasure marks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 23:29:46.455153
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from engine.store.types import JSONType, UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_identifier_sightings_person", "identifier_sightings", ["person"])

    op.create_table(
        "retention_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("run_by", sa.String(length=200), nullable=False),
        sa.Column("counts", JSONType, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_runs")),
    )
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("cause", sa.String(length=16), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("removed", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_erasures_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
        sa.UniqueConstraint("application_id", name=op.f("uq_erasures_application_id")),
    )
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=64), nullable=False),
        sa.Column("placed_at", UTCDateTime(), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("released_at", UTCDateTime(), nullable=True),
        sa.Column("released_by", sa.String(length=64), nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_legal_holds_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_application_id"), ["application_id"], unique=False)

    op.create_table(
        "privacy_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("subject_keys", JSONType, nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("filed_by", sa.String(length=64), nullable=False),
        sa.Column("verification", JSONType, nullable=True),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("extended_at", UTCDateTime(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("details", JSONType, nullable=False),
        sa.Column("result", JSONType, nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_privacy_requests_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_requests")),
    )
    with op.batch_alter_table("privacy_requests", schema=None) as batch_op:
        batch_op.create_index("ix_privacy_requests_state_due_at", ["state", "due_at"], unique=False)

    op.create_table(
        "subject_keys",
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("identity_key", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_subject_keys_application_id_applications")
        ),
        sa.PrimaryKeyConstraint("application_id", "identity_key", name=op.f("pk_subject_keys")),
    )
    with op.batch_alter_table("subject_keys", schema=None) as batch_op:
        batch_op.create_index("ix_subject_keys_identity_key", ["identity_key"], unique=False)

    op.create_table(
        "privacy_request_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["privacy_requests.id"], name=op.f("fk_privacy_request_events_request_id_privacy_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_request_events")),
    )
    with op.batch_alter_table("privacy_request_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_request_events_request_id"), ["request_id"], unique=False)

    op.create_table(
        "processing_limits",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("started_by", sa.String(length=64), nullable=False),
        sa.Column("lifted_at", UTCDateTime(), nullable=True),
        sa.Column("lifted_by", sa.String(length=64), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["privacy_requests.id"], name=op.f("fk_processing_limits_request_id_privacy_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_limits")),
    )
    op.create_table(
        "processing_limit_keys",
        sa.Column("limit_id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("key_kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["limit_id"], ["processing_limits.id"], name=op.f("fk_processing_limit_keys_limit_id_processing_limits")
        ),
        sa.PrimaryKeyConstraint("limit_id", "key", name=op.f("pk_processing_limit_keys")),
    )
    with op.batch_alter_table("processing_limit_keys", schema=None) as batch_op:
        batch_op.create_index("ix_processing_limit_keys_key", ["key"], unique=False)

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supersedes_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("superseded_by", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("cover_ended_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("erased_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_index("ix_identifier_sightings_person", table_name="identifier_sightings")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_column("erased_at")
        batch_op.drop_column("cover_ended_on")
        batch_op.drop_column("superseded_by")
        batch_op.drop_column("supersedes_id")

    with op.batch_alter_table("processing_limit_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_processing_limit_keys_key")

    op.drop_table("processing_limit_keys")
    op.drop_table("processing_limits")
    with op.batch_alter_table("privacy_request_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_request_events_request_id"))

    op.drop_table("privacy_request_events")
    with op.batch_alter_table("subject_keys", schema=None) as batch_op:
        batch_op.drop_index("ix_subject_keys_identity_key")

    op.drop_table("subject_keys")
    with op.batch_alter_table("privacy_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_privacy_requests_state_due_at")

    op.drop_table("privacy_requests")
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_holds_application_id"))

    op.drop_table("legal_holds")
    op.drop_table("erasures")
    op.drop_table("retention_runs")
