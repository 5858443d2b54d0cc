"""Leasing stale rows of a queue table (the inbox and the outbox) to one caller at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession


async def lease_stale(session: AsyncSession, model: Any, key: Any, stamp: Any,
                      older_than: float, now: float, limit: int) -> Sequence[Any]:
    """Rows whose ``stamp`` is before ``older_than``, in ``key`` order, leased to the caller.

    The lease is the stamp set to ``now``: once the transaction commits, other processes (and
    later calls with the same ``older_than``) skip these rows, and the caller handles them
    outside any transaction, then deletes each. If the caller dies first, the rows become stale
    again and are handled by whoever looks next. PostgreSQL skips rows another process is
    leasing at the same moment.
    """
    query = select(model).where(stamp < older_than).order_by(key).limit(limit)
    if session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = (await session.execute(query)).scalars().all()
    if rows:
        await session.execute(update(model).where(key.in_([getattr(row, key.key) for row in rows]))
                              .values({stamp.key: now}))
    return rows
