"""SQLite on the event loop's thread: another process's lock is waited for without blocking."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from bot.store._inline_sqlite import inline_connector


def _locked_file(tmp_path: Path) -> tuple[str, sqlite3.Connection]:
    path = str(tmp_path / "locked.sqlite3")
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (n INTEGER)")
    setup.commit()
    setup.close()
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN EXCLUSIVE")
    return path, blocker


async def test_a_write_waits_for_the_lock_while_the_loop_keeps_running(tmp_path: Path) -> None:
    path, blocker = _locked_file(tmp_path)
    connection = await inline_connector(path, busy_timeout_s=5.0)()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    async def release_later() -> None:
        await asyncio.sleep(0.3)
        blocker.rollback()
        blocker.close()

    ticking = asyncio.create_task(ticker())
    releasing = asyncio.create_task(release_later())
    started = time.monotonic()
    await connection.execute("INSERT INTO t VALUES (1)")
    await connection.commit()
    waited = time.monotonic() - started
    ticking.cancel()
    await releasing
    await connection.close()
    assert waited >= 0.25
    assert ticks >= 10  # other tasks ran while the write waited
    check = sqlite3.connect(path)
    assert check.execute("SELECT count(*) FROM t").fetchone() == (1,)
    check.close()


async def test_a_lock_held_past_the_timeout_raises(tmp_path: Path) -> None:
    path, blocker = _locked_file(tmp_path)
    connection = await inline_connector(path, busy_timeout_s=0.2)()
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        await connection.execute("INSERT INTO t VALUES (1)")
    assert 0.1 <= time.monotonic() - started < 2.0
    blocker.rollback()
    blocker.close()
    await connection.close()


async def test_statements_run_on_the_calling_thread(tmp_path: Path) -> None:
    path = str(tmp_path / "plain.sqlite3")
    connection = await inline_connector(path)()
    threads: list[int] = []
    await connection.create_function("where_am_i", 0,
                                     lambda: threads.append(threading.get_ident()) or 1)
    cursor = await connection.execute("SELECT where_am_i()")
    assert await cursor.fetchone() == (1,)
    await connection.close()
    assert threads == [threading.get_ident()]
