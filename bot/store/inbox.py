"""The transactional inbox: updates fetched by long polling, deleted by the update's commit."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crypto import Crypto
from bot.store.leases import lease_stale
from bot.store.models import InboxRow
from bot.store.repositories import _insert
from bot.store.statements import hot_statements


class Inbox:
    def __init__(self, session: AsyncSession, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    async def store(self, updates: Sequence[tuple[int, dict[str, object]]], now: float) -> None:
        """Keep a fetched batch (an update already stored, fetched again, is left as it is)."""
        if not updates:
            return
        rows = [{"update_id": update_id, "received_at": now,
                 "payload_enc": self.crypto.encrypt(json.dumps(data, ensure_ascii=False))}
                for update_id, data in updates]
        stmt = _insert(self.session, InboxRow).values(rows)
        await self.session.execute(stmt.on_conflict_do_nothing(index_elements=["update_id"]))

    async def done(self, update_ids: Iterable[int]) -> None:
        """Forget updates whose effect is committed (in the same transaction) or not needed."""
        ids = list(update_ids)
        if len(ids) == 1:  # every update: the prepared statement
            await self.session.execute(hot_statements(self.session).forget_inbox_row,
                                       {"update_id": ids[0]})
        elif ids:
            await self.session.execute(delete(InboxRow).where(InboxRow.update_id.in_(ids)))

    async def claim_stale(self, older_than: float, now: float, limit: int = 100
                          ) -> list[dict[str, object]]:
        """Updates stored before ``older_than`` and not handled, leased to the caller (like the
        outbox: their time is set to ``now``, so others skip them until they are stale again)."""
        rows = await lease_stale(self.session, InboxRow, InboxRow.update_id,
                                 InboxRow.received_at, older_than, now, limit)
        return [json.loads(self.crypto.decrypt(row.payload_enc)) for row in rows]
