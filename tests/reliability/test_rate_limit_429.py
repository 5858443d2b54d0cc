"""A 429 with retry_after: its chat waits it out, the reply arrives once, other chats go on."""

from __future__ import annotations

import time

import pytest

from tests.reliability.conftest import Stack, sends_to

pytestmark = pytest.mark.e2e
HELP_MARK = "/topics"


async def test_retry_after_is_honoured_for_that_chat_only(stack: Stack) -> None:
    emu = stack.emu
    first, second = stack.user(0), stack.user(1)
    for user in (first, second):
        await user.send("/start", expect=1)
    await emu.sleep_until_idle(0.5, 10)
    emu.inject_fault("sendMessage", kind="429", retry_after=2, times=1)
    emu.user_sends(first.user_id, "/help")
    limited = await emu.wait_for(lambda: [c for c in sends_to(emu, first.user_id)
                                          if c.error_code == 429], timeout=10)
    limited_at = limited[0].time
    asked = time.time()
    emu.user_sends(second.user_id, "/help")
    await emu.wait_for(lambda: [m for m in emu.bot_messages(second.user_id)
                                if HELP_MARK in (m.text or "")], timeout=10)
    other_wait = time.time() - asked
    await emu.wait_for(lambda: [m for m in emu.bot_messages(first.user_id)
                                if HELP_MARK in (m.text or "")], timeout=15)
    await emu.sleep_until_idle(0.5, 10)
    after = [c for c in sends_to(emu, first.user_id) if c.time > limited_at]
    print(f"other chat answered after {other_wait:.2f} s; limited chat retried after "
          f"{after[0].time - limited_at:.2f} s")
    assert all(c.time - limited_at >= 2.0 for c in after)  # nothing before retry_after
    assert sum(HELP_MARK in (m.text or "") for m in emu.bot_messages(first.user_id)) == 1
    assert other_wait < 1.5  # not held up by the other chat's 2 s pause
