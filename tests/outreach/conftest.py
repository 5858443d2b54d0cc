"""One end-to-end stack (real PTB against the emulator) shared by the outreach e2e tests.

Building a runtime is the slow part of an e2e test, so the outreach stories share one per
package run (loop_scope="package"); each story uses its own users and reads counters by label.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, populate_demo_world
from bot.runtime import BotRuntime
from bot.server import start_polling, stop_application
from tests.e2e.conftest import Stack, e2e_settings, fresh_database, shared_data


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def outreach_stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Stack]:
    tmp: Path = tmp_path_factory.mktemp("outreach")
    emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
    await emu.start()
    world = populate_demo_world(emu)
    settings = e2e_settings(emu, f"sqlite+aiosqlite:///{tmp}/e2e.sqlite3", world.group_id)
    db = await fresh_database(settings.database_url)
    runtime = BotRuntime(settings, shared_data(settings), db)
    await start_polling(runtime)
    try:
        yield Stack(emu, runtime, settings, world.group_id, world.counselor_ids,
                    world.user_ids, db)
    finally:
        await stop_application(runtime)
        await db.close()
        await emu.stop()
