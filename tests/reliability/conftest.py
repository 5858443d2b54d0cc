"""Reliability fixtures: the e2e `stack` (real PTB stack against the emulator) and helpers."""

from __future__ import annotations

from bot.emulator import BotApiEmulator, StoredMessage
from tests.e2e.conftest import Stack, stack  # noqa: F401  (the fixture, re-exported)


def texts(messages: list[StoredMessage]) -> list[str]:
    """What the bot showed, in order (text or caption)."""
    return [m.text or m.caption or "" for m in messages]


def sends_to(emu: BotApiEmulator, chat_id: int, method: str = "sendMessage") -> list[object]:
    """Recorded calls of `method` to one chat."""
    return [c for c in emu.calls_to(method) if str(c.params.get("chat_id")) == str(chat_id)]


__all__ = ["Stack", "sends_to", "texts"]
