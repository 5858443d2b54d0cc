"""`testimony-bot db upgrade|current` and `rotate-key`, run as the container runs them."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.commands.rotate_key import old_secret_keys
from bot.crypto import Crypto
from bot.errors import ConfigError
from bot.store import Database, sql_ports
from bot.store.schema import head_revision
from tests.ops.test_rotation import KEY_A, KEY_B, USER_IDS, _write_under
from tests.test_cli import run_cli


def test_db_upgrade_then_current(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.sqlite3"}
    before = run_cli("db", "current", env=env)
    assert before.returncode == 1 and "database: empty" in before.stdout
    upgraded = run_cli("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"database: {head_revision()}" in upgraded.stdout


def test_rotate_key_command(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/rotate.sqlite3"

    async def write() -> None:
        from bot.store.schema import prepare_database

        db = Database(url)
        await prepare_database(db)
        await _write_under(db, Crypto(KEY_A))
        await db.close()

    asyncio.run(write())
    with pytest.raises(ConfigError, match="BOT_OLD_SECRET_KEYS is not set"):
        old_secret_keys({"BOT_OLD_SECRET_KEYS": " , "})
    result = run_cli("rotate-key", env={"DATABASE_URL": url, "BOT_SECRET_KEY": KEY_B,
                                        "BOT_OLD_SECRET_KEYS": f"unused-old-secret-ZZZ,{KEY_A}"})
    assert result.returncode == 0, result.stderr
    assert "users: 3 re-encrypted" in result.stdout
    assert "user keys changed: 3 (in cases: 3)" in result.stdout

    async def read() -> None:
        db = Database(url)
        new = Crypto(KEY_B)
        async with db.transaction() as s:
            state = await sql_ports(s, new).users.load(new.user_key(USER_IDS[1]))
        await db.close()
        assert state is not None and state.chat_id == USER_IDS[1]

    asyncio.run(read())
