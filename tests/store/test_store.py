"""Store: encrypted state, atomic take across sessions, idempotent updates, erasure."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.core.state import UserState
from bot.crypto import Crypto
from bot.store import Database, SqlCases, SqlUpdates, SqlUsers, sql_ports

CRYPTO = Crypto("store-test-secret-0123456789")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path}/s.sqlite3"
    database = Database(url)
    await database.drop_schema()
    await database.create_schema()
    yield database
    await database.close()


async def test_state_is_encrypted_at_rest(db: Database) -> None:
    state = UserState(key=CRYPTO.user_key(555123), chat_id=555123, language="fr")
    state.remember_text("a very private sentence", 1.0)
    async with db.transaction() as s:
        await SqlUsers(s, CRYPTO).save(state)
    async with db.transaction() as s:
        raw = (await s.execute(text("SELECT state FROM users"))).scalar_one()
        loaded = await SqlUsers(s, CRYPTO).load(state.key)
    assert "private" not in raw and "555123" not in raw
    assert loaded is not None and loaded.language == "fr" and loaded.chat_id == 555123


async def test_update_ids_are_claimed_once(db: Database) -> None:
    async with db.transaction() as s:
        assert await SqlUpdates(s).claim(10, 1.0)
    async with db.transaction() as s:
        assert not await SqlUpdates(s).claim(10, 2.0)


async def test_only_one_of_concurrent_takers_wins(db: Database) -> None:
    async with db.transaction() as s:
        case = await SqlCases(s, CRYPTO).open(user_key="u", chat_id=7, reason="request",
                                              urgent=False, language="en", now=1.0)

    async def take(counselor: str) -> bool:
        async with db.transaction() as s:
            return await SqlCases(s, CRYPTO).take(case.id, counselor, 2.0)

    results = await asyncio.gather(*(take(f"c{i}") for i in range(8)))
    assert sum(results) == 1


async def test_erase_leaves_nothing_linked_to_the_user(db: Database) -> None:
    telegram_id = 987654321
    key = CRYPTO.user_key(telegram_id)
    async with db.transaction() as s:
        ports = sql_ports(s, CRYPTO)
        await ports.users.save(UserState(key=key, chat_id=telegram_id))
        case = await ports.cases.open(user_key=key, chat_id=telegram_id, reason="leaving",
                                      urgent=False, language="en", now=1.0)
        await ports.cases.append_transcript(case.id, "user", "hello", 1.0)
    async with db.transaction() as s:
        await sql_ports(s, CRYPTO).users.erase(key)
    async with db.transaction() as s:
        for table in ("users", "cases", "case_messages"):
            rows = (await s.execute(text(f"SELECT * FROM {table}"))).all()
            assert rows == [], table


async def test_retention_purges_old_transcripts_users_and_samples(db: Database) -> None:
    from bot.store import SqlAnalytics
    from bot.store.retention import content_gaps, purge_expired

    day = 86400.0
    now = 1_900_000_000.0  # 2030: the unmatched sample below is written today
    async with db.transaction() as s:
        ports = sql_ports(s, CRYPTO)
        old = UserState(key="old", chat_id=1, last_seen=now - 200 * day)
        fresh = UserState(key="fresh", chat_id=2, last_seen=now - day)
        await ports.users.save(old)
        await ports.users.save(fresh)
        closed = await ports.cases.open(user_key="fresh", chat_id=2, reason="request",
                                        urgent=False, language="en", now=now - 40 * day)
        await ports.cases.append_transcript(closed.id, "user", "old words", now - 40 * day)
        await ports.cases.close(closed.id, "resolved", now - 31 * day)
        open_case = await ports.cases.open(user_key="fresh", chat_id=2, reason="request",
                                           urgent=False, language="en", now=now - 40 * day)
        await ports.cases.append_transcript(open_case.id, "user", "still open", now - 40 * day)
        await SqlAnalytics(s).unmatched("en", "some pattern")
    async with db.transaction() as s:
        counts = await purge_expired(s, now, transcript_days=30, user_days=180)
        gaps = await content_gaps(s)
    assert counts.transcripts == 1 and counts.users == 1
    assert gaps == []  # written today, more than 90 days before `now`
    async with db.transaction() as s:
        remaining = (await s.execute(text("SELECT count(*) FROM case_messages"))).scalar_one()
        users = (await s.execute(text("SELECT key FROM users"))).scalars().all()
    assert remaining == 1 and users == ["fresh"]
