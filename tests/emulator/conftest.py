"""Fixtures for the emulator tests: a started emulator and a tiny Bot API client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.emulator import BotApiEmulator

GROUP_ID = -1001234567890
USER_ID = 1001
COUNSELOR_ID = 2001


class BotApiClient:
    """Calls the emulator the way a bot would, returning (status, body)."""

    def __init__(self, session: aiohttp.ClientSession, emulator: BotApiEmulator) -> None:
        self.session = session
        self.emulator = emulator

    async def call(
        self, method: str, http_method: str = "POST", as_json: bool = False, **params: Any
    ) -> tuple[int, dict[str, Any]]:
        """One call; form-encoded by default (like PTB), or JSON."""
        url = f"{self.emulator.bot_base_url}{self.emulator.token}/{method}"
        if http_method == "GET":
            response = await self.session.get(url, params={k: str(v) for k, v in params.items()})
        elif as_json:
            response = await self.session.post(url, json=params)
        else:
            response = await self.session.post(url, data={k: str(v) for k, v in params.items()})
        async with response:
            return response.status, await response.json()

    async def ok(self, method: str, **params: Any) -> Any:
        """A call that must succeed; its result."""
        status, body = await self.call(method, **params)
        assert status == 200 and body["ok"], body
        return body["result"]

    async def control(self, http_method: str, path: str, **body: Any) -> Any:
        """A /_emulator control call; its result."""
        url = f"{self.emulator.base_url}/_emulator{path}"
        kwargs: dict[str, Any] = {"json": body} if http_method != "GET" else {"params": body}
        async with self.session.request(http_method, url, **kwargs) as response:
            payload = await response.json()
            assert payload["ok"], payload
            return payload["result"]


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A started emulator with one user and a forum group with two counselors."""
    emu = BotApiEmulator()
    await emu.start()
    emu.add_user(USER_ID, "Adam", "adam", "en")
    emu.add_user(COUNSELOR_ID, "Sara", None, "en")
    emu.add_user(2002, "Omar", None, "en")
    emu.add_forum_group(GROUP_ID, "Desk", {COUNSELOR_ID: "creator", 2002: "administrator"})
    yield emu
    await emu.stop()


@pytest.fixture
async def api(emulator: BotApiEmulator) -> AsyncIterator[BotApiClient]:
    """A Bot API client bound to the emulator."""
    async with aiohttp.ClientSession() as session:
        yield BotApiClient(session, emulator)
