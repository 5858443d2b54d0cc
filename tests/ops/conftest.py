"""Fresh empty databases for the operations tests: SQLite always, PostgreSQL with
TEST_DATABASE_URL (a new database on that server per test, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store import Database


async def _fresh_postgres(base_url: str) -> AsyncIterator[Database]:
    url = make_url(base_url)
    name = f"testimony_ops_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        database = Database(url.set(database=name).render_as_string(hide_password=False))
        try:
            yield database
        finally:
            await database.close()
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty database of each kind."""
    if request.param == "sqlite":
        database = Database(f"sqlite+aiosqlite:///{tmp_path}/ops.sqlite3")
        yield database
        await database.close()
        return
    base_url = os.environ.get("TEST_DATABASE_URL", "")
    if not base_url.startswith("postgresql"):
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL=postgresql+asyncpg://...")
    async for database in _fresh_postgres(base_url):
        yield database


@pytest.fixture
async def empty_pg() -> AsyncIterator[Database]:
    base_url = os.environ.get("TEST_DATABASE_URL", "")
    if not base_url.startswith("postgresql"):
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL=postgresql+asyncpg://...")
    async for database in _fresh_postgres(base_url):
        yield database
