"""A local Telegram Bot API emulator (aiohttp) for tests, the demo and the benchmarks."""

from bot.emulator._errors import ApiError
from bot.emulator._traffic import Fault, RecordedCall
from bot.emulator._world import EmulatedUser, ForumGroup, ForumTopic, StoredMessage
from bot.emulator.demo import install_demo_page, populate_demo_world
from bot.emulator.emulator import DEFAULT_TOKEN, BotApiEmulator

__all__ = [
    "DEFAULT_TOKEN", "ApiError", "BotApiEmulator", "EmulatedUser", "Fault", "ForumGroup",
    "ForumTopic", "RecordedCall", "StoredMessage", "install_demo_page", "populate_demo_world",
]
