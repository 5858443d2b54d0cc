"""Schema versions: Alembic upgrade at start on SQLite, a clear refusal on an old PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import StoreError
from bot.store.database import Database
from bot.store.models import Base

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The revision equal to what Database.create_schema() built before migrations existed.
BASELINE_REVISION = "0001"
VERSION_TABLE = "alembic_version"


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration without an ini file: the packaged scripts, optionally a URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    """The revision this code needs."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise StoreError("no migration scripts found in the package")
    return head


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def model_differences(connection: Connection) -> list[object]:
    """What Alembic's autogenerate sees between the database and the models (empty: equal)."""
    import bot.store.migrations.env_models  # noqa: F401  (every model module, as in env.py)

    return compare_metadata(MigrationContext.configure(connection), Base.metadata)


def _adopt_unversioned(connection: Connection, config: Config) -> None:
    """A database built by the old create_schema() has tables but no version: stamp it at head
    if it equals the models, else at the baseline, so the upgrade does not re-create tables."""
    tables = set(inspect(connection).get_table_names())
    if VERSION_TABLE in tables or not {"users", "cases", "case_messages"} <= tables:
        return
    command.stamp(config, "head" if not model_differences(connection) else BASELINE_REVISION)


def _upgrade(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    _adopt_unversioned(connection, config)
    command.upgrade(config, revision)


async def current_revision(db: Database) -> str | None:
    """The revision recorded in the database; None for an empty (unversioned) one."""
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(_current)
    except (SQLAlchemyError, OSError) as err:
        raise StoreError(f"cannot read the schema version: {err}") from err


async def upgrade_database(db: Database, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` in one transaction (`testimony-bot db upgrade`)."""
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(_upgrade, revision)
    except (SQLAlchemyError, OSError) as err:
        raise StoreError(f"database migration failed: {err}") from err


async def prepare_database(db: Database) -> None:
    """SQLite: create and migrate to head. PostgreSQL: refuse a schema that is not at head."""
    if db.is_sqlite:
        await upgrade_database(db)
        return
    current, head = await current_revision(db), head_revision()
    if current != head:
        raise StoreError(f"database schema is at {current or 'nothing (empty database)'}, "
                         f"code needs {head}: run `testimony-bot db upgrade`")
