"""Core engine: welcome, questions, buttons, commands, without Telegram or a database."""

from __future__ import annotations

import pytest

from bot.core import OpenCaseTopic, SendClip
from tests.core.driver import Clock, CoreChat, build_engine
from tests.core.fakes import FakeLibrary, KeywordRisk, memory_ports


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def chat(clock: Clock) -> CoreChat:
    engine = build_engine(FakeLibrary(), KeywordRisk(), clock)
    return CoreChat(engine, memory_ports())


async def test_start_shows_welcome_privacy_and_safe_question(chat: CoreChat) -> None:
    actions = await chat.say("/start")
    texts = chat.texts(actions)
    assert any("not end-to-end encrypted" in t for t in texts)
    assert any("SAMPLE" in t for t in texts)
    chat.find_button("Yes, you can message me")
    assert await chat.state() == "welcome.start"


async def test_question_gets_a_clip_with_follow_up_buttons(chat: CoreChat) -> None:
    await chat.say("/start")
    await chat.press("Yes, you can message me")
    actions = await chat.say("Did they pay the salary?")
    clips = [a for a in actions if isinstance(a, SendClip)]
    assert [c.clip_id for c in clips] == ["salary"]
    labels = [b.label for row in clips[0].buttons for b in row]
    assert labels == ["Another story on this", "Different question", "Talk to someone"]
    actions = await chat.press("Another story on this")
    assert chat.clips(actions) == ["salary2"]


async def test_seen_clip_is_not_sent_again_and_topic_menu_is_the_fallback(chat: CoreChat) -> None:
    await chat.say("/start")
    await chat.say("house promised")
    await chat.say("house promised")
    actions = await chat.say("house promised")
    assert chat.clips(actions) == []
    assert any("Choose a topic" in t for t in chat.texts(actions))


async def test_first_message_without_start_sees_welcome_then_answer(chat: CoreChat) -> None:
    actions = await chat.say("what about the salary?")
    texts = chat.texts(actions)
    assert any("not end-to-end encrypted" in t for t in texts)
    assert chat.clips(actions) == ["salary"]


async def test_unknown_question_counts_a_gap_and_offers_topics(chat: CoreChat) -> None:
    await chat.say("/start")
    actions = await chat.say("qwerty zzz")
    assert chat.clips(actions) == []
    assert chat.ports.analytics.patterns  # type: ignore[attr-defined]
    await chat.press("Brutality")
    # graphic clip asks first
    assert any("violence" in t for t in chat.texts()[-1:])
    actions = await chat.press("Yes, show me")
    assert chat.clips(actions) == ["execution"]


async def test_unknown_command_media_and_help(chat: CoreChat) -> None:
    await chat.say("/start")
    assert "don't know that command" in chat.texts(await chat.say("/frobnicate"))[0]
    assert "only read text" in chat.texts(await chat.send_media("sticker"))[0]
    assert "/topics" in chat.texts(await chat.say("/help"))[0]


async def test_forged_or_stale_button_is_expired(chat: CoreChat) -> None:
    await chat.say("/start")
    actions = await chat.press_data("safe_yes|x|AAAAAA")
    assert any("expired" in t for t in chat.texts(actions))
    other = CoreChat(chat.engine, chat.ports, user_id=77)
    await other.say("/start")
    stolen = other.find_button("Yes, you can message me")
    actions = await chat.press_data(stolen)
    assert any("expired" in t for t in chat.texts(actions))


async def test_language_switch(chat: CoreChat) -> None:
    await chat.say("/language")
    await chat.press("Deutsch")
    user = await chat.ports.users.load(chat.ref.key)
    assert user is not None and user.language == "de" and user.language_locked


async def test_distress_gets_helplines_first_then_offer(chat: CoreChat) -> None:
    await chat.say("/start")
    actions = await chat.say("i want to die")
    first = chat.texts(actions)[0]  # one message: warm words, helplines, then the offer
    assert first.startswith("I'm really glad you told me")
    assert first.index("116 123") < first.index("talk to one of our counselors")
    assert not any(isinstance(a, OpenCaseTopic) for a in actions)
    actions = await chat.press("Yes, connect me now")
    assert any(isinstance(a, OpenCaseTopic) for a in actions)


async def test_urgent_opens_case_without_asking(chat: CoreChat) -> None:
    actions = await chat.say("I will die tonight")
    first = chat.texts(actions)[0]
    assert first.startswith("I'm really glad you told me") and "Help numbers" in first
    cases = [a for a in actions if isinstance(a, OpenCaseTopic)]
    assert cases and "URGENT" in cases[0].title
    assert await chat.state() == "handoff.waiting"


async def test_delete_erases_everything(chat: CoreChat) -> None:
    await chat.say("/start")
    await chat.say("salary")
    await chat.say("/delete")
    actions = await chat.press("Yes, delete everything")
    assert any("erased" in t for t in chat.texts(actions))
    assert await chat.ports.users.load(chat.ref.key) is None


async def test_flood_is_slowed_then_muted_but_distress_still_answered(chat: CoreChat) -> None:
    await chat.say("/start")
    notices = []
    for _ in range(20):
        notices += chat.texts(await chat.say("hello there"))
    assert any("very fast" in t for t in notices)
    assert any("pause" in t for t in notices)
    actions = await chat.say("i want to die")
    assert any("Help numbers" in t for t in chat.texts(actions))
