"""Outgoing rate limits shared by every bot process, through PostgreSQL.

Choice: PostgreSQL rather than Redis, because several processes already need PostgreSQL and
a second service would be one more thing to run and secure. Each message reserves the next
free slot of its chat (1/s; 3 s in groups, i.e. 20/min) and then of the whole bot (30/s) with
one atomic UPSERT per key, using the database's clock so processes on different machines
agree; the process then sleeps until its slot. The in-process ChatAwareRateLimiter still
orders a chat's calls and retries after 429.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from telegram.ext import BaseRateLimiter

from bot.store import Database
from bot.telegram_adapter.rate_limiter import ChatAwareRateLimiter, is_message_method

log = logging.getLogger("bot.ratelimit")
_RESERVE = text(
    "INSERT INTO rate_slots (key, next_at) "
    "VALUES (:key, CAST(:earliest AS double precision) + CAST(:interval AS double precision)) "
    "ON CONFLICT (key) DO UPDATE SET next_at = "
    "GREATEST(rate_slots.next_at, CAST(:earliest AS double precision)) "
    "+ CAST(:interval AS double precision) "
    "RETURNING next_at - CAST(:interval AS double precision)"
)
_PUSH_BACK = text(
    "UPDATE rate_slots SET next_at = GREATEST(next_at, CAST(:next_at AS double precision)) "
    "WHERE key = :key"
)
_NOW = text("SELECT CAST(extract(epoch from clock_timestamp()) AS double precision)")


class SharedRateLimiter(BaseRateLimiter[int]):
    """Reserve a cross-process slot in PostgreSQL, then hand over to the in-process limiter."""

    def __init__(self, inner: ChatAwareRateLimiter, db: Database, *,
                 per_chat_rate: float = 1.0, group_per_minute: float = 20.0,
                 overall_per_second: float = 30.0) -> None:
        self.inner = inner
        self.db = db
        self.chat_interval = 1.0 / per_chat_rate
        self.group_interval = max(60.0 / group_per_minute, self.chat_interval)
        self.overall_interval = 1.0 / overall_per_second

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def reserve(self, chat_id: int | str) -> float:
        """Seconds to wait before sending one message to ``chat_id``."""
        is_group = isinstance(chat_id, int) and chat_id < 0 or str(chat_id).startswith("@")
        interval = self.group_interval if is_group else self.chat_interval
        async with self.db.transaction() as session:
            now = float((await session.execute(_NOW)).scalar_one())
            chat_slot = float((await session.execute(
                _RESERVE, {"key": f"chat:{chat_id}"[:40], "earliest": now,
                           "interval": interval})).scalar_one())
            slot = float((await session.execute(
                _RESERVE, {"key": "overall", "earliest": chat_slot,
                           "interval": self.overall_interval})).scalar_one())
            if slot > chat_slot:  # the overall limit delays us: the chat's next slot moves too
                await session.execute(_PUSH_BACK, {"key": f"chat:{chat_id}"[:40],
                                                   "next_at": slot + interval})
            # Measured after the row locks were granted, so waiting for them does not count.
            end = float((await session.execute(_NOW)).scalar_one())
        return max(0.0, slot - end)

    async def process_request(self, callback: Any, args: Any, kwargs: dict[str, Any],
                              endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        chat_id = data.get("chat_id")
        if is_message_method(endpoint) and chat_id is not None:
            try:
                delay = await self.reserve(chat_id)
            except (SQLAlchemyError, OSError) as err:
                # The database is down: keep sending (a "please try again" must get out) under
                # the in-process limits alone rather than fail the message.
                log.warning("shared rate limiter unavailable; using process limits",
                            extra={"fields": {"error": type(err).__name__}})
                delay = 0.0
            if delay > 0:
                await asyncio.sleep(delay)
        return await self.inner.process_request(callback, args, kwargs, endpoint, data,
                                                rate_limit_args)
