"""The demo chat page (served at /) and the demo's simulated people."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.emulator.emulator import BotApiEmulator

PAGE_DIR = Path(__file__).parent / "demo_page"
_ASSETS = {"app.js": "application/javascript", "style.css": "text/css"}
EMULATOR_KEY = web.AppKey("emulator", BotApiEmulator)


@dataclass(frozen=True)
class DemoWorld:
    """Ids of the demo's people and counselors' group."""

    user_ids: tuple[int, ...]
    counselor_ids: tuple[int, ...]
    group_id: int


def populate_demo_world(
    emulator: BotApiEmulator, group_id: int = -1001234567890
) -> DemoWorld:
    """Add a few users in several languages and a forum group with two counselors."""
    people = [
        (1001, "Adam", "adam_k", "en"),
        (1002, "Yusuf", "yusuf_m", "ar"),
        (1003, "Léa", "lea_d", "fr"),
        (1004, "Amina", "amina_worried_mum", "de"),
    ]
    for user_id, name, username, language in people:
        emulator.add_user(user_id, name, username, language)
    counselors = [
        (2001, "Sara (counselor)", "creator"), (2002, "Omar (counselor)", "administrator")
    ]
    for user_id, name, _status in counselors:
        emulator.add_user(user_id, name, None, "en")
    emulator.add_forum_group(
        group_id, "Counselors desk", {user_id: status for user_id, _name, status in counselors}
    )
    return DemoWorld(
        tuple(p[0] for p in people), tuple(c[0] for c in counselors), group_id
    )


def install_demo_page(app: web.Application, emulator: BotApiEmulator) -> None:
    """Serve the chat page at / and its assets at /demo/<file> (emulator routes: `install`)."""

    async def index(_request: web.Request) -> web.FileResponse:
        return web.FileResponse(PAGE_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    async def asset(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if name not in _ASSETS:
            raise web.HTTPNotFound()
        return web.FileResponse(PAGE_DIR / name, headers={
            "Content-Type": _ASSETS[name], "Cache-Control": "no-cache",
        })

    app.router.add_get("/", index)
    app.router.add_get("/demo/{name}", asset)
    app[EMULATOR_KEY] = emulator
