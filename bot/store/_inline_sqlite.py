"""An aiosqlite connection that runs SQLite on the event loop's own thread.

aiosqlite hands every call (each statement, fetch and commit) to a worker thread and wakes the
event loop when it is done: two thread switches and a loop iteration per call, far more than the
call itself costs on a local file (a few microseconds; WAL with ``synchronous=NORMAL`` does not
sync on commit). The bot runs about ten statements per update, so it runs them inline instead,
keeping aiosqlite's interface (which SQLAlchemy's dialect drives) unchanged.

A call must never block the loop on another process's lock, so SQLite's own busy handler is off
(timeout 0) and a "database is locked" answer is retried here, sleeping asynchronously, until
``busy_timeout_s`` has passed; then the error goes up as before.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

import aiosqlite

_FIRST_RETRY_S = 0.002
_LONGEST_RETRY_S = 0.1


class _RunAtOnce:
    """Stands in for aiosqlite's queue to its worker thread: runs each job when it is put."""

    @staticmethod
    def put_nowait(job: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = job
        try:
            result = function()
        except BaseException as err:  # handed to whoever awaits the future, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(err)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """aiosqlite.Connection whose calls run at once on the calling (event loop) thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection],
                 busy_timeout_s: float) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunAtOnce()  # type: ignore[assignment]
        self._busy_timeout_s = busy_timeout_s

    def __await__(self):  # type: ignore[no-untyped-def]
        return self._connect().__await__()  # no worker thread to start

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as err:
            if not _plain_busy(err):
                raise
        return await self._retry_while_busy(partial(fn, *args, **kwargs))

    async def _retry_while_busy(self, call: Callable[[], Any]) -> Any:
        """``call`` again after growing pauses until it is not answered "locked", or until
        ``busy_timeout_s`` has passed (then the error goes up)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._busy_timeout_s
        pause = _FIRST_RETRY_S
        while True:
            await asyncio.sleep(pause)
            try:
                return call()
            except sqlite3.OperationalError as err:
                if not _plain_busy(err) or loop.time() + pause > deadline:
                    raise
            pause = min(2 * pause, _LONGEST_RETRY_S)


def _plain_busy(err: sqlite3.OperationalError) -> bool:
    """Plain SQLITE_BUSY: another connection holds the lock. A stale WAL snapshot
    (SQLITE_BUSY_SNAPSHOT) or a deadlock-avoiding answer can never succeed by waiting."""
    return getattr(err, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY


def inline_connector(path: str, busy_timeout_s: float = 30.0
                     ) -> Callable[[], InlineConnection]:
    """SQLAlchemy ``async_creator`` for the SQLite file at ``path``."""
    def connect() -> InlineConnection:
        return InlineConnection(
            partial(sqlite3.connect, path, timeout=0, check_same_thread=False),
            busy_timeout_s)
    return connect
