"""Counselor desk in the core: take, relay, release, transfer, close, escalate, re-alert."""

from __future__ import annotations

import pytest

from bot.core import AnswerCallback, CopyMessage, EditCaseTopic, OpenCaseTopic, SendText
from tests.core.driver import COUNSELOR_CHAT, Clock, CoreChat, Counselor, build_engine, tick
from tests.core.fakes import FakeLibrary, KeywordRisk, memory_ports


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def setup(clock: Clock) -> tuple[CoreChat, Counselor, Counselor]:
    engine = build_engine(FakeLibrary(), KeywordRisk(), clock)
    ports = memory_ports()
    return (CoreChat(engine, ports), Counselor(engine, ports, 9001, "Amina"),
            Counselor(engine, ports, 9002, "Jonas"))


async def open_case(chat: CoreChat) -> OpenCaseTopic:
    await chat.say("/start")
    await chat.say("I want to leave, how do I get out")
    actions = await chat.press("Yes, connect me")
    topics = [a for a in actions if isinstance(a, OpenCaseTopic)]
    assert topics, chat.texts(actions)
    return topics[0]


def group_texts(actions: list) -> list[str]:
    return [a.text for a in actions if isinstance(a, SendText) and a.chat_id == COUNSELOR_CHAT]


async def test_leaving_offer_then_case_with_card_and_queue_message(setup) -> None:
    chat, _, _ = setup
    topic = await open_case(chat)
    assert "leaving" in topic.title and "#1" in topic.title
    assert "leaving/en" in topic.card_text  # matched cues shown to counselors
    assert "42" not in topic.card_text  # never the user's Telegram id
    assert any("number 1" in t for t in chat.texts())
    assert await chat.state() == "handoff.waiting"


async def test_take_is_exclusive_and_relay_uses_copy(setup) -> None:
    chat, amina, jonas = setup
    topic = await open_case(chat)
    take = topic.card_buttons[0][0].data
    won = await amina.press(take)
    lost = await jonas.press(take)
    assert "yours" in (won_answer := [a for a in won if isinstance(a, AnswerCallback)][0]).text
    assert won_answer.alert is False
    assert "Another counselor" in [a for a in lost if isinstance(a, AnswerCallback)][0].text
    assert any("counselor is here" in a.text for a in won if isinstance(a, SendText)
               and a.chat_id == chat.user_id)
    thread = 100
    sent = await amina.write(thread, "Hello, I am here to listen.")
    copies = [a for a in sent if isinstance(a, CopyMessage)]
    assert copies and copies[0].to_chat_id == chat.user_id
    blocked = await jonas.write(thread, "hi")
    assert not any(isinstance(a, CopyMessage) for a in blocked)
    assert "another counselor" in group_texts(blocked)[0]
    relayed = await chat.say("thank you")
    assert [a for a in relayed if isinstance(a, CopyMessage)][0].to_chat_id == COUNSELOR_CHAT
    assert chat.texts(relayed) == []  # the bot stays silent while a counselor talks


async def test_message_before_take_and_in_closed_case_is_refused(setup) -> None:
    chat, amina, _ = setup
    topic = await open_case(chat)
    early = await amina.write(100, "hello?")
    assert "Take the case first" in group_texts(early)[0]
    await amina.press(topic.card_buttons[0][0].data)
    closed = await amina.write(100, "/close resolved")
    assert any(isinstance(a, EditCaseTopic) and a.closed for a in closed)
    assert any("Did this help" in t for t in chat.texts(closed))
    late = await amina.write(100, "one more thing")
    assert not any(isinstance(a, CopyMessage) for a in late)
    assert "closed" in group_texts(late)[0]
    after = await chat.say("salary")
    assert chat.clips(after) == ["salary"]  # the bot is back


async def test_close_needs_a_valid_outcome_and_release_requeues(setup) -> None:
    chat, amina, jonas = setup
    topic = await open_case(chat)
    await amina.press(topic.card_buttons[0][0].data)
    assert "Usage" in group_texts(await amina.write(100, "/close whatever"))[0]
    released = await amina.write(100, "/release")
    assert "back in the queue" in group_texts(released)[0]
    new_take = [a for a in released if isinstance(a, SendText)][0].buttons[0][0].data
    won = await jonas.press(new_take)
    assert "yours" in [a for a in won if isinstance(a, AnswerCallback)][0].text


async def test_transfer_to_alias(setup) -> None:
    chat, amina, jonas = setup
    topic = await open_case(chat)
    await jonas.write(None, "/alias Jo")
    await amina.press(topic.card_buttons[0][0].data)
    moved = await amina.write(100, "/transfer Jo")
    assert "now with Jo" in group_texts(moved)[0]
    sent = await jonas.write(100, "Hi, Jo here")
    assert any(isinstance(a, CopyMessage) for a in sent)


async def test_forged_take_button_is_rejected(setup) -> None:
    chat, amina, _ = setup
    await open_case(chat)
    actions = await amina.press("take|1|AAAAAA")
    assert "not valid" in [a for a in actions if isinstance(a, AnswerCallback)][0].text


async def test_distress_while_waiting_gives_helplines_and_alerts(setup) -> None:
    chat, _, _ = setup
    await open_case(chat)
    actions = await chat.say("I will die tonight")
    assert any("Help numbers" in t for t in chat.texts(actions))
    assert any("distress cues" in t for t in group_texts(actions))
    assert any(isinstance(a, EditCaseTopic) and "URGENT" in (a.title or "") for a in actions)


async def test_waiting_too_long_gets_helplines_and_urgent_realerts(setup, clock: Clock) -> None:
    chat, _, _ = setup
    await chat.say("I will die tonight")
    clock.advance(121)
    first = await tick(chat.engine, chat.ports, clock.now)
    assert any("has waited 2 min" in t for t in group_texts(first))
    clock.advance(200)
    second = await tick(chat.engine, chat.ports, clock.now)
    assert any("has waited 5 min" in t for t in group_texts(second))
    assert any("not been forgotten" in t for t in chat.texts(second))
    third = await tick(chat.engine, chat.ports, clock.now + 1000)
    assert group_texts(third) == []


async def test_outside_hours_gets_helplines_and_when(clock: Clock) -> None:
    engine = build_engine(FakeLibrary(), KeywordRisk(), clock, hours="Mon 00:00-00:01")
    chat = CoreChat(engine, memory_ports())
    await chat.say("/start")
    await chat.say("/talk")
    actions = await chat.press("Yes, connect me")
    texts = chat.texts(actions)
    assert any("No counselor is on duty" in t for t in texts)
    assert any("Help numbers" in t for t in texts)
