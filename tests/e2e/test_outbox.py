"""A crash between commit and send loses nothing: the outbox re-sends committed actions."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


async def test_actions_committed_but_not_sent_are_resent(stack: Stack) -> None:
    runtime, emu = stack.runtime, stack.emu
    user = stack.user(0)
    await user.send("/start")
    executor = runtime.executor
    assert executor is not None
    original = executor.run

    async def crash(actions):  # type: ignore[no-untyped-def]
        raise RuntimeError("the process dies between commit and send")

    executor.run = crash  # type: ignore[method-assign]
    emu.user_sends(user.user_id, "/help")
    await emu.sleep_until_idle(0.5, 5)
    assert not any("/topics" in (m.text or "") for m in emu.bot_messages(user.user_id))
    executor.run = original  # type: ignore[method-assign]
    assert await runtime.resend_unsent(0.0) == 1
    assert any("/topics" in (m.text or "") for m in emu.bot_messages(user.user_id))
    assert await runtime.resend_unsent(0.0) == 0  # sent once, then gone
