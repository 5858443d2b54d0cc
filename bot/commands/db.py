"""`testimony-bot db upgrade|current|revision`: Alembic migrations for DATABASE_URL."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bot.config import Settings

NAME = "db"
HELP = "database schema: upgrade (apply migrations), current (show version), revision (dev)"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="db_command", required=True)
    up = sub.add_parser("upgrade", help="apply migrations to DATABASE_URL")
    up.add_argument("revision", nargs="?", default="head", help="target (default: head)")
    sub.add_parser("current", help="print the database's revision and the code's head")
    rev = sub.add_parser("revision", help="autogenerate a migration from the models (developers)")
    rev.add_argument("-m", "--message", required=True, help="what the migration changes")
    rev.add_argument("--rev-id", default=None, help="revision id, e.g. 0002")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import Database
    from bot.store.schema import current_revision, head_revision, upgrade_database

    if args.db_command == "revision":
        return await _revision(args.message, args.rev_id)
    db = Database(settings.database_url)
    try:
        if args.db_command == "upgrade":
            await upgrade_database(db, args.revision)
        current, head = await current_revision(db), head_revision()
    finally:
        await db.close()
    print(f"database: {current or 'empty'}\ncode head: {head}")
    return 0 if args.db_command == "upgrade" or current == head else 1


async def _revision(message: str, rev_id: str | None) -> int:
    """Compare the models with a scratch SQLite database at head and write the difference."""
    from alembic import command

    from bot.store import Database
    from bot.store.schema import alembic_config, upgrade_database

    with tempfile.TemporaryDirectory() as scratch:
        db = Database(f"sqlite+aiosqlite:///{Path(scratch) / 'head.sqlite3'}")
        try:
            await upgrade_database(db)

            def write(connection: object) -> None:
                config = alembic_config()
                config.attributes["connection"] = connection
                command.revision(config, message, autogenerate=True, rev_id=rev_id)

            async with db.engine.begin() as conn:
                await conn.run_sync(write)
        finally:
            await db.close()
    return 0
