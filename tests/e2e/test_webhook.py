"""Webhook mode: secret check, bad bodies, 200 only after commit, 500 makes Telegram redeliver."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, populate_demo_world
from bot.runtime import BotRuntime
from bot.server import start_webhook, stop_application
from tests.e2e.conftest import database_url_for_tests, e2e_settings, fresh_database, shared_data

pytestmark = pytest.mark.e2e
SECRET = "webhook-secret-123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Hook:
    emu: BotApiEmulator
    runtime: BotRuntime
    runner: web.AppRunner
    url: str


@pytest.fixture
async def hook(tmp_path: Path) -> AsyncIterator[Hook]:
    emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
    await emu.start()
    world = populate_demo_world(emu)
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = e2e_settings(emu, database_url_for_tests(tmp_path), world.group_id).with_overrides(
        webhook_url=url, webhook_secret=SECRET, webhook_listen="127.0.0.1", port=port)
    db = await fresh_database(settings.database_url)
    runtime = BotRuntime(settings, shared_data(settings), db)
    runner = await start_webhook(runtime)
    try:
        yield Hook(emu, runtime, runner, url)
    finally:
        await stop_application(runtime)
        await runner.cleanup()
        await db.close()
        await emu.stop()


def update(update_id: int, text: str = "/help", user_id: int = 1001) -> dict[str, object]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_800_000_000, "text": text,
        "chat": {"id": user_id, "type": "private", "first_name": "Adam"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Adam", "language_code": "en"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        if text.startswith("/") else []}}


async def post(url: str, body: object, secret: str | None = SECRET,
               raw: bytes | None = None) -> int:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    async with aiohttp.ClientSession() as http:
        if raw is not None:
            headers["Content-Type"] = "application/json"
            async with http.post(url, data=raw, headers=headers) as response:
                return response.status
        async with http.post(url, json=body, headers=headers) as response:
            return response.status


async def test_updates_pushed_by_telegram_are_answered(hook: Hook) -> None:
    assert hook.emu.calls_to("setWebhook")[-1].params.get("secret_token") == SECRET
    hook.emu.user_sends(1001, "/start")
    replies = await hook.emu.wait_for_bot_messages(1001, 1, timeout=10)
    assert any("not end-to-end encrypted" in (m.text or "") for m in replies)


async def test_wrong_or_missing_secret_is_403_and_not_processed(hook: Hook) -> None:
    assert await post(hook.url, update(900001), secret=None) == 403
    assert await post(hook.url, update(900002), secret="wrong") == 403
    await hook.emu.sleep_until_idle(0.3, 3)
    assert hook.emu.bot_messages(1001) == []


async def test_bad_bodies_are_400(hook: Hook) -> None:
    assert await post(hook.url, None, raw=b"{not json") == 400
    assert await post(hook.url, None, raw=b"x" * (1024 * 1024 + 10)) == 400
    assert await post(hook.url, {"hello": "world"}) == 400
    assert await post(hook.url, [1, 2, 3]) == 400


async def test_repeated_update_id_takes_effect_once(hook: Hook) -> None:
    assert await post(hook.url, update(900010)) == 200
    first = len(hook.emu.bot_messages(1001))
    assert first >= 1  # processed and sent before the 200
    assert await post(hook.url, update(900010)) == 200
    await hook.emu.sleep_until_idle(0.3, 3)
    assert len(hook.emu.bot_messages(1001)) == first


async def test_failure_answers_500_and_redelivery_works_once(hook: Hook) -> None:
    engine = hook.runtime.engine
    original = engine.handle
    failures = {"left": 2}

    async def flaky(event, ports):  # type: ignore[no-untyped-def]
        if failures["left"] > 0:
            failures["left"] -= 1
            raise ConnectionError("database went away")
        return await original(event, ports)

    engine.handle = flaky  # type: ignore[method-assign]
    assert await post(hook.url, update(900020)) == 500
    hook.emu.user_sends(1001, "/help")  # pushed by the emulator: 500 first, then redelivered
    await hook.emu.wait_for(lambda: [m for m in hook.emu.bot_messages(1001)
                                     if "/topics" in (m.text or "")], timeout=15)
    await hook.emu.sleep_until_idle(0.5, 5)
    helps = [m for m in hook.emu.bot_messages(1001) if "/topics" in (m.text or "")]
    apologies = [m for m in hook.emu.bot_messages(1001) if "try again" in (m.text or "")]
    assert len(helps) == 1 and len(apologies) >= 1
