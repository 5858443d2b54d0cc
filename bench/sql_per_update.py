"""SQL statements per update: the bot against the emulator on SQLite, statements counted.

`python bench/sql_per_update.py` prints statements per question update and the commonest
statements (20 users ask one question each, after /start).
"""

from __future__ import annotations

import asyncio
import collections
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from bench._harness import QUESTIONS  # noqa: E402
from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, populate_demo_world  # noqa: E402
from bot.runtime import BotRuntime  # noqa: E402
from bot.server import start_polling, stop_application  # noqa: E402
from tests.e2e.conftest import e2e_settings, fresh_database, shared_data  # noqa: E402

USERS = 20


async def main() -> None:
    emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="bench_bot")
    await emu.start()
    world = populate_demo_world(emu)
    work = tempfile.mkdtemp(prefix="sql-per-update-")
    settings = e2e_settings(emu, f"sqlite+aiosqlite:///{work}/bench.sqlite3", world.group_id)
    db = await fresh_database(settings.database_url)
    runtime = BotRuntime(settings, shared_data(settings), db)
    await start_polling(runtime)
    users = list(range(900_001, 900_001 + USERS))
    try:
        for user in users:
            emu.add_user(user, f"U{user}", None, "en")
            emu.user_sends(user, "/start")
        await emu.sleep_until_idle(1.0, 30)
        counts: collections.Counter[str] = collections.Counter()

        @event.listens_for(db.engine.sync_engine, "before_cursor_execute")
        def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
            counts[" ".join(statement.split())[:90]] += 1

        for n, user in enumerate(users):
            emu.user_sends(user, QUESTIONS[n % len(QUESTIONS)])
        await emu.sleep_until_idle(1.0, 30)
        print(f"statements per question update: {sum(counts.values()) / USERS:.2f} "
              "(first sends of a clip add a clip_files read and write)")
        for statement, seen in counts.most_common(15):
            print(f"{seen / USERS:5.2f}  {statement}")
    finally:
        await stop_application(runtime)
        await db.close()
        await emu.stop()


if __name__ == "__main__":
    asyncio.run(main())
