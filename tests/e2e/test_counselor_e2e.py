"""A whole handoff through Telegram: case topic, take, relay both ways with copyMessage, close."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


async def test_leaving_user_reaches_a_counselor_and_back(stack: Stack) -> None:
    emu, group = stack.emu, stack.group_id
    amina, omar = stack.counselor_ids
    user = stack.user(0)
    await user.send("/start")
    offer = await user.send("I want to get out of this group, they keep calling me")
    assert "Yes, connect me" in offer[-1].button_labels
    await user.press("Yes, connect me")
    topic = (await emu.wait_for(lambda: emu.topics(group)))[0]
    card = await emu.wait_for_bot_messages(group, 1, thread_id=topic.thread_id, after=0)
    assert "Reason: leaving" in (card[0].text or "")
    assert str(user.user_id) not in (card[0].text or "")
    assert "Adam" not in (card[0].text or "") and "adam_k" not in (card[0].text or "")
    emu.member_presses(group, amina, label="✋ Take case", thread_id=topic.thread_id)
    connected = await emu.wait_for_bot_messages(user.user_id, 1,
                                                after=emu.messages(user.user_id)[-1].message_id)
    assert "counselor is here" in (connected[0].text or "").lower()
    emu.member_presses(group, omar, label="✋ Take case", thread_id=topic.thread_id)
    await emu.sleep_until_idle(0.3, 5)
    emu.member_sends(group, amina, "Hello, I am here. How are you feeling?",
                     thread_id=topic.thread_id)
    relayed = await emu.wait_for(lambda: [m for m in emu.bot_messages(user.user_id)
                                          if "How are you feeling" in (m.text or "")])
    assert relayed
    assert emu.calls_to("copyMessage") and not emu.calls_to("forwardMessage")
    emu.user_sends(user.user_id, "scared but ok")
    await emu.wait_for(lambda: [m for m in emu.bot_messages(group, topic.thread_id)
                                if m.text == "scared but ok"])
    emu.member_sends(group, amina, "/close resolved", thread_id=topic.thread_id)
    feedback = await emu.wait_for(lambda: [m for m in emu.bot_messages(user.user_id)
                                           if "Did this help" in (m.text or "")])
    assert "Yes, it helped" in feedback[-1].button_labels
    assert emu.topics(group)[0].closed


async def test_urgent_message_opens_an_urgent_case_at_once(stack: Stack) -> None:
    emu, group = stack.emu, stack.group_id
    user = stack.user(1)
    replies = await user.send("I have the pills here and I am going to take them all tonight",
                              expect=2)
    texts = [m.text or "" for m in replies]
    assert any("Help" in t or "help" in t or "مساعدة" in t or "1564" in t for t in texts)
    topics = await emu.wait_for(lambda: emu.topics(group))
    assert "URGENT" in topics[0].name


async def _open_taken_case(stack: Stack) -> tuple[int, int]:
    emu, group = stack.emu, stack.group_id
    user = stack.user(0)
    await user.send("/start")
    await user.send("/talk")
    await user.press("Yes, connect me")
    topic = (await emu.wait_for(lambda: emu.topics(group)))[0]
    await emu.wait_for_bot_messages(group, 1, thread_id=topic.thread_id, after=0)
    emu.member_presses(group, stack.counselor_ids[0], label="✋ Take case",
                       thread_id=topic.thread_id)
    await emu.wait_for(lambda: [m for m in emu.bot_messages(user.user_id)
                                if "counselor is here" in (m.text or "").lower()])
    return user.user_id, topic.thread_id


async def test_blocked_user_is_reported_in_the_topic(stack: Stack) -> None:
    emu, group = stack.emu, stack.group_id
    user_id, thread = await _open_taken_case(stack)
    emu.block(user_id)
    emu.member_sends(group, stack.counselor_ids[0], "are you still there?", thread_id=thread)
    notice = await emu.wait_for(lambda: [m for m in emu.bot_messages(group, thread)
                                         if "blocked the bot" in (m.text or "")])
    assert notice
    emu.member_sends(group, stack.counselor_ids[0], "hello?", thread_id=thread)
    await emu.wait_for(lambda: len([m for m in emu.bot_messages(group, thread)
                                    if "blocked" in (m.text or "")]) >= 2)
    assert len(emu.calls_to("copyMessage")) >= 1


async def test_a_user_flooding_while_waiting_is_slowed_not_relayed_fifty_times(
    stack: Stack,
) -> None:
    emu, group = stack.emu, stack.group_id
    user = stack.user(0)
    await user.send("/start")
    await user.send("/talk")
    await user.press("Yes, connect me")
    topic = (await emu.wait_for(lambda: emu.topics(group)))[0]
    for n in range(50):
        emu.user_sends(user.user_id, f"hello {n}")
    await emu.sleep_until_idle(0.5, 20)
    relayed = [m for m in emu.bot_messages(group, topic.thread_id)
               if (m.text or "").startswith("hello")]
    notices = [m for m in emu.bot_messages(user.user_id) if "very fast" in (m.text or "")]
    assert 1 <= len(relayed) <= 10
    assert len(notices) == 1


async def test_non_counselor_cannot_take_a_case(stack: Stack) -> None:
    emu, group = stack.emu, stack.group_id
    outsider = 3003
    emu.add_user(outsider, "Curious")
    emu.core.world.groups[group].member_status[outsider] = "left"
    user = stack.user(0)
    await user.send("/start")
    await user.send("/talk")
    await user.press("Yes, connect me")
    topic = (await emu.wait_for(lambda: emu.topics(group)))[0]
    await emu.wait_for_bot_messages(group, 1, thread_id=topic.thread_id, after=0)
    query = emu.member_presses(group, outsider, label="✋ Take case", thread_id=topic.thread_id)
    record = await emu.wait_for(lambda: (r := emu.callback_answer(query)) and r.answered and r)
    assert "Only counselors" in str(record.answer.get("text"))


async def test_counselor_chat_in_a_topic_without_case_stays_silent(stack: Stack) -> None:
    emu, group = stack.emu, stack.group_id
    emu.member_sends(group, stack.counselor_ids[0], "coffee anyone?")
    await emu.sleep_until_idle(0.4, 5)
    assert emu.bot_messages(group) == []
