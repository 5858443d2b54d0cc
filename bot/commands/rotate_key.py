"""`testimony-bot rotate-key`: re-encrypt stored data under BOT_SECRET_KEY, re-key users."""

from __future__ import annotations

import argparse
import asyncio
import os

from bot.config import DEMO_SECRET_KEY, Settings
from bot.errors import ConfigError

NAME = "rotate-key"
HELP = ("re-encrypt everything under the new BOT_SECRET_KEY from BOT_OLD_SECRET_KEYS "
        "(stop the bot first; see docs/operations.md)")
OLD_KEYS_VARIABLE = "BOT_OLD_SECRET_KEYS"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")
    parser.add_argument("--dry-run", action="store_true",
                        help="decrypt and count everything, change nothing")


def old_secret_keys(env: dict[str, str] | None = None) -> tuple[str, ...]:
    """BOT_OLD_SECRET_KEYS: comma-separated earlier secrets, newest first."""
    raw = (os.environ if env is None else env).get(OLD_KEYS_VARIABLE, "")
    keys = tuple(part.strip() for part in raw.split(",") if part.strip())
    if not keys:
        raise ConfigError(f"{OLD_KEYS_VARIABLE} is not set: the secret key(s) the data is "
                          "encrypted with now, comma-separated")
    return keys


def run(args: argparse.Namespace, settings: Settings) -> int:
    old = old_secret_keys()
    if settings.secret_key == DEMO_SECRET_KEY and DEMO_SECRET_KEY not in old:
        raise ConfigError("BOT_SECRET_KEY is not set: it must hold the NEW secret key")
    if args.batch_size < 1:
        raise ConfigError("--batch-size must be at least 1")
    return asyncio.run(_run(settings, old, args.batch_size, args.dry_run))


async def _run(settings: Settings, old: tuple[str, ...], batch_size: int, dry_run: bool) -> int:
    from bot.store import Database
    from bot.store.rotation import rotate_keys
    from bot.store.schema import prepare_database

    db = Database(settings.database_url)
    try:
        await prepare_database(db)
        # A dry pass first: a missing old key then stops the command before anything changes.
        report = await rotate_keys(db, settings.secret_key, old, batch_size, dry_run=True)
        if not dry_run:
            report = await rotate_keys(db, settings.secret_key, old, batch_size)
    finally:
        await db.close()
    for line in report.lines():
        print(line)
    print("dry run: nothing changed" if dry_run else
          f"done: start the bot with the new BOT_SECRET_KEY and without {OLD_KEYS_VARIABLE}")
    return 0
