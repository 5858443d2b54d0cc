"""Inline mode end to end: inline_query and chosen_inline_result through PTB and the emulator."""

from __future__ import annotations

import json
import logging

import pytest
from telegram import Update

from bot.core.deeplinks import parse_payload
from bot.outreach import install_inline_handlers
from bot.store import SqlClipFiles
from tests.e2e.conftest import Stack
from tests.outreach.support import E2E, counters

pytestmark = E2E
MARKER = "zebrafish"  # a word that must never reach the logs


async def test_inline_query_answer_and_chosen_result(outreach_stack: Stack,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    stack = outreach_stack
    caplog.set_level(logging.INFO, logger="bot")
    assert stack.runtime.application is not None
    outreach = install_inline_handlers(stack.runtime.application, stack.runtime)
    emu, user_id = stack.emu, stack.user_ids[0]
    async with stack.db.transaction() as session:
        await SqlClipFiles(session).put("salary-never-came", "CACHED-FILE-ID")

    before = len(emu.inline_answers)
    query = f"did the fighters get the salary they were promised {MARKER}"
    emu.inline_query(user_id, query)
    await emu.wait_for(lambda: len(emu.inline_answers) > before)
    answer = emu.inline_answers[before]
    results = answer["results"]
    assert 1 <= len(results) <= 50
    by_clip = {parse_payload(r["id"]).clip: r for r in results}  # type: ignore[union-attr]
    cached = by_clip["salary-never-came"]
    assert cached["video_file_id"] == "CACHED-FILE-ID" and "video_url" not in cached
    assert all(r.get("mime_type") == "video/mp4" for r in results if "video_url" in r)
    button = cached["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "Open in the bot"
    assert button["url"] == ("https://t.me/testimony_demo_bot?start="
                             "c-inline_clip-salary-never-came")
    params = emu.calls_to("answerInlineQuery")[-1].params
    assert int(params["cache_time"]) <= 60
    assert str(params["is_personal"]).lower() == "true"
    button_param = params["button"]
    if isinstance(button_param, str):
        button_param = json.loads(button_param)
    assert button_param["start_parameter"] == "c-inline"

    emu.inline_query(user_id, "")
    await emu.wait_for(lambda: len(emu.inline_answers) == before + 2)
    assert 1 <= len(emu.inline_answers[before + 1]["results"]) <= 10

    emu.chosen_inline_result(user_id, cached["id"], query)
    emu.chosen_inline_result(user_id, "not-a-payload", query)
    await emu.sleep_until_idle(0.3, 5)
    assert await counters(stack.db, "inline_chosen") == [
        ({"campaign": "inline", "clip": "salary-never-came"}, 1)]
    assert emu.bot_messages(user_id) == []  # inline updates start no conversation

    # Outside PTB's handlers (a webhook feeding the runtime), `process` does the same.
    bot = stack.runtime.application.bot
    chosen = {"result_id": "c-spring_clip-salary-never-came", "query": "",
              "from": {"id": user_id, "is_bot": False, "first_name": "A"}}
    assert await outreach.process(Update.de_json({"update_id": 10**9,
                                                  "chosen_inline_result": chosen}, bot))
    assert not await outreach.process(Update.de_json({"update_id": 10**9 + 1}, bot))
    assert ({"campaign": "spring", "clip": "salary-never-came"}, 1) in await counters(
        stack.db, "inline_chosen")

    logged = "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records
                        if r.name.startswith("bot"))
    assert "inline query" in logged
    assert MARKER not in logged and str(user_id) not in logged
