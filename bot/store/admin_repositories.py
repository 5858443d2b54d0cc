"""Repositories for the admin console tables; they take a session and never commit."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import StoreError
from bot.store.admin_models import (
    ROLES,
    AdminSession,
    AdminUser,
    AuditEntry,
    ContentVersion,
    DialogDraft,
    DialogVersion,
)
from bot.store.models import CaseRow, Counter

_HASHER = PasswordHasher()
_DUMMY: dict[str, str] = {}
SESSION_SECONDS = 8 * 3600.0


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Replace the argon2 parameters (tests use cheap ones; production keeps the defaults)."""
    global _HASHER
    _HASHER = hasher
    _DUMMY.clear()


def _dummy_hash() -> str:
    """Verifying against this keeps a login with an unknown name as slow as a real one."""
    if "hash" not in _DUMMY:
        _DUMMY["hash"] = _HASHER.hash("no such user: constant-time dummy")
    return _DUMMY["hash"]


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Login:
    """A logged-in console user as the web layer sees it."""

    user_id: int
    name: str
    role: str
    csrf_token: str


class AdminUsers:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def create(self, name: str, role: str, password: str, now: float | None = None
                     ) -> AdminUser:
        if role not in ROLES:
            raise StoreError(f"unknown role {role!r} (one of {', '.join(ROLES)})")
        if not name or len(name) > 64 or not name.replace("-", "").replace("_", "").replace(
                ".", "").isalnum():
            raise StoreError("a user name is 1-64 letters, digits, '-', '_' or '.'")
        if len(password) < 10:
            raise StoreError("a password needs at least 10 characters")
        if await self.by_name(name) is not None:
            raise StoreError(f"user {name!r} exists already")
        user = AdminUser(name=name, role=role, password_hash=hash_password(password),
                         created_at=now or time.time())
        self.session.add(user)
        await self.session.flush()
        return user

    async def by_name(self, name: str) -> AdminUser | None:
        return (await self.session.execute(
            select(AdminUser).where(AdminUser.name == name))).scalar_one_or_none()

    async def all(self) -> list[AdminUser]:
        return list((await self.session.execute(
            select(AdminUser).order_by(AdminUser.name))).scalars())

    async def verify(self, name: str, password: str) -> AdminUser | None:
        """The user when name and password match and the account is enabled."""
        user = await self.by_name(name)
        try:
            _HASHER.verify(user.password_hash if user else _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or user.disabled:
            return None
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        return user

    async def set_disabled(self, user_id: int, disabled: bool) -> AdminUser | None:
        user = await self.session.get(AdminUser, user_id)
        if user is not None:
            user.disabled = disabled
            if disabled:
                await self.session.execute(
                    delete(AdminSession).where(AdminSession.user_id == user_id))
        return user


class AdminSessions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def open(self, user: AdminUser, now: float | None = None) -> tuple[str, str]:
        """A new session for ``user``: (cookie token, CSRF token)."""
        now = now or time.time()
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        await self.session.execute(delete(AdminSession).where(AdminSession.expires_at < now))
        self.session.add(AdminSession(token_hash=_token_hash(token), user_id=user.id,
                                      csrf_token=csrf, created_at=now,
                                      expires_at=now + SESSION_SECONDS))
        return token, csrf

    async def resolve(self, token: str, now: float | None = None) -> Login | None:
        now = now or time.time()
        row = await self.session.get(AdminSession, _token_hash(token))
        if row is None or row.expires_at < now:
            return None
        user = await self.session.get(AdminUser, row.user_id)
        if user is None or user.disabled:
            return None
        return Login(user.id, user.name, user.role, row.csrf_token)

    async def close(self, token: str) -> None:
        await self.session.execute(
            delete(AdminSession).where(AdminSession.token_hash == _token_hash(token)))


class Audit:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, actor: str, action: str, target: str, before: str | None = None,
                     after: str | None = None) -> None:
        self.session.add(AuditEntry(at=time.time(), actor=actor, action=action,
                                    target=target[:200], before=before, after=after))

    async def recent(self, limit: int = 200) -> list[AuditEntry]:
        return list((await self.session.execute(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit))).scalars())

    async def get(self, entry_id: int) -> AuditEntry | None:
        return await self.session.get(AuditEntry, entry_id)


class DialogVersions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def latest(self) -> DialogVersion | None:
        return (await self.session.execute(
            select(DialogVersion).order_by(DialogVersion.number.desc()).limit(1))
        ).scalar_one_or_none()

    async def get(self, number: int) -> DialogVersion | None:
        return await self.session.get(DialogVersion, number)

    async def all(self) -> list[DialogVersion]:
        return list((await self.session.execute(
            select(DialogVersion).order_by(DialogVersion.number.desc()))).scalars())

    async def add(self, number: int, files: Mapping[str, str], author: str, note: str
                  ) -> DialogVersion:
        row = DialogVersion(number=number, author=author, note=note[:500],
                            created_at=time.time(), files=json.dumps(dict(files)))
        self.session.add(row)
        await self.session.flush()
        return row


def version_files(row: DialogVersion) -> dict[str, str]:
    return dict(json.loads(row.files))


class DialogDrafts:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, relpath: str) -> DialogDraft | None:
        return await self.session.get(DialogDraft, relpath)

    async def all(self) -> list[DialogDraft]:
        return list((await self.session.execute(select(DialogDraft))).scalars())

    async def save(self, relpath: str, text: str, base_version: int, author: str) -> None:
        row = await self.get(relpath)
        if row is None:
            self.session.add(DialogDraft(relpath=relpath, text=text, base_version=base_version,
                                         author=author, updated_at=time.time()))
        else:
            row.text, row.base_version, row.author = text, base_version, author
            row.updated_at = time.time()

    async def discard(self, relpath: str) -> None:
        await self.session.execute(delete(DialogDraft).where(DialogDraft.relpath == relpath))


class ContentVersions:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def latest(self) -> ContentVersion | None:
        return (await self.session.execute(
            select(ContentVersion).order_by(ContentVersion.number.desc()).limit(1))
        ).scalar_one_or_none()

    async def get(self, number: int) -> ContentVersion | None:
        return await self.session.get(ContentVersion, number)

    async def all(self) -> list[ContentVersion]:
        return list((await self.session.execute(
            select(ContentVersion).order_by(ContentVersion.number.desc()))).scalars())

    async def add(self, number: int, text: str, author: str, note: str) -> ContentVersion:
        row = ContentVersion(number=number, author=author, note=note[:500],
                             created_at=time.time(), text=text)
        self.session.add(row)
        await self.session.flush()
        return row


async def create_first_admin(session: AsyncSession, name: str = "admin") -> str | None:
    """When no console user exists, create an admin with a random password and return it
    (for the demo, which prints it); None when there are users already."""
    if await AdminUsers(session).all():
        return None
    password = secrets.token_urlsafe(12)
    await AdminUsers(session).create(name, "admin", password)
    await Audit(session).record("system", "user_created", f"user {name}", None, "role admin")
    return password


async def latest_published_dialogs(session: AsyncSession) -> tuple[int, dict[str, str]] | None:
    """(version number, {relpath: text}) of the newest published dialogs, or None."""
    row = await DialogVersions(session).latest()
    return None if row is None else (row.number, version_files(row))


async def latest_published_content(session: AsyncSession) -> tuple[int, str] | None:
    """(version number, YAML text) of the newest published clip index, or None."""
    row = await ContentVersions(session).latest()
    return None if row is None else (row.number, row.text)


async def seed_dialogs_if_empty(session: AsyncSession, files: Mapping[str, str],
                                author: str = "seed") -> int | None:
    """Store ``files`` (dialogs/ on disk) as version 1 when no version exists; its number."""
    if await DialogVersions(session).latest() is not None:
        return None
    await DialogVersions(session).add(1, files, author, "seeded from dialogs/")
    return 1


async def counter_rows(session: AsyncSession, names: tuple[str, ...], since_day: str
                       ) -> list[tuple[str, str, dict[str, str], int]]:
    """(day, name, labels, count) aggregates; no user identifiers exist in this table."""
    rows = await session.execute(
        select(Counter.day, Counter.name, Counter.labels, Counter.count)
        .where(Counter.name.in_(names), Counter.day >= since_day))
    out = []
    for day, name, labels, count in rows.all():
        try:
            parsed = json.loads(labels) if labels else {}
        except ValueError:
            parsed = {}
        out.append((day, name, parsed if isinstance(parsed, dict) else {}, int(count)))
    return out


@dataclass(frozen=True)
class QueueEntry:
    """A waiting or taken case, without anything that identifies the user."""

    case_id: int
    status: str
    reason: str
    urgent: bool
    language: str
    opened_at: float
    taken_at: float | None


async def open_cases(session: AsyncSession) -> list[QueueEntry]:
    rows = await session.execute(
        select(CaseRow.id, CaseRow.status, CaseRow.reason, CaseRow.urgent, CaseRow.language,
               CaseRow.opened_at, CaseRow.taken_at)
        .where(CaseRow.status != "closed").order_by(CaseRow.urgent.desc(), CaseRow.opened_at))
    return [QueueEntry(*row) for row in rows.all()]


async def case_count(session: AsyncSession) -> int:
    return int((await session.execute(select(func.count(CaseRow.id)))).scalar_one())
