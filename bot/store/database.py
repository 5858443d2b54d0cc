"""Engine and session factory; creates the schema for embedded SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from bot.errors import StoreError
from bot.store._inline_sqlite import inline_connector
from bot.store.models import Base

_SQLITE_BUSY_TIMEOUT_S = 30.0
#: Set while this task is inside a SQLite transaction: a second one would wait for itself.
_IN_SQLITE_TRANSACTION: ContextVar[bool] = ContextVar("in_sqlite_transaction", default=False)


class Database:
    """One engine per process; ``transaction()`` opens one session per update or request.

    SQLite has one writer at a time. Rather than let concurrent updates collide on its file
    lock (each loser sleeping in SQLite's busy handler), the process takes turns on an asyncio
    lock: transactions are short and never wait on the network, so the queue moves fast. A
    SQLite file is driven on the event loop's own thread (``_inline_sqlite``), not through
    aiosqlite's worker thread.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, object] = {}
        inline = False
        if self.is_sqlite:
            path = url.split("///", 1)[-1] if "///" in url else ""
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            inline = bool(path) and path != ":memory:" and "?" not in path
            if inline:
                kwargs["async_creator"] = inline_connector(path, _SQLITE_BUSY_TIMEOUT_S)
            else:
                kwargs["connect_args"] = {"timeout": _SQLITE_BUSY_TIMEOUT_S}
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        try:
            self.engine = create_async_engine(url, **kwargs)
        except (SQLAlchemyError, ImportError, ValueError) as err:
            raise StoreError(f"DATABASE_URL cannot be used: {err}") from err
        if self.is_sqlite:
            # Inline connections wait for another process's lock without blocking the loop:
            # SQLite's own busy handler (which sleeps in place) is off for them.
            busy_ms = 0 if inline else int(_SQLITE_BUSY_TIMEOUT_S * 1000)
            event.listen(self.engine.sync_engine, "connect",
                         lambda connection, _record: _sqlite_pragmas(connection, busy_ms))
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self._sqlite_turn: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None

    async def create_schema(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)

    async def drop_schema(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(Base.metadata.drop_all)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        if self._sqlite_turn is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        if _IN_SQLITE_TRANSACTION.get():
            raise StoreError("a transaction was opened inside another one (SQLite would wait "
                             "for itself)")
        async with self._sqlite_turn:
            token = _IN_SQLITE_TRANSACTION.set(True)
            try:
                async with self.sessions() as session, session.begin():
                    yield session
            finally:
                _IN_SQLITE_TRANSACTION.reset(token)

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_connection: object, busy_timeout_ms: int) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL with synchronous=NORMAL: a commit survives the process being killed (the tests kill
    # it), only an operating-system crash or power cut can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    cursor.close()
