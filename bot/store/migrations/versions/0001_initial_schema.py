"""Initial schema: users, processed updates, cases, transcripts, counselors, clips, aggregates.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Equal to what ``Database.create_schema()`` built before migrations existed, so such a database
is adopted by stamping it at this revision (bot.store.schema).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | tuple[str, ...] | None = None
depends_on: str | tuple[str, ...] | None = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("last_seen", sa.Float(), nullable=False),
        sa.Column("timeout_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_last_seen"), "users", ["last_seen"])
    op.create_index(op.f("ix_users_timeout_at"), "users", ["timeout_at"])

    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("processed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("update_id", name=op.f("pk_processed_updates")),
    )
    op.create_index(op.f("ix_processed_updates_processed_at"), "processed_updates",
                    ["processed_at"])

    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_key", sa.String(length=64), nullable=False),
        sa.Column("chat_id_enc", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("counselor_key", sa.String(length=64), nullable=True),
        sa.Column("opened_at", sa.Float(), nullable=False),
        sa.Column("taken_at", sa.Float(), nullable=True),
        sa.Column("first_reply_at", sa.Float(), nullable=True),
        sa.Column("closed_at", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("helplines_sent", sa.Boolean(), nullable=False),
        sa.Column("realerts", sa.Integer(), nullable=False),
        sa.Column("user_blocked", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("thread_id", name=op.f("uq_cases_thread_id")),
    )
    op.create_index(op.f("ix_cases_closed_at"), "cases", ["closed_at"])
    op.create_index(op.f("ix_cases_status"), "cases", ["status"])
    op.create_index(op.f("ix_cases_user_key"), "cases", ["user_key"])

    op.create_table(
        "case_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=16), nullable=False),
        sa.Column("body_enc", sa.Text(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"],
                                name=op.f("fk_case_messages_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_messages")),
    )
    op.create_index(op.f("ix_case_messages_case_id"), "case_messages", ["case_id"])

    op.create_table(
        "counselors",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("user_id_enc", sa.Text(), nullable=False),
        sa.Column("alias", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_counselors")),
    )
    op.create_index(op.f("ix_counselors_alias"), "counselors", ["alias"])

    op.create_table(
        "clip_files",
        sa.Column("clip_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("clip_id", name=op.f("pk_clip_files")),
    )

    op.create_table(
        "counters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("labels", sa.String(length=400), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_counters")),
        sa.UniqueConstraint("day", "name", "labels", name=op.f("uq_counters_day")),
    )
    op.create_index(op.f("ix_counters_day"), "counters", ["day"])

    op.create_table(
        "unmatched_questions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("pattern", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmatched_questions")),
        sa.UniqueConstraint("day", "language", "pattern",
                            name=op.f("uq_unmatched_questions_day")),
    )
    op.create_index(op.f("ix_unmatched_questions_day"), "unmatched_questions", ["day"])


def downgrade() -> None:
    for table in ("unmatched_questions", "counters", "clip_files", "counselors",
                  "case_messages", "cases", "processed_updates", "users"):
        op.drop_table(table)
