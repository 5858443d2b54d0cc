"""Buttons are bound to their user: another user's or a counselor's callback_data is refused."""

from __future__ import annotations

import itertools

import pytest

from bot.emulator import BotApiEmulator
from bot.emulator._core import CallbackQueryRecord
from tests.reliability.conftest import Stack

pytestmark = pytest.mark.e2e
_IDS = itertools.count(1)


def press_with(emu: BotApiEmulator, user_id: int, data: str) -> str:
    """User `user_id` sends a callback query with `data` on their own newest bot message."""
    message = emu.bot_messages(user_id)[-1]
    query_id = f"forged{next(_IDS)}"
    emu.core.callback_queries[query_id] = CallbackQueryRecord(query_id, user_id, data)
    emu.core.hub.add("callback_query", {
        "id": query_id, "from": emu.core.world.users[user_id].to_json(),
        "message": dict(message.payload), "chat_instance": "forged", "data": data})
    return query_id


async def test_another_users_button_is_refused(stack: Stack) -> None:
    emu = stack.emu
    alice, mallory = stack.user(0), stack.user(1)
    await alice.send("/start", expect=1)
    await mallory.send("/start", expect=1)
    alice.emu.user_sends(alice.user_id, "/talk")
    offer = await emu.wait_for(lambda: [m for m in emu.bot_messages(alice.user_id)
                                        if "Yes, connect me" in m.button_labels], 10)
    data = next(b["callback_data"] for row in offer[-1].buttons for b in row
                if b["text"] == "Yes, connect me")
    await emu.sleep_until_idle(0.5, 10)
    before = len(emu.bot_messages(mallory.user_id))
    query = press_with(emu, mallory.user_id, data)
    await emu.wait_for(lambda: emu.callback_answer(query), 10)
    await emu.sleep_until_idle(0.5, 10)
    assert emu.topics(stack.group_id) == []  # no case opened, for anyone
    assert not any("queue" in (m.text or "") for m in emu.bot_messages(mallory.user_id)[before:])


async def test_a_counselors_button_pressed_by_a_user_is_refused(stack: Stack) -> None:
    emu, group = stack.emu, stack.group_id
    user, other = stack.user(0), stack.user(2)
    await user.send("/start", expect=1)
    await other.send("/start", expect=1)
    emu.user_sends(user.user_id, "/talk")
    await emu.wait_for(lambda: [m for m in emu.bot_messages(user.user_id)
                                if "Yes, connect me" in m.button_labels], 10)
    emu.user_presses(user.user_id, label="Yes, connect me")
    topic = (await emu.wait_for(lambda: emu.topics(group), 10))[0]
    card = (await emu.wait_for_bot_messages(group, 1, thread_id=topic.thread_id, after=0))[0]
    take = card.buttons[0][0]["callback_data"]
    await emu.sleep_until_idle(0.5, 10)
    query = press_with(emu, other.user_id, take)  # a user replays the "take case" button
    await emu.wait_for(lambda: emu.callback_answer(query), 10)
    await emu.sleep_until_idle(0.5, 10)
    assert not any("ounselor is here" in (m.text or "") for m in emu.bot_messages(user.user_id))
    assert len(emu.bot_messages(group, topic.thread_id)) == 1  # the card only: not taken


@pytest.mark.parametrize("data", ["x" * 64, "connect", "c:1:" + "A" * 60, "\u200f\u200b"])
async def test_forged_callback_data_is_refused_quietly(stack: Stack, data: str) -> None:
    emu = stack.emu
    user = stack.user(0)
    await user.send("/start", expect=1)
    await emu.sleep_until_idle(0.5, 10)
    query = press_with(emu, user.user_id, data)
    await emu.wait_for(lambda: emu.callback_answer(query), 10)
    await emu.sleep_until_idle(0.3, 10)
    assert emu.topics(stack.group_id) == []
    assert all(c.ok or c.error_code != 400 for c in emu.calls)
