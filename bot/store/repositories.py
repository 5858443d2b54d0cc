"""Repositories implementing the core's ports on one AsyncSession (they never commit)."""

from __future__ import annotations

import json
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.ports import CASE_CLOSED, CASE_TAKEN, CASE_WAITING, CaseRecord, Ports
from bot.core.state import UserState
from bot.crypto import Crypto
from bot.store.locks import ChatLocks
from bot.store.models import (
    CaseMessage,
    CaseRow,
    ClipFile,
    CounselorRow,
    UserRow,
)
from bot.store.statements import hot_statements

MEDIAN_WINDOW = 20


def _day(now: float | None = None) -> str:
    return datetime.fromtimestamp(now or time.time(), UTC).strftime("%Y-%m-%d")


def _insert(session: AsyncSession, table: Any) -> Any:
    if session.bind.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


class SqlUsers:
    def __init__(self, session: AsyncSession, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto
        #: Rows loaded in this transaction. The session's identity map holds them weakly, so
        #: without this the save after a load would read the row a second time.
        self._rows: dict[str, UserRow] = {}

    async def load(self, key: str) -> UserState | None:
        row = await self.session.get(UserRow, key)
        if row is None:
            return None
        self._rows[key] = row
        return UserState.from_json(self.crypto.decrypt(row.state))

    async def save(self, state: UserState) -> None:
        row = self._rows.get(state.key) or await self.session.get(UserRow, state.key)
        payload = self.crypto.encrypt(state.to_json())
        if row is None:
            self.session.add(UserRow(key=state.key, state=payload, last_seen=state.last_seen,
                                     timeout_at=state.timeout_at))
        else:
            row.state = payload
            row.last_seen = state.last_seen
            row.timeout_at = state.timeout_at

    async def erase(self, key: str) -> None:
        case_ids = select(CaseRow.id).where(CaseRow.user_key == key)
        await self.session.execute(delete(CaseMessage).where(CaseMessage.case_id.in_(case_ids)))
        await self.session.execute(delete(CaseRow).where(CaseRow.user_key == key))
        await self.session.execute(delete(UserRow).where(UserRow.key == key))
        self.session.expunge_all()

    async def due_timeouts(self, now: float, limit: int = 100) -> list[str]:
        rows = await self.session.execute(
            select(UserRow.key).where(UserRow.timeout_at <= now).limit(limit))
        return list(rows.scalars())


def _record(row: CaseRow, crypto: Crypto) -> CaseRecord:
    return CaseRecord(
        id=row.id, user_key=row.user_key, chat_id=crypto.decrypt_int(row.chat_id_enc),
        status=row.status, reason=row.reason, urgent=row.urgent, language=row.language,
        thread_id=row.thread_id, counselor_key=row.counselor_key, opened_at=row.opened_at,
        taken_at=row.taken_at, first_reply_at=row.first_reply_at, closed_at=row.closed_at,
        outcome=row.outcome, helplines_sent=row.helplines_sent, realerts=row.realerts,
        user_blocked=row.user_blocked,
    )


class SqlCases:
    def __init__(self, session: AsyncSession, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    async def open(self, *, user_key: str, chat_id: int, reason: str, urgent: bool,
                   language: str, now: float) -> CaseRecord:
        row = CaseRow(user_key=user_key, chat_id_enc=self.crypto.encrypt_int(chat_id),
                      status=CASE_WAITING, reason=reason, urgent=urgent, language=language,
                      opened_at=now, helplines_sent=False, realerts=0, user_blocked=False)
        self.session.add(row)
        await self.session.flush()
        return _record(row, self.crypto)

    async def get(self, case_id: int) -> CaseRecord | None:
        row = await self.session.get(CaseRow, case_id, populate_existing=True)
        return _record(row, self.crypto) if row else None

    async def by_thread(self, thread_id: int) -> CaseRecord | None:
        row = (await self.session.execute(
            select(CaseRow).where(CaseRow.thread_id == thread_id))).scalar_one_or_none()
        return _record(row, self.crypto) if row else None

    async def active_for_user(self, user_key: str) -> CaseRecord | None:
        row = (await self.session.execute(
            select(CaseRow).where(CaseRow.user_key == user_key, CaseRow.status != CASE_CLOSED)
            .order_by(CaseRow.id.desc()).limit(1))).scalar_one_or_none()
        return _record(row, self.crypto) if row else None

    async def take(self, case_id: int, counselor_key: str, now: float) -> bool:
        """Atomic: exactly one of several concurrent takers wins, across processes."""
        result = await self.session.execute(
            update(CaseRow)
            .where(CaseRow.id == case_id, CaseRow.status == CASE_WAITING)
            .values(status=CASE_TAKEN, counselor_key=counselor_key,
                    taken_at=func.coalesce(CaseRow.taken_at, now))
            .execution_options(synchronize_session=False))
        return result.rowcount == 1

    async def release(self, case_id: int) -> None:
        await self.update(case_id, status=CASE_WAITING, counselor_key=None)

    async def assign(self, case_id: int, counselor_key: str) -> None:
        row = await self.session.get(CaseRow, case_id)
        if row is not None:
            row.counselor_key = counselor_key
            row.status = CASE_TAKEN
            row.taken_at = row.taken_at or time.time()

    async def close(self, case_id: int, outcome: str, now: float) -> None:
        await self.update(case_id, status=CASE_CLOSED, outcome=outcome, closed_at=now)

    async def update(self, case_id: int, **fields: object) -> None:
        await self.session.execute(update(CaseRow).where(CaseRow.id == case_id).values(**fields)
                                   .execution_options(synchronize_session=False))

    async def set_thread(self, case_id: int, thread_id: int) -> None:
        await self.update(case_id, thread_id=thread_id)

    async def queue_position(self, case_id: int) -> int:
        row = await self.session.get(CaseRow, case_id)
        if row is None or row.status != CASE_WAITING:
            return 0
        ahead = await self.session.scalar(
            select(func.count()).select_from(CaseRow).where(
                CaseRow.status == CASE_WAITING, CaseRow.id < case_id))
        return int(ahead or 0) + 1

    async def median_wait_seconds(self) -> float | None:
        rows = await self.session.execute(
            select(CaseRow.taken_at - CaseRow.opened_at).where(CaseRow.taken_at.is_not(None))
            .order_by(CaseRow.id.desc()).limit(MEDIAN_WINDOW))
        waits = [float(w) for w in rows.scalars() if w is not None]
        return statistics.median(waits) if waits else None

    async def waiting_cases(self) -> list[CaseRecord]:
        rows = await self.session.execute(
            select(CaseRow).where(CaseRow.status == CASE_WAITING).order_by(CaseRow.id))
        return [_record(r, self.crypto) for r in rows.scalars()]

    async def append_transcript(self, case_id: int, sender: str, text: str, now: float) -> None:
        self.session.add(CaseMessage(case_id=case_id, sender=sender,
                                     body_enc=self.crypto.encrypt(text), at=now))

    async def transcript(self, case_id: int) -> list[tuple[str, str, float]]:
        rows = await self.session.execute(
            select(CaseMessage).where(CaseMessage.case_id == case_id).order_by(CaseMessage.id))
        return [(m.sender, self.crypto.decrypt(m.body_enc), m.at) for m in rows.scalars()]


class SqlCounselors:
    def __init__(self, session: AsyncSession, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    async def set_alias(self, counselor_key: str, user_id: int, alias: str) -> None:
        row = await self.session.get(CounselorRow, counselor_key)
        if row is None:
            self.session.add(CounselorRow(key=counselor_key, alias=alias,
                                          user_id_enc=self.crypto.encrypt_int(user_id)))
        else:
            row.alias = alias

    async def alias_of(self, counselor_key: str) -> str | None:
        row = await self.session.get(CounselorRow, counselor_key)
        return row.alias if row else None

    async def find_by_alias(self, alias: str) -> str | None:
        rows = await self.session.execute(
            select(CounselorRow.key).where(func.lower(CounselorRow.alias) == alias.lower()))
        return rows.scalars().first()


class SqlAnalytics:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def count(self, name: str, **labels: str) -> None:
        encoded = json.dumps(dict(sorted(labels.items())), ensure_ascii=False)[:400]
        await self.session.execute(hot_statements(self.session).count,
                                   {"day": _day(), "name": name, "labels": encoded})

    async def unmatched(self, language: str, pattern: str) -> None:
        await self.session.execute(hot_statements(self.session).unmatched,
                                   {"day": _day(), "language": language,
                                    "pattern": pattern[:200]})


class SqlUpdates:
    """Idempotency: remembers processed update ids."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, update_id: int, now: float) -> bool:
        """True if this update was not processed before (the row is added in this transaction)."""
        result = await self.session.execute(hot_statements(self.session).claim_update,
                                            {"update_id": update_id, "processed_at": now})
        return result.rowcount == 1


class SqlClipFiles:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, clip_id: str) -> str | None:
        row = await self.session.get(ClipFile, clip_id)
        return row.file_id if row else None

    async def put(self, clip_id: str, file_id: str) -> None:
        """Upsert: two first uploads of the same clip at once must not collide."""
        stmt = _insert(self.session, ClipFile).values(clip_id=clip_id, file_id=file_id)
        stmt = stmt.on_conflict_do_update(index_elements=["clip_id"], set_={"file_id": file_id})
        await self.session.execute(stmt)

    async def forget(self, clip_id: str) -> None:
        await self.session.execute(delete(ClipFile).where(ClipFile.clip_id == clip_id))


def sql_ports(session: AsyncSession, crypto: Crypto, locks: ChatLocks | None = None) -> Ports:
    return Ports(SqlUsers(session, crypto), SqlCases(session, crypto),
                 SqlCounselors(session, crypto), SqlAnalytics(session),
                 locks or ChatLocks(session))
