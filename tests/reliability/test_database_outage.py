"""The database goes away for a few seconds: a short apology, recovery by itself, no false done.

PostgreSQL is reached through a TCP proxy this test controls and cuts (the machine's server is
never stopped); SQLite is made unavailable by holding its write lock from outside.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy import func, select

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, populate_demo_world
from bot.runtime import BotRuntime
from bot.server import start_polling, stop_application
from bot.store.models import ProcessedUpdate
from tests.e2e.conftest import e2e_settings, fresh_database, shared_data

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "testimony_reliability"
TRY_AGAIN = "try again in a moment"
HELP_MARK = "/topics"


class CuttableProxy:
    """127.0.0.1:<port> -> 127.0.0.1:5432, until `cut()`; `restore()` lets connections in."""

    def __init__(self) -> None:
        self.open = True
        self.pipes: set[asyncio.StreamWriter] = set()
        self.server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.close()
            return
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", 5432)
        self.pipes.update((writer, up_writer))

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pump(reader, up_writer), pump(up_reader, writer))
        self.pipes.difference_update((writer, up_writer))

    def cut(self) -> None:
        self.open = False
        for pipe in list(self.pipes):
            pipe.close()

    def restore(self) -> None:
        self.open = True

    async def stop(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()


async def _postgres_available() -> bool:
    try:
        conn = await asyncpg.connect(PG_ADMIN, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return False
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        await conn.execute(f"CREATE DATABASE {PG_DB}")
    finally:
        await conn.close()
    return True


@pytest.fixture
async def proxied() -> AsyncIterator[tuple[BotApiEmulator, BotRuntime, CuttableProxy]]:
    if not await _postgres_available():
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    proxy = CuttableProxy()
    await proxy.start()
    emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
    await emu.start()
    world = populate_demo_world(emu)
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{proxy.port}/{PG_DB}"
    cfg = e2e_settings(emu, url, world.group_id)
    db = await fresh_database(url)
    runtime = BotRuntime(cfg, shared_data(cfg), db)
    await start_polling(runtime)
    try:
        yield emu, runtime, proxy
    finally:
        proxy.restore()
        await stop_application(runtime)
        await db.close()
        await emu.stop()
        await proxy.stop()


async def _claimed(runtime: BotRuntime) -> int:
    async with runtime.db.transaction() as session:
        return int((await session.execute(
            select(func.count()).select_from(ProcessedUpdate))).scalar_one())


def _said(emu: BotApiEmulator, user: int, needle: str) -> int:
    return sum(needle in (m.text or "") for m in emu.bot_messages(user))


async def test_postgres_cut_for_seconds(proxied: tuple[BotApiEmulator, BotRuntime,
                                                       CuttableProxy]) -> None:
    emu, runtime, proxy = proxied
    user = 1001
    emu.user_sends(user, "/start")
    await emu.wait_for_bot_messages(user, 1, timeout=15)
    await emu.sleep_until_idle(0.5, 10)
    claimed = await _claimed(runtime)
    proxy.cut()
    cut_at = time.monotonic()
    emu.user_sends(user, "/help")
    try:
        await emu.wait_for(lambda: _said(emu, user, TRY_AGAIN), timeout=8)
        apology_s: float | None = time.monotonic() - cut_at
    except TimeoutError:
        apology_s = None
    await asyncio.sleep(max(0.0, 3.0 - (time.monotonic() - cut_at)))  # seconds without it
    proxy.restore()
    assert _said(emu, user, HELP_MARK) == 0
    emu.user_sends(user, "/help")
    await emu.wait_for(lambda: _said(emu, user, HELP_MARK), timeout=30)
    print(f"apology after {apology_s} s; recovered {time.monotonic() - cut_at:.2f} s "
          "after the cut")
    assert await _claimed(runtime) == claimed + 1  # the failed update was never marked done
    assert apology_s is not None, "no 'please try again' while the database was down"


async def test_sqlite_locked_for_seconds(tmp_path: Path) -> None:
    emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
    await emu.start()
    world = populate_demo_world(emu)
    path = tmp_path / "locked.sqlite3"
    cfg = e2e_settings(emu, f"sqlite+aiosqlite:///{path}", world.group_id)
    db = await fresh_database(cfg.database_url)
    runtime = BotRuntime(cfg, shared_data(cfg), db)
    await start_polling(runtime)
    try:
        emu.user_sends(1001, "/start")
        await emu.wait_for_bot_messages(1001, 1, timeout=15)
        await emu.sleep_until_idle(0.5, 10)
        blocker = sqlite3.connect(path, timeout=5)
        blocker.execute("BEGIN EXCLUSIVE")
        try:
            emu.user_sends(1001, "/help")
            await asyncio.sleep(3.0)
            assert _said(emu, 1001, HELP_MARK) == 0  # nothing happens while it is locked
        finally:
            blocker.rollback()
            blocker.close()
        await emu.wait_for(lambda: _said(emu, 1001, HELP_MARK), timeout=30)
        await emu.sleep_until_idle(0.5, 10)
        assert _said(emu, 1001, HELP_MARK) == 1
    finally:
        await stop_application(runtime)
        await db.close()
        await emu.stop()
