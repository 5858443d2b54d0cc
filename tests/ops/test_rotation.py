"""Key rotation: data written under key A reads under key B alone; user and counselor keys move."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.core.state import UserState
from bot.crypto import Crypto
from bot.errors import StoreError
from bot.store import Database, sql_ports
from bot.store.rotation import counselor_key, rotate_keys
from bot.store.schema import upgrade_database

KEY_A = "rotation-test-old-secret-AAAA"
KEY_B = "rotation-test-new-secret-BBBB"
USER_IDS = (5550001, 5550002, 5550003)
COUNSELOR_ID = 7770001


async def _write_under(db: Database, crypto: Crypto) -> None:
    async with db.transaction() as s:
        ports = sql_ports(s, crypto)
        for telegram_id in USER_IDS:
            state = UserState(key=crypto.user_key(telegram_id), chat_id=telegram_id,
                              language="de")
            state.remember_text(f"private words of {telegram_id}", 1.0)
            await ports.users.save(state)
            case = await ports.cases.open(user_key=state.key, chat_id=telegram_id,
                                          reason="leaving", urgent=False, language="de",
                                          now=1.0)
            await ports.cases.append_transcript(case.id, "user", f"line of {telegram_id}", 2.0)
        me = counselor_key(crypto, COUNSELOR_ID)
        await ports.counselors.set_alias(me, COUNSELOR_ID, "Mira")
        first = await ports.cases.active_for_user(crypto.user_key(USER_IDS[0]))
        assert first is not None and await ports.cases.take(first.id, me, 3.0)


async def _tokens(db: Database) -> list[str]:
    queries = ("SELECT state FROM users", "SELECT chat_id_enc FROM cases",
               "SELECT body_enc FROM case_messages", "SELECT user_id_enc FROM counselors")
    async with db.engine.connect() as conn:
        return [token for q in queries for token in (await conn.execute(text(q))).scalars()]


async def test_rotation_to_a_new_key_keeps_everything_readable(empty_db: Database) -> None:
    await upgrade_database(empty_db)
    await _write_under(empty_db, Crypto(KEY_A))

    report = await rotate_keys(empty_db, KEY_B, [KEY_A], batch_size=2)
    assert report.reencrypted == {"counselors": 1, "users": 3, "cases": 3, "case_messages": 3}
    assert (report.user_keys, report.case_user_keys) == (3, 3)
    assert (report.counselor_keys, report.case_counselor_keys) == (1, 1)
    assert report.unrecognised_keys == 0

    new, old = Crypto(KEY_B), Crypto(KEY_A)
    for token in await _tokens(empty_db):
        new.decrypt(token)
        with pytest.raises(StoreError):
            old.decrypt(token)
    async with empty_db.transaction() as s:
        ports = sql_ports(s, new)
        for telegram_id in USER_IDS:
            state = await ports.users.load(new.user_key(telegram_id))
            assert state is not None and state.key == new.user_key(telegram_id)
            assert state.chat_id == telegram_id and "private words" in state.recent_texts[0][1]
            case = await ports.cases.active_for_user(new.user_key(telegram_id))
            assert case is not None and case.chat_id == telegram_id
            assert await ports.cases.transcript(case.id) == [
                ("user", f"line of {telegram_id}", 2.0)]
        me = counselor_key(new, COUNSELOR_ID)
        assert await ports.counselors.alias_of(me) == "Mira"
        taken = await ports.cases.active_for_user(new.user_key(USER_IDS[0]))
        assert taken is not None and taken.counselor_key == me
        assert await ports.users.load(old.user_key(USER_IDS[0])) is None

    again = await rotate_keys(empty_db, KEY_B, [KEY_A])  # an interrupted run is finished again
    assert again.user_keys == again.case_user_keys == again.counselor_keys == 0


async def test_a_missing_old_key_is_named_and_its_batch_rolled_back(
        empty_db: Database) -> None:
    await upgrade_database(empty_db)
    await _write_under(empty_db, Crypto(KEY_A))
    before = await _tokens(empty_db)
    with pytest.raises(StoreError, match="BOT_OLD_SECRET_KEYS"):
        await rotate_keys(empty_db, KEY_B, ["some-other-secret-CCCC"])
    assert await _tokens(empty_db) == before


async def test_dry_run_decrypts_everything_and_changes_nothing(empty_db: Database) -> None:
    await upgrade_database(empty_db)
    await _write_under(empty_db, Crypto(KEY_A))
    before = await _tokens(empty_db)
    report = await rotate_keys(empty_db, KEY_B, [KEY_A], dry_run=True)
    assert report.user_keys == 3 and report.reencrypted["case_messages"] == 3
    assert await _tokens(empty_db) == before


async def test_the_new_key_must_differ_from_the_old_ones() -> None:
    db = Database("sqlite+aiosqlite://")
    try:
        with pytest.raises(StoreError, match="also among the old"):
            await rotate_keys(db, KEY_A, [KEY_A])
        with pytest.raises(StoreError, match="no old secret keys"):
            await rotate_keys(db, KEY_B, [])
    finally:
        await db.close()


async def test_a_key_no_secret_derives_is_counted_and_left_alone(empty_db: Database) -> None:
    await upgrade_database(empty_db)
    old = Crypto(KEY_A)
    async with empty_db.transaction() as s:
        await sql_ports(s, old).users.save(UserState(key="imported-elsewhere", chat_id=42))
    report = await rotate_keys(empty_db, KEY_B, [KEY_A])
    assert (report.unrecognised_keys, report.user_keys) == (1, 0)
    async with empty_db.transaction() as s:
        state = await sql_ports(s, Crypto(KEY_B)).users.load("imported-elsewhere")
    assert state is not None and state.chat_id == 42
