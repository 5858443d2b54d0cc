"""Admin console tables: users, sessions, audit log, published dialog and clip versions."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.store.models import Base

ROLES = ("admin", "editor", "counselor")


class AdminUser(Base):
    """A console account; the password is an argon2 hash, never stored in clear."""

    __tablename__ = "admin_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float)


class AdminSession(Base):
    """A login session: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "admin_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("admin_users.id", ondelete="CASCADE"),
                                         index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class AuditEntry(Base):
    """Who changed what, when, with the text before and after."""

    __tablename__ = "admin_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[float] = mapped_column(Float, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200))
    before: Mapped[str | None] = mapped_column(Text, nullable=True)
    after: Mapped[str | None] = mapped_column(Text, nullable=True)


class DialogVersion(Base):
    """One immutable published version of dialogs/: files as JSON {relpath: text}."""

    __tablename__ = "dialog_versions"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    author: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[float] = mapped_column(Float)
    files: Mapped[str] = mapped_column(Text)


class DialogDraft(Base):
    """An unpublished edit of one dialogs/ file, based on a published version."""

    __tablename__ = "dialog_drafts"
    relpath: Mapped[str] = mapped_column(String(200), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[float] = mapped_column(Float)


class ContentVersion(Base):
    """One immutable published version of the clip index (the whole YAML text)."""

    __tablename__ = "content_versions"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    author: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)


ADMIN_TABLES = [AdminUser.__table__, AdminSession.__table__, AuditEntry.__table__,
                DialogVersion.__table__, DialogDraft.__table__, ContentVersion.__table__]
