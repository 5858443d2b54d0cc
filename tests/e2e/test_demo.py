"""`testimony-bot demo` in one process: page, health, and a chat through the control API."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.config import load_settings
from bot.demo import start_demo
from bot.server import stop_application

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


async def test_demo_serves_page_health_and_answers(tmp_path: Path) -> None:
    settings = load_settings({}).with_overrides(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.sqlite3",
        dialogs_dir=REPO / "dialogs", content_index=REPO / "content_index.yaml",
        media_root=REPO)
    runtime, emulator, runner, root = await start_demo(settings, port=0)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{root}/") as page:
                assert page.status == 200 and "<html" in (await page.text()).lower()
            async with http.get(f"{root}/healthz") as health:
                assert health.status == 200
            async with http.get(f"{root}/readyz") as ready:
                assert ready.status == 200
            async with http.get(f"{root}/metrics") as metrics:
                assert "testimony_updates_total" in await metrics.text()
        emulator.user_sends(1001, "/start")
        replies = await emulator.wait_for_bot_messages(1001, 1, timeout=10)
        assert any("SAMPLE" in (m.text or "") for m in replies)
        emulator.user_sends(1001, "what was daily life like, was there food?")
        clip = await emulator.wait_for_bot_messages(1001, 1, timeout=10)
        assert clip[0].kind == "video"
    finally:
        await stop_application(runtime)
        await runtime.db.close()
        await runner.cleanup()


async def test_metrics_count_api_calls_and_handoffs(tmp_path: Path) -> None:
    settings = load_settings({}).with_overrides(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.sqlite3",
        dialogs_dir=REPO / "dialogs", content_index=REPO / "content_index.yaml",
        media_root=REPO)
    runtime, emulator, runner, root = await start_demo(settings, port=0)
    try:
        emulator.user_sends(1002, "I will kill myself tonight, I have the pills")
        await emulator.wait_for(lambda: emulator.topics(-1001234567890), timeout=10)
        await emulator.wait_for_bot_messages(1002, 2, timeout=10)  # 1 msg/s per chat
        await emulator.sleep_until_idle(1.2, 10)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{root}/metrics") as response:
                text = await response.text()
        assert 'testimony_bot_api_calls_total{method="sendMessage",status="ok"}' in text
        assert 'testimony_handoffs_total{reason="distress",urgent="true"}' in text
    finally:
        await stop_application(runtime)
        await runtime.db.close()
        await runner.cleanup()
