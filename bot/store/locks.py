"""Per-chat locks held for one update's transaction (PostgreSQL advisory locks)."""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


def lock_number(chat_id: int) -> int:
    """A stable signed 64-bit number for a chat (advisory locks take a bigint)."""
    digest = hashlib.blake2b(f"chat:{chat_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class ChatLocks:
    """On PostgreSQL, `pg_advisory_xact_lock` serialises one chat's updates across processes
    until the transaction ends; SQLite serialises writers itself (one process only)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.enabled = session.bind.dialect.name == "postgresql"
        self.held: set[int] = set()

    async def hold(self, chat_id: int) -> None:
        if not self.enabled or chat_id in self.held:
            return
        await self.session.execute(text("SELECT pg_advisory_xact_lock(:n)"),
                                   {"n": lock_number(chat_id)})
        self.held.add(chat_id)
