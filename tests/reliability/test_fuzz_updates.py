"""Hypothesis-generated updates fed to BotRuntime.process against the emulator."""

from __future__ import annotations

import asyncio
import itertools
import tempfile
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram import Update

from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, populate_demo_world
from bot.emulator._core import CallbackQueryRecord
from bot.runtime import BotRuntime
from tests.e2e.conftest import e2e_settings, fresh_database, shared_data

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
TRICKY = "\u200f\u200e\u200b\u200c\u200d\u2066\u2069\u202e\ufeff\u0627\u05d0\U0001f600\n\t "
_IDS = itertools.count(1)

text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.sampled_from(TRICKY), min_size=1, max_size=50),
    st.text(min_size=4000, max_size=4096),
    st.sampled_from(["/start", "/help", "/talk", "/delete", "/topics", "/language", "/stop",
                     "/start " + "x" * 64, "/" + "a" * 40, "did they pay salaries"]),
).filter(lambda s: s != "")
file = st.fixed_dictionaries({"file_id": st.text(min_size=1, max_size=20),
                              "file_unique_id": st.text(min_size=1, max_size=10)})
media = st.one_of(
    st.fixed_dictionaries({"text": text}),
    st.fixed_dictionaries({"photo": st.lists(file.map(lambda f: {**f, "width": 1, "height": 1}),
                                             min_size=1, max_size=3)},
                          optional={"caption": text}),
    st.fixed_dictionaries({"sticker": file.map(lambda f: {
        **f, "width": 1, "height": 1, "is_animated": False, "is_video": False,
        "type": "regular"})}),
    st.fixed_dictionaries({"voice": file.map(lambda f: {**f, "duration": 1})}),
    st.fixed_dictionaries({"document": file}, optional={"caption": text}),
    st.fixed_dictionaries({"location": st.fixed_dictionaries({
        "latitude": st.floats(-90, 90), "longitude": st.floats(-180, 180)})}),
    st.fixed_dictionaries({"contact": st.fixed_dictionaries({
        "phone_number": st.text(max_size=15), "first_name": st.text(min_size=1, max_size=20)})}),
    st.fixed_dictionaries({"dice": st.fixed_dictionaries({"emoji": st.just("🎲"),
                                                          "value": st.integers(1, 6)})}),
    st.fixed_dictionaries({"video_note": file.map(lambda f: {**f, "length": 1, "duration": 1})}),
    st.just({}),  # a service message or a type this PTB does not know
)
sender = st.fixed_dictionaries(
    {"is_bot": st.just(False), "first_name": st.text(min_size=1, max_size=30)},
    optional={"username": st.from_regex(r"[a-z][a-z0-9_]{4,20}", fullmatch=True),
              "language_code": st.sampled_from(["en", "ar", "fr", "de", "ru", "tr", "he",
                                                "zz", "pt-br", ""]),
              "last_name": st.text(max_size=30)})
kind = st.sampled_from(["private", "private", "private", "edited", "group", "channel",
                        "callback"])


def build(kind_: str, content: dict[str, Any], who: dict[str, Any], user_id: int,
          data: bytes) -> dict[str, Any]:
    update_id = 50_000_000 + next(_IDS)
    user = {**who, "id": user_id}
    private = {"id": user_id, "type": "private", "first_name": who["first_name"]}
    message = {"message_id": update_id % 1_000_000, "date": int(time.time()), **content}
    if kind_ == "channel":
        return {"update_id": update_id, "channel_post": {
            **message, "chat": {"id": -1009999, "type": "channel", "title": "c"}}}
    if kind_ == "group":
        return {"update_id": update_id, "message": {
            **message, "from": user, "chat": {"id": -4242, "type": "group", "title": "g"}}}
    if kind_ == "callback":
        return {"update_id": update_id, "callback_query": {
            "id": str(update_id), "from": user, "chat_instance": "ci",
            "data": data.decode("utf-8", "ignore")[:64] or "x",
            "message": {"message_id": 1, "date": int(time.time()), "chat": private,
                        "text": "old"}}}
    key = "edited_message" if kind_ == "edited" else "message"
    return {"update_id": update_id, key: {**message, "from": user, "chat": private,
                                          **({"edit_date": int(time.time())}
                                             if kind_ == "edited" else {})}}


class _Harness:
    """An emulator and a runtime on one private event loop (hypothesis tests are sync)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.loop.run_until_complete(self._start())

    async def _start(self) -> None:
        self.emu = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
        await self.emu.start()
        world = populate_demo_world(self.emu)
        url = f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/fuzz.sqlite3"
        cfg = e2e_settings(self.emu, url, world.group_id)
        self.db = await fresh_database(cfg.database_url)
        self.runtime = BotRuntime(cfg, shared_data(cfg), self.db)
        self.app = self.runtime.build_application()
        await self.app.initialize()

    def process(self, data: dict[str, Any]) -> None:
        update = Update.de_json(data, self.app.bot)
        self.loop.run_until_complete(self.runtime.process(update))

    def close(self) -> None:
        async def stop() -> None:
            await self.app.shutdown()
            await self.db.close()
            await self.emu.stop()

        self.loop.run_until_complete(stop())
        self.loop.close()


@pytest.fixture(scope="module")
def harness() -> Any:
    h = _Harness()
    yield h
    h.close()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(kind_=kind, content=media, who=sender, data=st.binary(min_size=1, max_size=64))
def test_random_updates_are_handled(harness: _Harness, kind_: str, content: dict[str, Any],
                                    who: dict[str, Any], data: bytes) -> None:
    emu = harness.emu
    user_id = 300_000 + next(_IDS)  # a fresh user: never flood-muted by earlier examples
    emu.add_user(user_id, who["first_name"], None, who.get("language_code") or "en")
    calls_before = len(emu.calls)
    update = build(kind_, content, who, user_id, data)
    if "callback_query" in update:  # the emulator answers only queries it knows
        query = update["callback_query"]
        emu.core.callback_queries[query["id"]] = CallbackQueryRecord(query["id"], user_id,
                                                                     query["data"])
    harness.process(update)  # raises on any failure
    new_calls = emu.calls[calls_before:]
    bad = [(c.method, c.error_code, c.description) for c in new_calls
           if not c.ok and c.error_code == 400]
    assert not bad, bad  # no call broke a Bot API limit (length, button data, ...)
    if kind_ == "private" and "text" in content:
        assert emu.bot_messages(user_id), "a private text message got no answer"
