"""End-to-end fixtures: the real PTB Application + BotRuntime against the local emulator."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, StoredMessage, populate_demo_world
from bot.runtime import BotRuntime, DataFiles, load_data_files
from bot.server import start_polling, stop_application
from bot.store import Database

REPO = Path(__file__).resolve().parents[2]
_DATA: dict[str, DataFiles] = {}


def database_url_for_tests(tmp_path: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path}/e2e.sqlite3"


async def fresh_database(url: str) -> Database:
    db = Database(url)
    await db.drop_schema()
    await db.create_schema()
    return db


def shared_data(settings: Settings) -> DataFiles:
    if "data" not in _DATA:
        _DATA["data"] = load_data_files(settings)
    return _DATA["data"]


@dataclass
class TgUser:
    """A Telegram user in the emulator, with the small vocabulary stories need."""

    emu: BotApiEmulator
    user_id: int

    def _last_id(self) -> int:
        messages = self.emu.messages(self.user_id)
        return messages[-1].message_id if messages else 0

    async def send(self, text: str | None = None, kind: str = "text", expect: int = 1,
                   timeout: float = 8.0) -> list[StoredMessage]:
        self.emu.user_sends(self.user_id, text, kind=kind)
        if expect == 0:
            return []
        return await self.emu.wait_for_bot_messages(self.user_id, expect, timeout)

    async def press(self, label: str, expect: int = 1, timeout: float = 8.0
                    ) -> list[StoredMessage]:
        after = self._last_id()
        self.emu.user_presses(self.user_id, label=label)
        if expect == 0:
            return []
        return await self.emu.wait_for_bot_messages(self.user_id, expect, timeout, after=after)

    async def settle(self) -> list[StoredMessage]:
        await self.emu.sleep_until_idle(0.3, 5)
        return self.emu.bot_messages(self.user_id)


@dataclass
class Stack:
    emu: BotApiEmulator
    runtime: BotRuntime
    settings: Settings
    group_id: int
    counselor_ids: tuple[int, ...]
    user_ids: tuple[int, ...]
    db: Database

    def user(self, index: int = 0) -> TgUser:
        return TgUser(self.emu, self.user_ids[index])

    async def restart(self) -> None:
        """Stop the bot process's application and start a new one on the same database."""
        await stop_application(self.runtime)
        self.runtime = BotRuntime(self.settings, shared_data(self.settings), self.db)
        await start_polling(self.runtime)


def e2e_settings(emu: BotApiEmulator, url: str, group_id: int) -> Settings:
    return load_settings({}).with_overrides(
        bot_token=DEFAULT_TOKEN, api_url=emu.bot_base_url, file_url=emu.file_base_url,
        database_url=url, counselor_chat_id=group_id,
        secret_key="e2e-secret-key-0123456789abcdef", dialogs_dir=REPO / "dialogs",
        content_index=REPO / "content_index.yaml", media_root=REPO,
        per_chat_messages_per_second=50.0, overall_messages_per_second=200.0,
        group_messages_per_minute=600.0,
    )


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
    await emu.start()
    world = populate_demo_world(emu)
    settings = e2e_settings(emu, database_url_for_tests(tmp_path), world.group_id)
    db = await fresh_database(settings.database_url)
    runtime = BotRuntime(settings, shared_data(settings), db)
    await start_polling(runtime)
    stack = Stack(emu, runtime, settings, world.group_id, world.counselor_ids, world.user_ids,
                  db)
    try:
        yield stack
    finally:
        await stop_application(stack.runtime)
        await db.close()
        await emu.stop()
