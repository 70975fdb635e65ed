"""Review: staff accounts and sessions, review cases and their events, human decisions' texts, the staff access log,
objections to automated decision-making, the automation switch; decision records gain a `review` column.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 20:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from engine.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("decision_records", sa.Column("review", JSON, nullable=True))
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_accounts")),
        sa.UniqueConstraint("username", name=op.f("uq_staff_accounts_username")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_accounts.id"], name=op.f("fk_staff_sessions_staff_id_staff_accounts")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_staff_sessions")),
    )
    op.create_table(
        "review_cases",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("product", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("route", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=36), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("outcome_decision_id", sa.String(length=36), nullable=True),
        sa.Column("machine_view", sa.String(length=16), nullable=True),
        sa.Column("reason_codes", JSON, nullable=False),
        sa.Column("insured_limit_eur", sa.Integer(), nullable=False),
        sa.Column("needs_senior", sa.Boolean(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=True),
        sa.Column("corrections", JSON, nullable=False),
        sa.Column("handling_seconds", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_review_cases_application_id_applications")
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by"], ["staff_accounts.id"], name=op.f("fk_review_cases_claimed_by_staff_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision_records.id"], name=op.f("fk_review_cases_decision_id_decision_records")
        ),
        sa.ForeignKeyConstraint(
            ["outcome_decision_id"],
            ["decision_records.id"],
            name=op.f("fk_review_cases_outcome_decision_id_decision_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_cases")),
    )
    op.create_index("ix_review_cases_state_due_at", "review_cases", ["state", "due_at"])
    op.create_index(
        "uq_review_cases_active_application",
        "review_cases",
        ["application_id"],
        unique=True,
        sqlite_where=sa.text("state != 'decided'"),
        postgresql_where=sa.text("state != 'decided'"),
    )
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["review_cases.id"], name=op.f("fk_review_events_case_id_review_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_events")),
    )
    op.create_index(op.f("ix_review_events_case_id"), "review_events", ["case_id"])
    op.create_table(
        "human_decision_texts",
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("applicant_explanation", sa.Text(), nullable=False),
        sa.Column("salt", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decision_records.id"], name=op.f("fk_human_decision_texts_decision_id_decision_records")
        ),
        sa.PrimaryKeyConstraint("decision_id", name=op.f("pk_human_decision_texts")),
    )
    op.create_table(
        "staff_access_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("staff_id", sa.String(length=36), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=True),
        sa.Column("decision_id", sa.String(length=36), nullable=True),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff_accounts.id"], name=op.f("fk_staff_access_log_staff_id_staff_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_access_log")),
    )
    op.create_index(op.f("ix_staff_access_log_application_id"), "staff_access_log", ["application_id"])
    op.create_table(
        "automated_decision_objections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("identity_key", sa.String(length=64), nullable=False),
        sa.Column("application_id", sa.String(length=36), nullable=False),
        sa.Column("decision_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_automated_decision_objections_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decision_records.id"],
            name=op.f("fk_automated_decision_objections_decision_id_decision_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automated_decision_objections")),
    )
    op.create_index(
        op.f("ix_automated_decision_objections_identity_key"), "automated_decision_objections", ["identity_key"]
    )
    op.create_table(
        "automation_suspensions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("product", sa.String(length=8), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("suspended_by", sa.String(length=36), nullable=False),
        sa.Column("suspended_at", UTCDateTime(), nullable=False),
        sa.Column("resumed_by", sa.String(length=36), nullable=True),
        sa.Column("resumed_at", UTCDateTime(), nullable=True),
        sa.Column("resume_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["resumed_by"], ["staff_accounts.id"], name=op.f("fk_automation_suspensions_resumed_by_staff_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["suspended_by"],
            ["staff_accounts.id"],
            name=op.f("fk_automation_suspensions_suspended_by_staff_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_suspensions")),
    )


def downgrade() -> None:
    op.drop_table("automation_suspensions")
    op.drop_index(op.f("ix_automated_decision_objections_identity_key"), table_name="automated_decision_objections")
    op.drop_table("automated_decision_objections")
    op.drop_index(op.f("ix_staff_access_log_application_id"), table_name="staff_access_log")
    op.drop_table("staff_access_log")
    op.drop_table("human_decision_texts")
    op.drop_index(op.f("ix_review_events_case_id"), table_name="review_events")
    op.drop_table("review_events")
    op.drop_index("uq_review_cases_active_application", table_name="review_cases")
    op.drop_index("ix_review_cases_state_due_at", table_name="review_cases")
    op.drop_table("review_cases")
    op.drop_table("staff_sessions")
    op.drop_table("staff_accounts")
    op.drop_column("decision_records", "review")  # in place (SQLite 3.35+), so the append-only triggers stay
