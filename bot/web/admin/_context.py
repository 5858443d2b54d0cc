"""ConsoleContext: what the admin console needs from the bot process it runs in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.config import Settings
from bot.core.ports import RiskAssessor
from bot.flows import DialogSet
from bot.library import ContentLibrary
from bot.store import Database

MB = 1024 * 1024


@dataclass
class ConsoleContext:
    """Handles into the running bot; ``publish`` switches it to a new dialog set atomically.

    ``publish_library`` (optional) switches the running bot to an edited clip index; without
    it an edited index is stored as a version and used after the next restart or poll.
    ``cookie_secure=False`` only for the plain-http demo on 127.0.0.1.
    """

    db: Database
    settings: Settings
    publish: Callable[[DialogSet], None]
    current_dialogs: Callable[[], DialogSet]
    library: Callable[[], ContentLibrary]
    risk: RiskAssessor
    secret_key: str
    publish_library: Callable[[ContentLibrary], None] | None = None
    cookie_secure: bool = True
    max_body_bytes: int = 2 * MB
    max_file_chars: int = 512 * 1024
    max_upload_bytes: int = 50 * MB
    session_seconds: float = 8 * 3600.0


class ContextSlot:
    """Holds the context of a mounted console; empty while the bot process is still starting."""

    def __init__(self, context: ConsoleContext | None = None) -> None:
        self.context = context

    def attach(self, context: ConsoleContext) -> None:
        """Give the console its context (once the runtime exists)."""
        self.context = context
