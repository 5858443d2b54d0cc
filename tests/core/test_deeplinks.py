"""Deep links: payload parsing and what the user gets after the welcome."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.deeplinks import make_payload, parse_payload
from tests.core.driver import Clock, CoreChat, build_engine
from tests.core.fakes import FakeLibrary, KeywordRisk, memory_ports


def test_parse_payload_kinds() -> None:
    link = parse_payload("c-balkans-spring_clip-widow-02")
    assert link is not None and link.campaign == "balkans-spring" and link.clip == "widow-02"
    link = parse_payload("c-x_topic-promises_vs_reality")
    assert link is not None and link.topic == "promises_vs_reality"
    assert parse_payload("flow-family") is not None
    for bad in ("", "hello", "clip-", "flow-party", "c-a_c-b", "clip-a_topic-b", "x" * 65,
                "c-a b", "c-é"):
        assert parse_payload(bad) is None, bad


def test_make_payload_round_trips_and_refuses_too_long() -> None:
    payload = make_payload("spring", topic="women")
    assert parse_payload(payload).topic == "women"  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        make_payload("c" * 70, clip="x")


@given(st.text(max_size=80))
def test_parse_payload_never_raises(text: str) -> None:
    parse_payload(text)


@pytest.fixture
def chat() -> CoreChat:
    return CoreChat(build_engine(FakeLibrary(), KeywordRisk(), Clock()), memory_ports())


async def test_clip_link_comes_after_welcome_and_consent(chat: CoreChat) -> None:
    actions = await chat.say("/start c-spring_clip-salary")
    assert chat.clips(actions) == []
    assert any("not end-to-end encrypted" in t for t in chat.texts(actions))
    actions = await chat.press("No, only answer when I write")
    assert chat.clips(actions) == ["salary"]
    counts = chat.ports.analytics.counts  # type: ignore[attr-defined]
    assert ("clip_sent", {"topic": "promises_vs_reality", "language": "en", "clip": "salary",
                          "campaign": "spring"}) in counts


async def test_flow_link_for_a_consented_user_opens_at_once(chat: CoreChat) -> None:
    await chat.say("/start")
    await chat.press("Yes, you can message me")
    actions = await chat.say("/start c-parents_flow-family")
    assert any("caring about someone" in t for t in chat.texts(actions))
    assert await chat.state() == "family.start"


async def test_malformed_payload_is_just_a_welcome(chat: CoreChat) -> None:
    actions = await chat.say("/start <script>")
    assert any("not end-to-end encrypted" in t for t in chat.texts(actions))
    counts = chat.ports.analytics.counts  # type: ignore[attr-defined]
    assert ("deeplink_invalid", {}) in counts
