"""Clips for an empty inline query: the most sent and shared lately, topped up from the index."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.content import ContentIndex
from bot.store.models import Counter

POPULAR_DAYS = 30
POPULAR_TTL_S = 600.0


async def _counts(session: AsyncSession, since: str) -> dict[str, int]:
    rows = await session.execute(
        select(Counter.labels, func.sum(Counter.count))
        .where(Counter.name.in_(("clip_sent", "inline_chosen")), Counter.day >= since)
        .group_by(Counter.labels))
    counts: dict[str, int] = {}
    for labels_json, count in rows.all():
        try:
            clip = json.loads(labels_json).get("clip")
        except (ValueError, AttributeError):
            continue
        if isinstance(clip, str):
            counts[clip] = counts.get(clip, 0) + int(count or 0)
    return counts


def _index_order(index: ContentIndex) -> list[str]:
    """One clip per topic in turn, so the default list shows different themes."""
    per_topic = [list(index.clip_ids_for_topic(t)) for t in index.topics]
    order: list[str] = []
    while any(per_topic):
        for ids in per_topic:
            while ids:
                clip_id = ids.pop(0)
                if clip_id not in order:
                    order.append(clip_id)
                    break
    return order


class PopularClips:
    """Ranks clips by recent aggregate counts; the ranking is cached for a few minutes."""

    def __init__(self, index: ContentIndex, ttl_s: float = POPULAR_TTL_S) -> None:
        self.index = index
        self.ttl_s = ttl_s
        self._cached: tuple[float, list[str]] | None = None

    async def ranked(self, session: AsyncSession) -> list[str]:
        now = time.monotonic()
        if self._cached and now - self._cached[0] < self.ttl_s:
            return self._cached[1]
        since = (datetime.now(UTC) - timedelta(days=POPULAR_DAYS)).strftime("%Y-%m-%d")
        counts = await _counts(session, since)
        fallback = _index_order(self.index)
        position = {clip_id: n for n, clip_id in enumerate(fallback)}
        ranked = sorted(self.index.clips, key=lambda c: (-counts.get(c, 0),
                                                         position.get(c, len(position))))
        self._cached = (now, ranked)
        return ranked
