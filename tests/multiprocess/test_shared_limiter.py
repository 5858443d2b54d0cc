"""The PostgreSQL-shared rate limiter spaces messages across limiter instances (processes)."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from bot.store import Database
from bot.telegram_adapter.rate_limiter import ChatAwareRateLimiter
from bot.telegram_adapter.shared_limiter import SharedRateLimiter

PG = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not PG.startswith("postgresql"),
                                reason="needs TEST_DATABASE_URL on PostgreSQL")


async def test_two_instances_share_per_chat_and_overall_limits() -> None:
    db = Database(PG)
    await db.drop_schema()
    await db.create_schema()
    sent: list[tuple[float, int]] = []

    def limiter() -> SharedRateLimiter:
        inner = ChatAwareRateLimiter(per_chat_rate=100.0, overall_per_second=1000,
                                     group_per_minute=1000)
        return SharedRateLimiter(inner, db, per_chat_rate=4.0, overall_per_second=20.0)

    async def send(instance: SharedRateLimiter, chat: int) -> None:
        async def callback(*_a: object, **_k: object) -> dict[str, bool]:
            sent.append((time.monotonic(), chat))
            return {"ok": True}
        await instance.process_request(callback, (), {}, "sendMessage", {"chat_id": chat}, None)

    first, second = limiter(), limiter()
    try:
        await asyncio.gather(*(send(first if n % 2 else second, 7) for n in range(8)),
                             *(send(second if n % 2 else first, 100 + n) for n in range(24)))
    finally:
        await db.close()
    one_chat = sorted(t for t, chat in sent if chat == 7)
    gaps = [b - a for a, b in zip(one_chat, one_chat[1:], strict=False)]
    # 4/s for one chat across both instances (event-loop jitter allowed: 25% of the interval);
    # without the shared limiter the two instances send to the chat at the same moment.
    assert min(gaps) >= 0.19, gaps
    everything = sorted(t for t, _ in sent)
    in_any_second = max(sum(1 for t in everything if s <= t < s + 1.0) for s in everything)
    assert in_any_second <= 22  # 20/s overall, across both instances
