"""The transactional outbox: actions saved with the update, deleted once sent."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.action_codec import decode_actions, encode_actions
from bot.core.actions import Action
from bot.crypto import Crypto
from bot.store.models import OutboxRow
from bot.store.statements import hot_statements


class Outbox:
    def __init__(self, session: AsyncSession, crypto: Crypto) -> None:
        self.session = session
        self.crypto = crypto

    async def add(self, actions: list[Action], now: float) -> int:
        row = OutboxRow(created_at=now, payload_enc=self.crypto.encrypt(encode_actions(actions)))
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def remove(self, outbox_id: int) -> None:
        await self.session.execute(hot_statements(self.session).remove_outbox_row,
                                   {"outbox_id": outbox_id})

    async def claim_stale(self, older_than: float, now: float, limit: int = 50
                          ) -> list[tuple[int, list[Action]]]:
        """Rows older than ``older_than``, leased to the caller until they are stale again.

        The lease is the row's time set to ``now``: once this transaction commits, other
        processes (and later calls with the same ``older_than``) skip these rows, and the
        caller sends them outside any transaction, then removes each. If the caller dies
        first, the rows become stale again and are sent by whoever looks next.
        """
        query = (select(OutboxRow).where(OutboxRow.created_at < older_than)
                 .order_by(OutboxRow.id).limit(limit))
        if self.session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)
        rows = (await self.session.execute(query)).scalars().all()
        if rows:
            await self.session.execute(update(OutboxRow)
                                       .where(OutboxRow.id.in_([row.id for row in rows]))
                                       .values(created_at=now))
        return [(row.id, decode_actions(self.crypto.decrypt(row.payload_enc))) for row in rows]
