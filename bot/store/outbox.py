"""The transactional outbox: actions saved with the update, deleted once sent."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.action_codec import decode_actions, encode_actions
from bot.core.actions import Action
from bot.crypto import Crypto
from bot.store.leases import lease_stale
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
        """Batches committed before ``older_than`` and not sent, leased to the caller to send
        and then remove (bot/store/leases.py)."""
        rows = await lease_stale(self.session, OutboxRow, OutboxRow.id, OutboxRow.created_at,
                                 older_than, now, limit)
        return [(row.id, decode_actions(self.crypto.decrypt(row.payload_enc))) for row in rows]
