"""Learning: sessions, steps, responses, skill progress, question ratings, review cards,
activity and achievements

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import devmentor.kit.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "learning_question_ratings",
        sa.Column("skill_id", sa.String(length=120), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("rating", sa.Float(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("updated_at", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint(
            "skill_id", "question_id", name=op.f("pk_learning_question_ratings")
        ),
    )
    op.create_table(
        "learning_achievements",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("unlocked_at", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_achievements_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "code", name=op.f("pk_learning_achievements")),
    )
    op.create_table(
        "learning_activity",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_activity_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_learning_activity")),
    )
    op.create_table(
        "learning_review_cards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("skill_id", sa.String(length=120), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("bloom", sa.String(length=10), nullable=False),
        sa.Column("question", sa.JSON(), nullable=False),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("due", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.Column("reviews", sa.Integer(), nullable=False),
        sa.Column("created_at", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.Column("last_review_at", devmentor.kit.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_review_cards_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_review_cards")),
        sa.UniqueConstraint(
            "user_id", "skill_id", "question_id", name=op.f("uq_learning_review_cards_user_id")
        ),
    )
    with op.batch_alter_table("learning_review_cards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_learning_review_cards_user_id_due", ["user_id", "due"], unique=False
        )

    op.create_table(
        "learning_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("skill_id", sa.String(length=120), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=20), nullable=True),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("seconds_spent", sa.Integer(), nullable=False),
        sa.Column("mastery_at_start", sa.Float(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("started_at", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.Column("last_activity_at", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.Column("completed_at", devmentor.kit.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_sessions")),
    )
    with op.batch_alter_table("learning_sessions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_learning_sessions_user_id_status", ["user_id", "status"], unique=False
        )
        batch_op.create_index(
            "ux_learning_sessions_active_skill",
            ["user_id", "skill_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active' AND kind = 'learn'"),
            postgresql_where=sa.text("status = 'active' AND kind = 'learn'"),
        )

    op.create_table(
        "learning_skill_progress",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("skill_id", sa.String(length=120), nullable=False),
        sa.Column("mastery", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("streak_correct", sa.Integer(), nullable=False),
        sa.Column("streak_wrong", sa.Integer(), nullable=False),
        sa.Column("levels_passed", sa.Integer(), nullable=False),
        sa.Column("ability", sa.Float(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("seconds_spent", sa.Integer(), nullable=False),
        sa.Column("started_at", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.Column("last_practiced_at", devmentor.kit.db.UTCDateTime(), nullable=True),
        sa.Column("mastered_at", devmentor.kit.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_skill_progress_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "skill_id", name=op.f("pk_learning_skill_progress")),
    )
    op.create_table(
        "learning_steps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.String(length=120), nullable=False),
        sa.Column("bloom", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("question", sa.JSON(), nullable=False),
        sa.Column("lesson", sa.Text(), nullable=True),
        sa.Column("lesson_provider", sa.String(length=32), nullable=True),
        sa.Column("lesson_reason", sa.String(length=12), nullable=True),
        sa.Column("hints_shown", sa.Integer(), nullable=False),
        sa.Column("created_at", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.Column("answered_at", devmentor.kit.db.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["learning_sessions.id"],
            name=op.f("fk_learning_steps_session_id_learning_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_steps")),
        sa.UniqueConstraint("session_id", "position", name=op.f("uq_learning_steps_session_id")),
    )
    op.create_table(
        "learning_responses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("step_id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("skill_id", sa.String(length=120), nullable=False),
        sa.Column("question_id", sa.String(length=80), nullable=False),
        sa.Column("bloom", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("hints_used", sa.Integer(), nullable=False),
        sa.Column("mastery_before", sa.Float(), nullable=False),
        sa.Column("mastery_after", sa.Float(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", devmentor.kit.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["learning_sessions.id"],
            name=op.f("fk_learning_responses_session_id_learning_sessions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"],
            ["learning_steps.id"],
            name=op.f("fk_learning_responses_step_id_learning_steps"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_learning_responses_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learning_responses")),
        sa.UniqueConstraint("step_id", name=op.f("uq_learning_responses_step_id")),
    )
    with op.batch_alter_table("learning_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learning_responses_session_id"), ["session_id"], unique=False
        )
        batch_op.create_index(
            "ix_learning_responses_user_id_created_at", ["user_id", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("learning_responses", schema=None) as batch_op:
        batch_op.drop_index("ix_learning_responses_user_id_created_at")
        batch_op.drop_index(batch_op.f("ix_learning_responses_session_id"))

    op.drop_table("learning_responses")
    op.drop_table("learning_steps")
    op.drop_table("learning_skill_progress")
    with op.batch_alter_table("learning_sessions", schema=None) as batch_op:
        batch_op.drop_index(
            "ux_learning_sessions_active_skill",
            sqlite_where=sa.text("status = 'active' AND kind = 'learn'"),
            postgresql_where=sa.text("status = 'active' AND kind = 'learn'"),
        )
        batch_op.drop_index("ix_learning_sessions_user_id_status")

    op.drop_table("learning_sessions")
    with op.batch_alter_table("learning_review_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_learning_review_cards_user_id_due")

    op.drop_table("learning_review_cards")
    op.drop_table("learning_activity")
    op.drop_table("learning_achievements")
    op.drop_table("learning_question_ratings")
