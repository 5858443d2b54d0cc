"""The logs of a full conversation hold no message text, names, usernames or Telegram ids."""

from __future__ import annotations

import logging

import pytest

from bot.logs import JsonFormatter, setup_logging
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


async def test_logs_of_a_full_run_hold_no_identities_or_texts(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    setup_logging("json", "DEBUG")  # the production configuration, at its most verbose
    logging.getLogger().addHandler(caplog.handler)
    emu, group = stack.emu, stack.group_id
    user = stack.user(0)
    secret_question = "Zebrafinch question about salaries and houses"
    await user.send("/start")
    await user.send(secret_question)
    await user.send("I want to leave them, please help me get out")
    await user.press("Yes, connect me")
    topic = (await emu.wait_for(lambda: emu.topics(group)))[0]
    await emu.wait_for_bot_messages(group, 1, thread_id=topic.thread_id, after=0)
    emu.member_presses(group, stack.counselor_ids[0], label="✋ Take case",
                       thread_id=topic.thread_id)
    emu.member_sends(group, stack.counselor_ids[0], "Quokka reply from the counselor",
                     thread_id=topic.thread_id)
    await emu.wait_for(lambda: [m for m in emu.bot_messages(user.user_id)
                                if "Quokka" in (m.text or "")])
    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert "update" in logged  # one line per update was written
    forbidden = [secret_question, "Zebrafinch", "Quokka", "get out", str(user.user_id),
                 "Adam", "adam_k", "Sara", str(stack.counselor_ids[0]), "EMULATOR-TOKEN"]
    for needle in forbidden:
        assert needle not in logged, needle
