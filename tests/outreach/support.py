"""Helpers for outreach tests: the e2e marks, reading the aggregate counters of a database."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from bot.store import Database
from bot.store.models import Counter

E2E = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="package")]


async def counters(db: Database, name: str) -> list[tuple[dict[str, str], int]]:
    """(labels, count) of every counter row called ``name``."""
    async with db.transaction() as session:
        rows = await session.execute(select(Counter.labels, Counter.count)
                                     .where(Counter.name == name))
        return [(json.loads(labels), int(count)) for labels, count in rows.all()]
