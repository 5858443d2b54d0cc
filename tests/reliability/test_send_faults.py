"""5xx, dropped connections, slow answers, 400 and 403 on send: each reply arrives exactly once."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator
from bot.telegram_adapter.retry import RetryingBot, RetryPolicy
from tests.e2e.conftest import TgUser
from tests.multiprocess.test_two_processes import free_port
from tests.reliability.conftest import Stack, sends_to, texts

pytestmark = pytest.mark.e2e
HELP_MARK = "/topics"  # the /help answer names the /topics command


async def _ask_help(stack: Stack, user_index: int = 0) -> list[str]:
    """/start, then /help; returns what the bot sent after /help once everything settled."""
    user = stack.user(user_index)
    await user.send("/start", expect=1)
    await stack.emu.sleep_until_idle(0.5, 10)
    before = len(stack.emu.bot_messages(user.user_id))
    stack.emu.user_sends(user.user_id, "/help")
    await stack.emu.wait_for(lambda: any(HELP_MARK in t for t in texts(
        stack.emu.bot_messages(user.user_id)[before:])), timeout=15)
    await stack.emu.sleep_until_idle(0.5, 10)
    return texts(stack.emu.bot_messages(user.user_id)[before:])


def assert_same_shape(replies: list[str], baseline: list[str]) -> None:
    """As many messages as without the fault (another user, maybe another language), /help once."""
    assert len(replies) == len(baseline), replies
    assert sum(HELP_MARK in text for text in replies) == 1, replies
    assert len(set(replies)) == len(replies), replies


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retried_and_the_reply_arrives_once(stack: Stack,
                                                                    status: int) -> None:
    baseline = await _ask_help(stack, 1)
    stack.emu.inject_fault("sendMessage", kind="error", status=status, times=2)
    replies = await _ask_help(stack, 0)
    assert_same_shape(replies, baseline)
    failed = [c for c in sends_to(stack.emu, stack.user_ids[0]) if c.error_code == status]
    assert len(failed) == 2


async def test_a_dropped_connection_is_retried_and_the_reply_arrives_once(stack: Stack) -> None:
    baseline = await _ask_help(stack, 1)
    stack.emu.inject_fault("sendMessage", kind="drop", times=1)
    replies = await _ask_help(stack, 0)
    assert_same_shape(replies, baseline)
    assert any(c.description == "connection dropped" for c in stack.emu.calls_to("sendMessage"))


@pytest.mark.slow
async def test_a_slow_answer_is_waited_for_not_retried(stack: Stack) -> None:
    """6 s is past PTB's default 5 s read timeout: a naive retry would post the text twice."""
    baseline = await _ask_help(stack, 1)
    stack.emu.inject_fault("sendMessage", kind="delay", delay=6.0, times=1)
    replies = await _ask_help(stack, 0)
    assert_same_shape(replies, baseline)


async def test_a_clip_upload_after_a_5xx_sends_the_whole_file_once(stack: Stack) -> None:
    user = stack.user(0)
    await user.send("/start", expect=1)
    await stack.emu.sleep_until_idle(0.5, 10)
    stack.emu.inject_fault("sendVideo", kind="error", status=502, times=1)
    clip = await user.send("Did the fighters really get the salary they were promised?",
                           timeout=15)
    await stack.emu.sleep_until_idle(0.5, 10)
    videos = [m for m in stack.emu.bot_messages(user.user_id) if m.kind == "video"]
    assert clip[0].kind == "video" and len(videos) == 1
    calls = stack.emu.calls_to("sendVideo")
    assert [c.ok for c in calls] == [False, True]
    stored = stack.emu.core.world.files.get(videos[0].file_id or "")
    assert stored is None or stored.size > 0


async def test_400_is_not_retried(stack: Stack) -> None:
    user = stack.user(0)
    await user.send("/start", expect=1)
    await stack.emu.sleep_until_idle(0.5, 10)
    calls_before = len(sends_to(stack.emu, user.user_id))
    stack.emu.inject_fault("sendMessage", kind="error", status=400, times=1)
    stack.emu.user_sends(user.user_id, "/help")
    await stack.emu.wait_for(lambda: len(sends_to(stack.emu, user.user_id)) > calls_before)
    await stack.emu.sleep_until_idle(0.8, 10)
    calls = sends_to(stack.emu, user.user_id)[calls_before:]
    assert calls[0].error_code == 400
    assert not any(HELP_MARK in (c.params.get("text") or "") for c in calls[1:])


async def test_a_user_who_blocked_the_bot_is_tried_once_per_message(stack: Stack) -> None:
    user = stack.user(0)
    await user.send("/start", expect=1)
    await stack.emu.sleep_until_idle(0.5, 10)
    stack.emu.block(user.user_id)
    calls_before = len(sends_to(stack.emu, user.user_id))
    for text in ("/help", "what about the children", "/topics"):
        stack.emu.user_sends(user.user_id, text)
    await stack.emu.sleep_until_idle(1.0, 10)
    calls = sends_to(stack.emu, user.user_id)[calls_before:]
    assert calls and all(c.error_code == 403 for c in calls)
    assert len(calls) <= 3 * 2  # at most the actions of three updates, each tried once
    started = time.monotonic()
    await asyncio.sleep(1.0)  # nothing keeps trying in the background
    assert len(sends_to(stack.emu, user.user_id)) == calls_before + len(calls)
    assert time.monotonic() - started < 5


async def test_connection_refused_is_retried_until_the_server_is_back() -> None:
    port = free_port()
    emu = BotApiEmulator(DEFAULT_TOKEN)
    from telegram import Bot

    bot = Bot(DEFAULT_TOKEN, base_url=f"http://127.0.0.1:{port}/bot")
    retrying = RetryingBot(bot, RetryPolicy(attempts=8, base_delay=0.2, max_delay=0.4,
                                            budget=8.0))
    emu.add_user(1001, "Adam")

    async def start_late() -> None:
        await asyncio.sleep(0.6)
        await emu.start(port=port)

    starter = asyncio.create_task(start_late())
    try:
        await bot._request[1].initialize()  # noqa: SLF001 - open the HTTP client only
        message = await retrying.send_message(1001, "hello once")
        assert message.text == "hello once"
        assert [m.text for m in emu.bot_messages(1001)] == ["hello once"]
    finally:
        await starter
        await bot.shutdown()
        await emu.stop()


async def test_two_first_uploads_of_one_clip_at_once_send_each_clip_once(stack: Stack) -> None:
    """Both uploads store the clip's file_id; the second must not fail the update after commit.

    Today SqlClipFiles.put is a plain INSERT: the second raises IntegrityError out of the
    executor, the update's outbox row is never removed, and the periodic re-send posts the
    clip again (see report).
    """
    emu = stack.emu
    for user_id in (7001, 7002):
        emu.add_user(user_id, f"U{user_id}", None, "en")  # one language: the same clip
    users = [TgUser(emu, 7001), TgUser(emu, 7002)]
    for user in users:
        await user.send("/start", expect=1)
    await emu.sleep_until_idle(0.5, 10)
    emu.set_latency(0.2)  # both uploads in flight together
    try:
        for user in users:
            emu.user_sends(user.user_id, "did they pay salaries")
        await emu.wait_for(lambda: all(any(m.kind == "video" for m in emu.bot_messages(u.user_id))
                                       for u in users), timeout=15)
        await emu.sleep_until_idle(0.5, 10)
    finally:
        emu.set_latency(0.0)
    await stack.runtime.resend_unsent(0.0)  # what the next tick would do
    await emu.sleep_until_idle(0.5, 10)
    counts = [sum(m.kind == "video" for m in emu.bot_messages(u.user_id)) for u in users]
    if counts != [1, 1]:
        pytest.xfail(f"clip sent {counts} times: concurrent SqlClipFiles.put raised after "
                     "commit and the outbox re-sent the batch")
