"""One database query for a CLI command: open, check the schema, run in a transaction, close."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings

T = TypeVar("T")


async def with_session(settings: Settings, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """SQLite is created/migrated as at bot start; PostgreSQL must be at the code's revision."""
    from bot.store import Database
    from bot.store.schema import prepare_database

    db = Database(settings.database_url)
    try:
        await prepare_database(db)
        async with db.transaction() as session:
            return await work(session)
    finally:
        await db.close()
