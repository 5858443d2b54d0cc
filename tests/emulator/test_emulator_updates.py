"""getUpdates, webhooks, forum topics, faults and flood limits through the HTTP Bot API."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.emulator import BotApiEmulator

from .conftest import COUNSELOR_ID, GROUP_ID, USER_ID, BotApiClient


async def test_offsets_limit_and_negative_offset(
    api: BotApiClient, emulator: BotApiEmulator
) -> None:
    for index in range(5):
        emulator.user_sends(USER_ID, f"m{index}")
    updates = await api.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in updates] == ["m0", "m1"]
    first_id = updates[0]["update_id"]
    confirmed = await api.ok("getUpdates", offset=first_id + 2)
    assert [u["message"]["text"] for u in confirmed] == ["m2", "m3", "m4"]
    last_one = await api.ok("getUpdates", offset=-1)
    assert [u["message"]["text"] for u in last_one] == ["m4"]
    assert emulator.pending_updates == 1  # earlier ones are forgotten


async def test_long_poll_wakes_on_arrival(api: BotApiClient, emulator: BotApiEmulator) -> None:
    asyncio.get_running_loop().call_later(0.2, emulator.user_sends, USER_ID, "late")
    started = time.monotonic()
    updates = await api.ok("getUpdates", timeout=10)
    assert 0.15 < time.monotonic() - started < 2
    assert updates[0]["message"]["text"] == "late"
    started = time.monotonic()
    assert await api.ok("getUpdates", offset=updates[0]["update_id"] + 1, timeout=1) == []
    assert time.monotonic() - started >= 0.9


async def test_second_poller_terminates_the_first(api: BotApiClient) -> None:
    waiting = asyncio.create_task(api.call("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    assert await api.ok("getUpdates", timeout=0) == []
    status, body = await waiting
    assert status == 409
    assert body["description"] == (
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running"
    )


async def test_allowed_updates_and_kinds(api: BotApiClient, emulator: BotApiEmulator) -> None:
    emulator.user_sends(USER_ID, "hello")
    emulator.user_sends(USER_ID, kind="sticker")
    emulator.user_sends(USER_ID, kind="voice")
    emulator.inline_query(USER_ID, "clips")
    updates = await api.ok("getUpdates", allowed_updates=json.dumps(["inline_query"]))
    assert [next(k for k in u if k != "update_id") for u in updates] == ["inline_query"]
    emulator.user_sends(USER_ID, "hi again")
    assert await api.ok("getUpdates", offset=updates[-1]["update_id"] + 1) == []
    await api.ok("getUpdates", allowed_updates=json.dumps([]))
    emulator.user_sends(USER_ID, kind="photo")
    [photo] = await api.ok("getUpdates")
    sizes = photo["message"]["photo"]
    assert isinstance(sizes, list) and {"file_id", "file_unique_id", "width"} <= sizes[0].keys()


async def test_webhook_push_with_secret_retry_and_order(
    api: BotApiClient, emulator: BotApiEmulator
) -> None:
    emulator.core.hub.retry_base_delay = 0.01
    received: list[dict[str, Any]] = []
    secrets: list[str | None] = []
    failures = {"left": 2}

    async def hook(request: web.Request) -> web.Response:
        if failures["left"]:
            failures["left"] -= 1
            return web.Response(status=500)
        secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        received.append(await request.json())
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        emulator.user_sends(USER_ID, "before")
        await api.ok("setWebhook", url=f"http://127.0.0.1:{port}/hook", secret_token="s3cr3t_-")
        for index in range(3):
            emulator.user_sends(USER_ID, f"after{index}")
        await emulator.wait_for(lambda: len(received) == 4, timeout=5)
        assert [u["message"]["text"] for u in received] == ["before", "after0", "after1", "after2"]
        assert set(secrets) == {"s3cr3t_-"}
        info = await api.ok("getWebhookInfo")
        assert info["url"].endswith("/hook") and info["pending_update_count"] == 0
        assert "Wrong response from the webhook: 500" in info["last_error_message"]
        status, body = await api.call("getUpdates")
        assert status == 409 and "webhook is active" in body["description"]
        status, body = await api.call("setWebhook", url="https://example.org/hook")
        assert status == 400
        await api.ok("deleteWebhook", drop_pending_updates="true")
        assert await api.ok("getUpdates") == []
    finally:
        await runner.cleanup()


async def test_forum_topics_lifecycle(api: BotApiClient, emulator: BotApiEmulator) -> None:
    topic = await api.ok("createForumTopic", chat_id=GROUP_ID, name="Case #1")
    thread = topic["message_thread_id"]
    assert thread > 1 and topic["name"] == "Case #1"
    sent = await api.ok("sendMessage", chat_id=GROUP_ID, message_thread_id=thread, text="new")
    assert sent["message_thread_id"] == thread and sent["is_topic_message"] is True
    await api.ok("editForumTopic", chat_id=GROUP_ID, message_thread_id=thread, name="Case #1 ✓")
    await api.ok("closeForumTopic", chat_id=GROUP_ID, message_thread_id=thread)
    status, body = await api.call("closeForumTopic", chat_id=GROUP_ID, message_thread_id=thread)
    assert body["description"] == "Bad Request: TOPIC_NOT_MODIFIED"
    await api.ok("reopenForumTopic", chat_id=GROUP_ID, message_thread_id=thread)
    member_message = emulator.member_sends(GROUP_ID, COUNSELOR_ID, "mine", thread_id=thread)
    assert member_message.payload["is_topic_message"] is True
    root = member_message.payload["reply_to_message"]  # as on Telegram: the topic's root
    assert root["message_id"] == thread and "forum_topic_created" in root
    assert "reply_to_message" not in root
    with pytest.raises(LookupError):
        emulator.member_sends(GROUP_ID, USER_ID, "not a member", thread_id=thread)
    assert [t.name for t in emulator.topics(GROUP_ID)] == ["Case #1 ✓"]
    await api.ok("deleteForumTopic", chat_id=GROUP_ID, message_thread_id=thread)
    status, body = await api.call("sendMessage", chat_id=GROUP_ID, message_thread_id=thread,
                                  text="late")
    assert (status, body["description"]) == (400, "Bad Request: message thread not found")
    status, body = await api.call("createForumTopic", chat_id=USER_ID, name="x")
    assert status == 400 and body["description"] == "Bad Request: the chat is not a forum"
    assert emulator.topics(GROUP_ID) == []


async def test_faults_5xx_429_delay_and_drop(api: BotApiClient, emulator: BotApiEmulator) -> None:
    emulator.inject_fault("sendMessage", "error", times=2, status=502)
    emulator.inject_fault("*", "429", times=1, retry_after=3)
    assert (await api.call("sendMessage", chat_id=USER_ID, text="a"))[0] == 502
    assert (await api.call("sendMessage", chat_id=USER_ID, text="a"))[0] == 502
    status, body = await api.call("getMe")
    assert (status, body) == (429, {"ok": False, "error_code": 429,
                                    "description": "Too Many Requests: retry after 3",
                                    "parameters": {"retry_after": 3}})
    await api.ok("sendMessage", chat_id=USER_ID, text="a")
    emulator.inject_fault("getMe", "delay", delay=0.3)
    started = time.monotonic()
    await api.ok("getMe")
    assert time.monotonic() - started >= 0.3
    emulator.inject_fault("getMe", "drop")
    with pytest.raises(aiohttp.ClientError):
        await api.call("getMe")
    emulator.set_latency(0.05)
    started = time.monotonic()
    await api.ok("getMe")
    assert time.monotonic() - started >= 0.05
    assert [c.error_code for c in emulator.calls_to("sendMessage")] == [502, 502, None]


async def test_flood_limits(api: BotApiClient, emulator: BotApiEmulator) -> None:
    await api.ok("sendMessage", chat_id=USER_ID, text="1")
    await api.ok("sendMessage", chat_id=USER_ID, text="2")  # off by default
    emulator.enforce_flood_limits(True)
    await api.ok("sendMessage", chat_id=USER_ID, text="3")
    status, body = await api.call("sendMessage", chat_id=USER_ID, text="4")
    assert status == 429 and body["parameters"]["retry_after"] == 1
    emulator.enforce_flood_limits(True, per_chat_rate=100, per_chat_burst=100,
                                  per_group_per_minute=20)
    for index in range(20):
        await api.ok("sendMessage", chat_id=GROUP_ID, text=str(index))
    status, body = await api.call("sendMessage", chat_id=GROUP_ID, text="21st")
    assert status == 429 and body["parameters"]["retry_after"] == 3  # 60 s / 20 messages


async def test_control_api_mirrors_the_driver(api: BotApiClient, emulator: BotApiEmulator) -> None:
    state = await api.control("GET", "/state")
    assert {u["id"] for u in state["users"]} >= {USER_ID, COUNSELOR_ID}
    sent = await api.control("POST", "/send", user_id=USER_ID, text="hello")
    await api.ok("sendMessage", chat_id=USER_ID, text="pick",
                 reply_markup=json.dumps({"inline_keyboard": [[{"text": "Go",
                                                                "callback_data": "go"}]]}))
    changes = await api.control("GET", "/changes", since=sent["cursor"] - 1, wait=1)
    assert [m["text"] for m in changes["messages"]] == ["hello", "pick"]
    waiting = asyncio.create_task(
        api.control("GET", "/messages", chat_id=USER_ID, since=changes["cursor"], wait=5)
    )
    await asyncio.sleep(0.05)
    pressed = await api.control("POST", "/press", user_id=USER_ID, label="Go")
    assert pressed["callback_query_id"] in emulator.core.callback_queries
    answers = await api.control("GET", "/answers")
    assert answers["callback_queries"][0]["data"] == "go"
    [chat] = await api.control("GET", "/chats")
    assert (chat["id"], chat["type"], chat["messages"]) == (USER_ID, "private", 2)
    await api.control("POST", "/send", user_id=USER_ID, text="more")
    assert [m["text"] for m in (await waiting)["messages"]] == ["more"]
    await api.control("POST", "/faults", method="getMe", kind="error", status=503)
    assert (await api.call("getMe"))[0] == 503
    calls = await api.control("GET", "/calls", method="getMe")
    assert calls["calls"][-1]["error_code"] == 503
    await api.control("POST", "/block", user_id=USER_ID)
    assert (await api.call("sendMessage", chat_id=USER_ID, text="x"))[0] == 403
    await api.control("POST", "/flood", enabled=True)
    await api.control("POST", "/reset")
    assert emulator.messages(USER_ID) == [] and emulator.calls == []


async def test_sustains_hundreds_of_updates_per_second(
    api: BotApiClient, emulator: BotApiEmulator
) -> None:
    started = time.monotonic()
    for index in range(2000):
        emulator.user_sends(USER_ID, f"m{index}")
    received, offset = 0, 0
    while received < 2000:
        batch = await api.ok("getUpdates", offset=offset, limit=100)
        received += len(batch)
        offset = batch[-1]["update_id"] + 1
    for start in range(0, 500, 50):
        await asyncio.gather(*(api.ok("sendMessage", chat_id=USER_ID, text=f"r{i}")
                               for i in range(start, start + 50)))
    elapsed = time.monotonic() - started
    assert 2500 / elapsed > 300, f"{2500 / elapsed:.0f} events/s"


async def test_abandoned_long_poll_is_not_logged_as_a_conflict(api: BotApiClient) -> None:
    abandoned = asyncio.create_task(api.call("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    abandoned.cancel()  # what PTB does to its own poll when it stops
    await asyncio.sleep(0.1)
    assert await api.ok("getUpdates", timeout=0) == []
    await api.emulator.wait_for(lambda: len(api.emulator.calls_to("getUpdates")) == 2)
    descriptions = sorted(str(call.description) for call in api.emulator.calls_to("getUpdates"))
    assert descriptions == ["None", "client disconnected before the answer"]
    assert all(call.error_code != 409 for call in api.emulator.calls)
