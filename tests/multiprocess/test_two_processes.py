"""Two real bot processes in webhook mode behind one URL, sharing PostgreSQL.

Proves: the same update delivered to both takes effect once; one chat's updates are applied
one at a time (no lost state when they arrive at both processes at once); two counselors
taking a case through two processes: one wins.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, populate_demo_world
from bot.store.schema import upgrade_database
from tests.e2e.conftest import fresh_database

REPO = Path(__file__).resolve().parents[2]
PG = os.environ.get("TEST_DATABASE_URL", "")
SECRET = "two-process-secret"
pytestmark = [pytest.mark.skipif(not PG.startswith("postgresql"),
                                 reason="needs TEST_DATABASE_URL on PostgreSQL"),
              pytest.mark.slow, pytest.mark.asyncio(loop_scope="module")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proxy:
    """The one webhook URL: round-robin to the processes, or to all of them at once."""

    targets: list[str]
    duplicate: bool = False
    turn: itertools.count = field(default_factory=itertools.count)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {"X-Telegram-Bot-Api-Secret-Token":
                   request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""),
                   "Content-Type": "application/json"}
        targets = self.targets if self.duplicate else [
            self.targets[next(self.turn) % len(self.targets)]]
        async with aiohttp.ClientSession() as http:
            async def one(url: str) -> int:
                async with http.post(url, data=body, headers=headers) as response:
                    return response.status
            statuses = await asyncio.gather(*(one(url) for url in targets))
        return web.Response(status=max(statuses))


@dataclass
class Cluster:
    emu: BotApiEmulator
    proxy: Proxy
    hooks: list[str]
    group_id: int
    counselors: tuple[int, ...]


async def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"bot process exited with {process.returncode}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.3)
    raise TimeoutError("bot process did not become ready")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def cluster() -> AsyncIterator[Cluster]:
    emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
    await emu.start()
    world = populate_demo_world(emu)
    db = await fresh_database(PG)
    await upgrade_database(db)  # the processes refuse a schema that is not at the head revision
    await db.close()
    hook_ports = [free_port(), free_port()]
    hooks = [f"http://127.0.0.1:{p}/hook" for p in hook_ports]
    proxy = Proxy(hooks)
    proxy_app = web.Application()
    proxy_app.router.add_post("/hook", proxy.handle)
    proxy_runner = web.AppRunner(proxy_app, access_log=None)
    await proxy_runner.setup()
    proxy_port = free_port()
    await web.TCPSite(proxy_runner, "127.0.0.1", proxy_port).start()
    processes = []
    admin_ports = [free_port(), free_port()]
    for hook_port, admin_port in zip(hook_ports, admin_ports, strict=False):
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
               "TELEGRAM_API_URL": emu.bot_base_url, "TELEGRAM_FILE_URL": emu.file_base_url,
               "DATABASE_URL": PG, "BOT_SECRET_KEY": "two-process-secret-key-0123456789",
               "COUNSELOR_CHAT_ID": str(world.group_id),
               "WEBHOOK_URL": f"http://127.0.0.1:{proxy_port}/hook", "WEBHOOK_SECRET": SECRET,
               "ALLOW_HTTP_WEBHOOK": "1", "WEBHOOK_LISTEN": "127.0.0.1",
               "PORT": str(hook_port), "ADMIN_PORT": str(admin_port), "LOG_FORMAT": "json",
               "LOG_LEVEL": "warning"}
        processes.append(subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO,
                                          env=env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.PIPE))
    try:
        for port, process in zip(admin_ports, processes, strict=False):
            await wait_ready(port, process)
        await emu.wait_for(lambda: len(emu.calls_to("setWebhook")) >= 2, timeout=30)
        yield Cluster(emu, proxy, hooks, world.group_id, world.counselor_ids)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        await proxy_runner.cleanup()
        await emu.stop()


async def test_same_update_to_both_processes_takes_effect_once(cluster: Cluster) -> None:
    emu = cluster.emu
    cluster.proxy.duplicate = True
    try:
        emu.user_sends(1001, "/start")
        await emu.wait_for_bot_messages(1001, 1, timeout=20)
        await emu.sleep_until_idle(1.0, 10)
    finally:
        cluster.proxy.duplicate = False
    assert len(emu.bot_messages(1001)) == 1  # the welcome once, not twice


async def test_one_chats_updates_arriving_at_both_processes_are_serialised(
    cluster: Cluster,
) -> None:
    emu = cluster.emu
    emu.user_sends(1002, "/start")
    await emu.wait_for_bot_messages(1002, 1, timeout=20)
    await emu.sleep_until_idle(0.5, 10)
    base = 7_000_000

    def question(n: int) -> dict[str, object]:
        return {"update_id": base + n, "message": {
            "message_id": base + n, "date": int(time.time()),
            "text": "tell me another story about daily life and food and prices",
            "chat": {"id": 1002, "type": "private", "first_name": "Yusuf"},
            "from": {"id": 1002, "is_bot": False, "first_name": "Yusuf", "language_code": "en"}}}

    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        async def post(n: int) -> int:
            url = cluster.hooks[n % 2]
            async with http.post(url, json=question(n), headers=headers) as response:
                return response.status
        statuses = await asyncio.gather(*(post(n) for n in range(6)))
    assert statuses == [200] * 6
    await emu.sleep_until_idle(1.0, 20)
    captions = [m.caption for m in emu.bot_messages(1002) if m.kind == "video"]
    assert captions, "no clip was sent"
    assert len(captions) == len(set(captions)), captions  # no lost update: no clip twice


async def test_two_counselors_through_two_processes_one_wins(cluster: Cluster) -> None:
    emu, group = cluster.emu, cluster.group_id
    emu.user_sends(1003, "/start")
    await emu.wait_for_bot_messages(1003, 1, timeout=20)
    await emu.sleep_until_idle(0.5, 10)
    emu.user_sends(1003, "/talk")
    offer = await emu.wait_for(lambda: [m for m in emu.bot_messages(1003)
                                        if m.buttons and "connect" in
                                        m.buttons[0][0]["callback_data"]], timeout=20)
    emu.user_presses(1003, data=offer[-1].buttons[0][0]["callback_data"])
    topic = (await emu.wait_for(lambda: emu.topics(group), timeout=20))[0]
    card = (await emu.wait_for_bot_messages(group, 1, thread_id=topic.thread_id, after=0,
                                            timeout=20))[0]
    data = card.buttons[0][0]["callback_data"]

    def press(n: int, counselor: int) -> dict[str, object]:
        return {"update_id": 8_000_000 + n, "callback_query": {
            "id": f"race{n}", "chat_instance": "ci", "data": data,
            "from": {"id": counselor, "is_bot": False, "first_name": f"C{n}"},
            "message": card.payload}}

    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        async def post(n: int) -> int:
            async with http.post(cluster.hooks[n], json=press(n, cluster.counselors[n]),
                                 headers=headers) as response:
                return response.status
        assert await asyncio.gather(post(0), post(1)) == [200, 200]
    await emu.sleep_until_idle(1.0, 10)
    took = [m for m in emu.bot_messages(group, topic.thread_id) if "took case" in (m.text or "")]
    assert len(took) == 1
    answers = [c for c in emu.calls_to("answerCallbackQuery")
               if str(c.params.get("callback_query_id", "")).startswith("race")]
    texts = sorted(str(c.params.get("text")) for c in answers)
    assert len(texts) == 2 and "Another counselor" in texts[0] and "yours" in texts[1]
