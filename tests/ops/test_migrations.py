"""Migrations: an empty database reaches head and then equals the models; the start-up check."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from bot.errors import StoreError
from bot.store import Database
from bot.store.models import Base
from bot.store.schema import (
    BASELINE_REVISION,
    current_revision,
    head_revision,
    model_differences,
    prepare_database,
    upgrade_database,
)


async def _differences(db: Database) -> list[object]:
    async with db.engine.connect() as conn:
        return await conn.run_sync(model_differences)


async def test_upgrade_of_an_empty_database_matches_the_models(empty_db: Database) -> None:
    assert await current_revision(empty_db) is None
    await upgrade_database(empty_db)
    assert await current_revision(empty_db) == head_revision()
    assert await _differences(empty_db) == []


async def test_constraint_names_follow_the_naming_convention(empty_db: Database) -> None:
    await upgrade_database(empty_db)
    async with empty_db.engine.connect() as conn:
        fks = await conn.run_sync(lambda c: inspect(c).get_foreign_keys("case_messages"))
        uniques = await conn.run_sync(lambda c: inspect(c).get_unique_constraints("counters"))
    assert [fk["name"] for fk in fks] == ["fk_case_messages_case_id_cases"]
    assert [u["name"] for u in uniques] == ["uq_counters_day"]


async def test_sqlite_is_created_and_migrated_at_start(tmp_path: object) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/new/bot.sqlite3")
    try:
        await prepare_database(db)
        await prepare_database(db)  # a second start changes nothing
        assert await current_revision(db) == head_revision()
    finally:
        await db.close()


async def test_a_database_made_by_create_schema_is_adopted(tmp_path: object) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/legacy.sqlite3")
    try:
        await db.create_schema()
        await prepare_database(db)
        assert await current_revision(db) == head_revision()
        assert await _differences(db) == []
    finally:
        await db.close()


async def test_an_older_unversioned_database_is_stamped_at_the_baseline(
        tmp_path: object) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path}/older.sqlite3")
    baseline = ("users", "processed_updates", "cases", "case_messages", "counselors",
                "clip_files", "counters", "unmatched_questions")
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda c: Base.metadata.create_all(
                c, tables=[Base.metadata.tables[name] for name in baseline]))
        await prepare_database(db)
        assert await current_revision(db) == head_revision() != BASELINE_REVISION
        assert await _differences(db) == []
    finally:
        await db.close()


async def test_postgres_refuses_an_empty_database_with_the_command_to_run(
        empty_pg: Database) -> None:
    with pytest.raises(StoreError) as caught:
        await prepare_database(empty_pg)
    message = str(caught.value)
    assert "database schema is at nothing" in message
    assert f"code needs {head_revision()}" in message
    assert "run `testimony-bot db upgrade`" in message


async def test_postgres_refuses_an_out_of_date_schema_and_accepts_head(
        empty_pg: Database) -> None:
    await upgrade_database(empty_pg, BASELINE_REVISION)
    with pytest.raises(StoreError, match=f"schema is at {BASELINE_REVISION}, code needs "
                                         f"{head_revision()}: run `testimony-bot db upgrade`"):
        await prepare_database(empty_pg)
    await upgrade_database(empty_pg)
    await prepare_database(empty_pg)
    async with empty_pg.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM users"))).scalar_one() == 0
