"""Long polling through the inbox: an update is confirmed to Telegram only once it is stored,
and what is stored but never handled (a crash) is handled at the next start, once."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest
from sqlalchemy import func, select
from telegram import Update

from bot.store.models import InboxRow
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e
HELP_MARK = "/topics"


def _helps(stack: Stack, user: int) -> int:
    return sum(HELP_MARK in (m.text or "") for m in stack.emu.bot_messages(user))


async def _inbox_rows(stack: Stack) -> int:
    async with stack.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(InboxRow))).scalar())


async def test_a_stored_update_never_handled_is_handled_at_the_next_start(stack: Stack) -> None:
    user = stack.user(0)
    await user.send("/start", expect=1)
    assert stack.runtime.poller is not None

    async def crash_before_commit(_update: Update) -> None:
        return None  # the process "dies" after storing the batch, before handling it

    stack.runtime.poller.dispatch = crash_before_commit
    stack.emu.user_sends(user.user_id, "/help")
    await stack.emu.wait_for(lambda: stack.emu.pending_updates == 0, 10)  # stored, confirmed
    await asyncio.sleep(0.3)
    assert _helps(stack, user.user_id) == 0
    assert await _inbox_rows(stack) == 1
    await stack.restart()
    await stack.emu.wait_for(lambda: _helps(stack, user.user_id) == 1, 10)
    await stack.emu.sleep_until_idle(0.5, 10)
    assert _helps(stack, user.user_id) == 1
    assert await _inbox_rows(stack) == 0


async def test_a_batch_that_cannot_be_stored_is_not_confirmed(stack: Stack) -> None:
    user = stack.user(0)
    await user.send("/start", expect=1)
    poller = stack.runtime.poller
    assert poller is not None
    store = poller.store_batch

    async def database_away(_updates: Sequence[Update]) -> None:
        raise ConnectionError("database away")

    poller.store_batch = database_away
    stack.emu.user_sends(user.user_id, "/help")
    await stack.emu.wait_for(lambda: _helps(stack, user.user_id) == 1, 10)  # still answered
    assert stack.emu.pending_updates == 1  # but Telegram keeps it until it is stored
    poller.store_batch = store
    await stack.emu.wait_for(lambda: stack.emu.pending_updates == 0, 15)
    await stack.emu.sleep_until_idle(0.5, 10)
    assert _helps(stack, user.user_id) == 1  # fetched again, recognised as done
    assert await _inbox_rows(stack) == 0
