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
from bot.store.models import Base

#: Set while this task is inside a SQLite transaction: a second one would wait for itself.
_IN_SQLITE_TRANSACTION: ContextVar[bool] = ContextVar("in_sqlite_transaction", default=False)


class Database:
    """One engine per process; ``transaction()`` opens one session per update or request.

    SQLite has one writer at a time. Rather than let concurrent updates collide on its file
    lock (each loser sleeping in SQLite's busy handler), the process takes turns on an asyncio
    lock: transactions are short and never wait on the network, so the queue moves fast.
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, object] = {}
        if self.is_sqlite:
            path = url.split("///", 1)[-1]
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        try:
            self.engine = create_async_engine(url, **kwargs)
        except (SQLAlchemyError, ImportError, ValueError) as err:
            raise StoreError(f"DATABASE_URL cannot be used: {err}") from err
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
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


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL with synchronous=NORMAL: a commit survives the process being killed (the tests kill
    # it), only an operating-system crash or power cut can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
