"""The real PTB stack against the emulator: welcome, question, buttons, media, restart."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


async def test_start_question_button_and_media(stack: Stack) -> None:
    user = stack.user(0)
    welcome = await user.send("/start")
    texts = "\n".join(m.text or "" for m in welcome)
    assert "not end-to-end encrypted" in texts and "/delete" in texts
    assert "Yes, you can message me" in welcome[-1].button_labels
    replies = await user.press("Yes, you can message me")
    assert "What would you like to know" in (replies[0].text or "")
    clip = await user.send("Did the fighters really get the salary they were promised?")
    assert clip[0].kind == "video", clip[0]
    assert "Another story on this" in clip[0].button_labels
    assert stack.emu.calls_to("sendVideo")[-1].ok
    another = await user.press("Another story on this")
    assert another[0].kind == "video"
    assert another[0].caption != clip[0].caption
    sticker = await user.send(kind="sticker")
    assert "only read text" in (sticker[0].text or "")
    unknown = await user.send("/frobnicate")
    assert "/help" in (unknown[0].text or "")
    answers = [c for c in stack.emu.calls_to("answerCallbackQuery")]
    assert len(answers) >= 2


async def test_second_upload_reuses_the_cached_file_id(stack: Stack) -> None:
    first, second = stack.user(0), stack.user(2)
    await first.send("/start")
    await second.send("/start")
    await first.send("did they pay salaries")
    await second.send("did they pay salaries")
    videos = stack.emu.calls_to("sendVideo")
    assert len(videos) == 2
    assert isinstance(videos[1].params.get("video"), str)  # a file_id, not an upload


async def test_groups_the_bot_does_not_serve_get_silence(stack: Stack) -> None:
    stack.emu.add_forum_group(-100777, "Random group", {1001: "member"}, is_forum=False)
    stack.emu.member_sends(-100777, 1001, "hello bot")
    await stack.emu.sleep_until_idle(0.4, 5)
    assert stack.emu.bot_messages(-100777) == []


async def test_restart_in_the_middle_continues_where_the_user_was(stack: Stack) -> None:
    user = stack.user(0)
    await user.send("/start")
    await user.send("/talk")
    await user.settle()
    await stack.restart()
    replies = await user.press("Yes, connect me")
    assert any("queue" in (m.text or "") for m in replies)
    topics = await stack.emu.wait_for(lambda: stack.emu.topics(stack.group_id))
    assert "#1" in topics[0].name


async def test_edited_message_gets_a_polite_reply(stack: Stack) -> None:
    user = stack.user(0)
    await user.send("/start")
    sent = stack.emu.user_sends(user.user_id, "what about the children")
    await stack.emu.wait_for_bot_messages(user.user_id, 1)
    await stack.emu.sleep_until_idle(0.3, 5)
    before = len(stack.emu.bot_messages(user.user_id))
    stack.emu.user_edits(user.user_id, sent.message_id, "what about the women")
    await stack.emu.wait_for(lambda: len(stack.emu.bot_messages(user.user_id)) > before)
    assert "edits" in (stack.emu.bot_messages(user.user_id)[-1].text or "")
