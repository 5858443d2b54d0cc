"""Errors of the admin console, under the project's root exception."""

from __future__ import annotations

from bot.errors import TestimonyBotError


class ConsoleError(TestimonyBotError):
    """A console request cannot be carried out; the message is shown to the user."""


class StaleEdit(ConsoleError):
    """Someone published a newer version since this edit began."""

    def __init__(self, base: int, latest: int, diff: list[tuple[str, list[str]]]) -> None:
        self.base = base
        self.latest = latest
        self.diff = diff
        super().__init__(f"version {latest} was published since you started editing "
                         f"version {base}")
