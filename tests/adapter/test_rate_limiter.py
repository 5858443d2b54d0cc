"""Tests for ChatAwareRateLimiter, driven through process_request on a virtual clock."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from telegram.error import RetryAfter

from bot.errors import ConfigError
from bot.telegram_adapter.rate_limiter import ChatAwareRateLimiter, is_message_method

TOLERANCE = 1e-6

# Constructing RetryAfter(int) warns about PTB's coming timedelta switch.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@contextmanager
def virtual_time(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """Make `loop` jump straight to its next timer instead of sleeping (as aiotools does)."""
    now = [0.0]
    selector = loop._selector  # type: ignore[attr-defined]
    real_select = selector.select

    def select(timeout: float | None = None) -> Any:
        events = real_select(0)
        if not events and timeout is not None and timeout > 0:
            now[0] += timeout
        return events

    with (
        mock.patch.object(loop, "time", lambda: now[0]),
        mock.patch.object(selector, "select", select),
    ):
        yield


@pytest.fixture
async def clock() -> Any:
    """Virtual time for one test: sleeps cost nothing and timestamps are exact."""
    with virtual_time(asyncio.get_running_loop()):
        yield


@dataclass
class Sent:
    """One call that reached the (fake) server."""

    at: float
    endpoint: str
    chat: int | str | None
    label: str


@dataclass
class FakeServer:
    """Records calls; can answer some of them with RetryAfter."""

    sent: list[Sent] = field(default_factory=list)
    failures: dict[str, list[int]] = field(default_factory=dict)  # label -> retry_after per try
    latency: Callable[[], float] = lambda: 0.0

    async def send(
        self,
        limiter: ChatAwareRateLimiter,
        endpoint: str,
        chat: int | str | None,
        label: str = "",
        rate_limit_args: int | None = None,
    ) -> Any:
        data: dict[str, Any] = {} if chat is None else {"chat_id": chat}

        async def callback(endpoint: str, data: dict[str, Any]) -> dict[str, Any]:
            self.sent.append(Sent(asyncio.get_running_loop().time(), endpoint, chat, label))
            if latency := self.latency():
                await asyncio.sleep(latency)
            pending = self.failures.get(label)
            if pending:
                raise RetryAfter(pending.pop(0))
            return {"ok": label}

        return await limiter.process_request(
            callback, (endpoint, data), {}, endpoint, data, rate_limit_args
        )

    def times(self, chat: int | str | None = None, label: str | None = None) -> list[float]:
        return [
            s.at
            for s in self.sent
            if (chat is None or s.chat == chat) and (label is None or s.label == label)
        ]


def max_in_window(times: list[float], period: float) -> int:
    """The most calls inside any half-open window (t - period, t]."""
    ordered = sorted(times)
    return max(
        (sum(1 for u in ordered if t - period + TOLERANCE < u <= t) for t in ordered), default=0
    )


def gather(*calls: Awaitable[Any]) -> Awaitable[list[Any]]:
    return asyncio.gather(*calls)


@pytest.mark.parametrize(
    "settings",
    [{"per_chat_rate": 0}, {"per_chat_burst": 0}, {"group_per_minute": 0}, {"max_retries": -1}],
)
def test_nonsense_settings_are_refused(settings: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        ChatAwareRateLimiter(**settings)


@pytest.mark.parametrize(
    ("endpoint", "counted"),
    [
        ("sendMessage", True),
        ("sendVideo", True),
        ("sendMediaGroup", True),
        ("copyMessage", True),
        ("copyMessages", True),
        ("forwardMessage", True),
        ("editMessageText", True),
        ("sendChatAction", False),
        ("answerCallbackQuery", False),
        ("getMe", False),
        ("getUpdates", False),
        ("setMyCommands", False),
        ("deleteMessage", False),
        ("createForumTopic", False),
    ],
)
def test_only_methods_that_post_messages_are_paced(endpoint: str, counted: bool) -> None:
    assert is_message_method(endpoint) is counted


async def test_private_chat_gets_one_message_per_second(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer()
    await gather(*(server.send(limiter, "sendMessage", 7, str(i)) for i in range(5)))
    assert server.times() == pytest.approx([0.0, 1.0, 2.0, 3.0, 4.0])


async def test_per_chat_burst_then_steady_rate(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(per_chat_rate=2.0, per_chat_burst=3), FakeServer()
    await gather(*(server.send(limiter, "sendMessage", 7, str(i)) for i in range(6)))
    assert server.times() == pytest.approx([0.0, 0.0, 0.0, 0.5, 1.0, 1.5])


async def test_group_gets_one_per_second_and_twenty_per_minute(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer()
    await gather(*(server.send(limiter, "sendMessage", -100, str(i)) for i in range(25)))
    times = server.times()
    assert times[:20] == pytest.approx([float(second) for second in range(20)])
    assert times[20:] == pytest.approx([60.0, 61.0, 62.0, 63.0, 64.0])
    assert max_in_window(times, 60.0) == 20


async def test_username_chats_are_paced_as_groups(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(group_per_minute=2), FakeServer()
    await gather(*(server.send(limiter, "sendMessage", "@channel", str(i)) for i in range(3)))
    assert server.times() == pytest.approx([0.0, 1.0, 60.0])


async def test_overall_cap_across_chats(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer()
    await gather(*(server.send(limiter, "sendMessage", chat) for chat in range(1, 76)))
    times = server.times()
    assert times == pytest.approx([0.0] * 30 + [1.0] * 30 + [2.0] * 15)
    assert max_in_window(times, 1.0) == 30


async def test_waiting_chat_does_not_hold_up_other_chats(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer()
    busy = [server.send(limiter, "sendMessage", 1, f"busy{i}") for i in range(5)]
    group = [server.send(limiter, "sendMessage", -5, f"group{i}") for i in range(21)]
    others = [server.send(limiter, "sendMessage", chat, "other") for chat in range(2, 10)]
    await gather(*busy, *group, *others)
    assert server.times(label="other") == pytest.approx([0.0] * 8)
    assert server.times(chat=1) == pytest.approx([0.0, 1.0, 2.0, 3.0, 4.0])
    assert server.times(chat=-5)[-1] == pytest.approx(60.0)


async def test_order_is_kept_within_each_chat(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(per_chat_rate=5.0), FakeServer()
    rng = random.Random(4)
    chats = [rng.choice([1, 2, 3, -9]) for _ in range(60)]
    counters: dict[int, int] = {}
    calls = []
    for chat in chats:
        counters[chat] = counters.get(chat, -1) + 1
        calls.append(server.send(limiter, "sendMessage", chat, str(counters[chat])))
    await gather(*calls)
    for chat in set(chats):
        labels = [int(s.label) for s in server.sent if s.chat == chat]
        assert labels == sorted(labels)


async def test_retry_after_pauses_only_its_chat_and_is_retried(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer(failures={"first": [5]})
    results = await gather(
        server.send(limiter, "sendMessage", 1, "first"),
        server.send(limiter, "sendMessage", 1, "second"),
        server.send(limiter, "sendMessage", 2, "elsewhere"),
    )
    assert results == [{"ok": "first"}, {"ok": "second"}, {"ok": "elsewhere"}]
    assert server.times(label="first") == pytest.approx([0.0, 5.1])
    assert server.times(label="second") == pytest.approx([6.1])  # after the retry, in order
    assert server.times(label="elsewhere") == pytest.approx([0.0])
    assert limiter.stats.too_many_requests == 1
    assert limiter.stats.overall_pauses == 0


async def test_retry_after_in_two_chats_pauses_every_chat(clock: None) -> None:
    limiter = ChatAwareRateLimiter()
    server = FakeServer(failures={"a": [3], "b": [4]})
    first = asyncio.ensure_future(server.send(limiter, "sendMessage", 1, "a"))
    second = asyncio.ensure_future(server.send(limiter, "sendMessage", 2, "b"))
    await asyncio.sleep(0.5)
    await server.send(limiter, "answerCallbackQuery", None, "button")
    await server.send(limiter, "sendMessage", 3, "late")
    await gather(first, second)
    assert server.times(label="button") == pytest.approx([0.5])  # not paced, not paused
    assert server.times(label="late") == pytest.approx([4.1])
    assert server.times(label="a") == pytest.approx([0.0, 4.1])  # its own 3 s grew to 4
    assert limiter.stats.overall_pauses == 1


async def test_gives_up_after_max_retries(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(max_retries=2), FakeServer(failures={"x": [1] * 9})
    with pytest.raises(RetryAfter):  # PTB's contract; the executor catches TelegramError
        await server.send(limiter, "sendMessage", 1, "x")
    assert len(server.times(label="x")) == 3
    assert limiter.stats.too_many_requests == 3
    # The last 429's pause still holds for the next message to that chat.
    await server.send(limiter, "sendMessage", 1, "next")
    assert server.times(label="next")[0] >= server.times(label="x")[-1] + 1.1 - TOLERANCE


async def test_rate_limit_args_override_max_retries(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer(failures={"x": [1] * 9})
    with pytest.raises(RetryAfter):
        await server.send(limiter, "sendMessage", 1, "x", rate_limit_args=0)
    assert len(server.times(label="x")) == 1


async def test_non_message_methods_never_wait(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer()
    queued = [server.send(limiter, "sendMessage", 1, "queued") for _ in range(10)]
    queued += [server.send(limiter, "sendMessage", chat, "queued") for chat in range(2, 80)]
    quick = [
        server.send(limiter, endpoint, chat, "quick")
        for endpoint, chat in [
            ("answerCallbackQuery", None),
            ("sendChatAction", 1),
            ("getMe", None),
            ("setMyCommands", None),
        ]
    ]
    tasks = [asyncio.ensure_future(call) for call in queued]
    await asyncio.sleep(0.25)
    assert limiter.stats.waiting > 50
    await gather(*quick)
    assert server.times(label="quick") == pytest.approx([0.25] * 4)
    await gather(*tasks)
    assert limiter.stats.waiting == 0


async def test_non_message_retry_after_is_retried_without_pausing_messages(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer(failures={"cmd": [2]})
    await gather(
        server.send(limiter, "setMyCommands", None, "cmd"),
        server.send(limiter, "sendMessage", 1, "msg"),
    )
    assert server.times(label="cmd") == pytest.approx([0.0, 2.1])
    assert server.times(label="msg") == pytest.approx([0.0])


async def test_spacing_counts_from_when_the_previous_call_returned(clock: None) -> None:
    limiter, server = ChatAwareRateLimiter(), FakeServer(latency=lambda: 0.3)
    await gather(*(server.send(limiter, "sendMessage", 1) for _ in range(3)))
    assert server.times() == pytest.approx([0.0, 1.3, 2.6])


async def test_idle_chats_are_forgotten(clock: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.telegram_adapter.rate_limiter._LANE_SWEEP_THRESHOLD", 8)
    limiter, server = ChatAwareRateLimiter(overall_per_second=1000), FakeServer()
    limiter._sweep_at = 8
    await gather(*(server.send(limiter, "sendMessage", chat) for chat in range(1, 9)))
    await asyncio.sleep(2)
    await server.send(limiter, "sendMessage", 100)
    assert limiter.stats.tracked_chats == 1


async def test_real_clock_spacing() -> None:
    limiter, server = ChatAwareRateLimiter(per_chat_rate=20.0), FakeServer()
    started = time.monotonic()
    await gather(*(server.send(limiter, "sendMessage", 1) for _ in range(5)))
    gaps = [b - a for a, b in zip(server.times(), server.times()[1:], strict=False)]
    assert min(gaps) >= 0.05 - 1e-3
    assert time.monotonic() - started < 1.0


@settings(max_examples=150, deadline=None)
@given(
    arrivals=st.lists(
        st.tuples(
            st.floats(0, 5),  # when the request is made
            st.sampled_from([1, 2, 3, 4, -1, -2]),  # chat
            st.floats(0, 0.4),  # network latency of the call
            st.floats(0, 1),  # where in the call the server counts it
        ),
        max_size=120,
    )
)
def test_server_never_sees_more_than_the_limits(
    arrivals: list[tuple[float, int, float, float]],
) -> None:
    """Wherever inside a call the server counts it, it sees the limits kept."""
    limits = ChatAwareRateLimiter(per_chat_rate=2.0, group_per_minute=5, overall_per_second=4)
    seen: dict[int, list[float]] = {}
    order: dict[int, list[int]] = {}

    entered: list[tuple[int, int]] = []

    async def request(number: int, at: float, chat: int, latency: float, fraction: float) -> None:
        await asyncio.sleep(at)
        entered.append((chat, number))

        async def callback(endpoint: str, data: dict[str, Any]) -> bool:
            loop = asyncio.get_running_loop()
            seen.setdefault(chat, []).append(loop.time() + latency * fraction)
            order.setdefault(chat, []).append(number)
            await asyncio.sleep(latency)
            return True

        data = {"chat_id": chat}
        await limits.process_request(
            callback, ("sendMessage", data), {}, "sendMessage", data, None
        )

    async def scenario() -> None:
        calls = [request(n, *arrival) for n, arrival in enumerate(arrivals)]
        await asyncio.gather(*calls)

    loop = asyncio.new_event_loop()
    try:
        with virtual_time(loop):
            loop.run_until_complete(asyncio.wait_for(scenario(), 10_000))
    finally:
        loop.close()

    everything = [t for times in seen.values() for t in times]
    assert max_in_window(everything, 1.0) <= 4
    for chat, times in seen.items():
        assert order[chat] == [number for c, number in entered if c == chat]
        if chat < 0:
            assert max_in_window(times, 60.0) <= 5
        assert all(b - a >= 0.5 - TOLERANCE for a, b in zip(times, times[1:], strict=False))


GROUP_ID = -100123
E2E_LIMITS = {"per_chat_rate": 10.0, "per_chat_burst": 1, "global_per_second": 30}


@pytest.fixture
async def flood_emulator() -> Any:
    """The project's emulator with 40 users, one group and its flood limits on (10/s a chat)."""
    from bot.emulator import BotApiEmulator

    emulator = BotApiEmulator()
    await emulator.start()
    for user_id in range(1, 41):
        emulator.add_user(user_id, f"User {user_id}")
    emulator.add_forum_group(GROUP_ID, "Desk")
    emulator.enforce_flood_limits(True, per_group_per_minute=20, **E2E_LIMITS)
    yield emulator
    await emulator.stop()


def e2e_bot(emulator: Any, limiter: ChatAwareRateLimiter | None) -> Any:
    from telegram.ext import ExtBot

    return ExtBot(emulator.token, base_url=emulator.bot_base_url, rate_limiter=limiter)


@pytest.mark.e2e
async def test_real_bot_against_emulator_flood_limits_sees_no_429(flood_emulator: Any) -> None:
    """PTB's ExtBot through the limiter keeps an emulator with matching limits happy."""
    limiter = ChatAwareRateLimiter(per_chat_rate=10.0, overall_per_second=30)
    async with e2e_bot(flood_emulator, limiter) as bot:
        await asyncio.gather(*(bot.send_message(1, f"quick {i}") for i in range(10)))
        await asyncio.gather(*(bot.send_message(chat, "hello") for chat in range(1, 41)))
        await asyncio.gather(*(bot.send_message(GROUP_ID, f"desk {i}") for i in range(5)))
    sends = flood_emulator.calls_to("sendMessage")
    assert len(sends) == 10 + 40 + 5
    assert [call.error_code for call in sends if not call.ok] == []
    assert limiter.stats.too_many_requests == 0
    texts = [call.params["text"] for call in sends if str(call.params["chat_id"]) == "1"]
    assert texts[:10] == [f"quick {i}" for i in range(10)]


@pytest.mark.e2e
async def test_emulator_refuses_the_same_burst_without_the_limiter(flood_emulator: Any) -> None:
    """The check above means something: unpaced, the emulator answers 429."""
    async with e2e_bot(flood_emulator, None) as bot:
        outcomes = await asyncio.gather(
            *(bot.send_message(1, f"quick {i}") for i in range(10)), return_exceptions=True
        )
    assert any(isinstance(outcome, RetryAfter) for outcome in outcomes)


@pytest.mark.e2e
async def test_real_429_from_emulator_is_retried(flood_emulator: Any) -> None:
    """A 429 on the wire comes back through PTB as RetryAfter and is retried after its wait."""
    flood_emulator.inject_fault("sendMessage", kind="429", times=1, retry_after=1)
    limiter = ChatAwareRateLimiter(per_chat_rate=10.0)
    async with e2e_bot(flood_emulator, limiter) as bot:
        started = time.monotonic()
        message = await bot.send_message(5, "after a pause")
        waited = time.monotonic() - started
    assert message.text == "after a pause"
    assert 1.1 <= waited < 2.0
    assert limiter.stats.too_many_requests == 1
