"""SQLAlchemy models: users (encrypted state), updates, cases, transcripts, aggregates."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UserRow(Base):
    """One pseudonymous user: key = keyed hash of the Telegram id; state is encrypted JSON."""

    __tablename__ = "users"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(Text)
    last_seen: Mapped[float] = mapped_column(Float, index=True)
    timeout_at: Mapped[float | None] = mapped_column(Float, index=True, nullable=True)


class ProcessedUpdate(Base):
    """Each Telegram update_id is processed at most once."""

    __tablename__ = "processed_updates"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[float] = mapped_column(Float, index=True)


class CaseRow(Base):
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_key: Mapped[str] = mapped_column(String(64), index=True)
    chat_id_enc: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(String(16))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8))
    thread_id: Mapped[int | None] = mapped_column(BigInteger, unique=True, nullable=True)
    counselor_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    opened_at: Mapped[float] = mapped_column(Float)
    taken_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    first_reply_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    closed_at: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    helplines_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    realerts: Mapped[int] = mapped_column(Integer, default=0)
    user_blocked: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseMessage(Base):
    """Encrypted transcript lines, kept only while the case is open and for the retention."""

    __tablename__ = "case_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(16))
    body_enc: Mapped[str] = mapped_column(Text)
    at: Mapped[float] = mapped_column(Float)


class CounselorRow(Base):
    __tablename__ = "counselors"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id_enc: Mapped[str] = mapped_column(Text)
    alias: Mapped[str] = mapped_column(String(64), index=True)


class ClipFile(Base):
    """Telegram file_id cached after the first upload of a clip."""

    __tablename__ = "clip_files"
    clip_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[str] = mapped_column(Text)


class Counter(Base):
    """Aggregate counts per day, name and labels: no user identifiers."""

    __tablename__ = "counters"
    __table_args__ = (UniqueConstraint("day", "name", "labels"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(40))
    labels: Mapped[str] = mapped_column(String(400))
    count: Mapped[int] = mapped_column(Integer, default=0)


class UnmatchedQuestion(Base):
    """Normalised patterns of questions the matcher could not answer (content-gap report)."""

    __tablename__ = "unmatched_questions"
    __table_args__ = (UniqueConstraint("day", "language", "pattern"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day: Mapped[str] = mapped_column(String(10), index=True)
    language: Mapped[str] = mapped_column(String(8))
    pattern: Mapped[str] = mapped_column(String(200))
    count: Mapped[int] = mapped_column(Integer, default=0)


class RateSlot(Base):
    """Shared outgoing rate limiting across processes: the next free send time per key."""

    __tablename__ = "rate_slots"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)


class InboxRow(Base):
    """An update fetched by long polling, kept until the transaction that handles it commits.

    getUpdates is confirmed once the batch is stored here, so a crash before an update's
    commit does not lose it: the rows left are handled again at the next start (or tick).
    The payload is the update's JSON, encrypted; rows live seconds, not days.
    """

    __tablename__ = "inbox"
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[float] = mapped_column(Float, index=True)
    payload_enc: Mapped[str] = mapped_column(Text)


class OutboxRow(Base):
    """Actions decided in an update's transaction, deleted once sent (re-sent after a crash)."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[float] = mapped_column(Float, index=True)
    payload_enc: Mapped[str] = mapped_column(Text)
