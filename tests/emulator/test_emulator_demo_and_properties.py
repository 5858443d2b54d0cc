"""The demo page is served and escapes data; property tests of Telegram's counting and offsets."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.emulator import BotApiEmulator, install_demo_page, populate_demo_world
from bot.emulator._errors import ApiError
from bot.emulator._formatting import checked_text
from bot.emulator._updates import UpdateHub

PAGE = Path(__file__).resolve().parents[2] / "bot" / "emulator" / "demo_page"


async def test_demo_page_served_from_one_app() -> None:
    emulator = BotApiEmulator()
    app = web.Application()
    emulator.install(app)
    install_demo_page(app, emulator)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    root = f"http://127.0.0.1:{runner.addresses[0][1]}"
    emulator.base_url = root
    world = populate_demo_world(emulator)
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(root + "/") as response:
                assert "user-chat" in await response.text()
            for asset in ("app.js", "style.css"):
                async with session.get(f"{root}/demo/{asset}") as response:
                    assert response.status == 200
            async with session.get(f"{emulator.bot_base_url}{emulator.token}/getMe") as response:
                assert (await response.json())["ok"]
            async with session.get(root + "/_emulator/state") as response:
                groups = (await response.json())["result"]["groups"]
                assert groups[0]["id"] == world.group_id and len(groups[0]["members"]) == 2
    finally:
        await runner.cleanup()


def test_page_never_injects_html() -> None:
    script = (PAGE / "app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "document.write" not in script
    assert "http://" not in (PAGE / "index.html").read_text(encoding="utf-8")  # no CDN


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=0, max_size=4200))
def test_text_accepted_iff_telegram_would(text: str) -> None:
    should_pass = bool(text.strip()) and len(text.strip()) <= 4096
    try:
        plain, entities = checked_text(text, None)
    except ApiError as err:
        assert not should_pass, err.description
    else:
        assert should_pass and plain == text and entities == []


@settings(max_examples=60, deadline=None)
@given(count=st.integers(0, 30), offset=st.integers(-40, 40), limit=st.integers(1, 100))
def test_get_updates_offsets(count: int, offset: int, limit: int) -> None:
    async def scenario() -> None:
        hub = UpdateHub()
        ids = [hub.add("message", {"n": n})["update_id"] for n in range(count)]
        absolute = ids[0] + offset - 1 if ids and offset > 0 else offset
        got = [u["update_id"] for u in await hub.get_updates(absolute, limit, 0, None)]
        if offset > 0 and ids:
            expected = [i for i in ids if i >= absolute]
        elif offset < 0:
            expected = ids[offset:] if -offset < len(ids) else ids
        else:
            expected = ids
        assert got == expected[:limit]

    asyncio.run(scenario())


@pytest.mark.parametrize("markup", ["<b>bold", "<b><i>x</b></i>", "<script>x</script>"])
def test_bad_html_is_rejected(markup: str) -> None:
    with pytest.raises(ApiError) as caught:
        checked_text(markup, "HTML")
    assert caught.value.description.startswith("Bad Request: can't parse entities")


@pytest.mark.parametrize(
    ("markup", "plain"),
    [("*bold* `a.b` [link](http://x.y/a_b) end\\.", "bold a.b link end."),
     ("```python\nprint(1.0)\n```", "print(1.0)\n")],
)
def test_markdown_v2_markup_is_stripped(markup: str, plain: str) -> None:
    assert checked_text(markup, "MarkdownV2")[0] == plain


def test_markdown_v2_unclosed_entity() -> None:
    with pytest.raises(ApiError) as caught:
        checked_text("ok *open", "MarkdownV2")
    expected = "Can't find end of the entity starting at byte offset 3"
    assert caught.value.description.endswith(expected)
