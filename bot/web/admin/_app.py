"""Mounting the console on an aiohttp app: the /admin sub-application and its startup."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.flows import load_dialog_set, read_dialog_files
from bot.store.admin_repositories import latest_published_dialogs, seed_dialogs_if_empty
from bot.web.admin._auth import console_middleware, install_auth_routes
from bot.web.admin._context import ConsoleContext, ContextSlot
from bot.web.admin._keys import LIMITER, PREFIX, SIMULATORS, SLOT, TEMPLATES
from bot.web.admin._ratelimit import LoginLimiter
from bot.web.admin._render import make_environment
from bot.web.admin._simulator import Simulators

log = logging.getLogger("bot.admin")
STATIC = Path(__file__).parent / "static"
LOGIN_FAILURES_ALLOWED = 5
LOGIN_WINDOW_S = 900.0


async def prepare_console_store(ctx: ConsoleContext) -> None:
    """Seed dialogs/ as version 1 on a fresh database and switch the bot to the newest published
    version when it differs from what it runs. The schema must exist (migrations create it)."""
    async with ctx.db.transaction() as session:
        running = ctx.current_dialogs()
        files = dict(running.sources) or read_dialog_files(ctx.settings.dialogs_dir)
        await seed_dialogs_if_empty(session, files)
        latest = await latest_published_dialogs(session)
    if latest is not None and latest[1] != dict(running.sources):
        dialog_set, _problems = load_dialog_set(latest[1], ctx.settings.languages)
        if dialog_set is not None:
            ctx.publish(dialog_set)
            log.info("published dialogs version from the database",
                     extra={"fields": {"version": latest[0]}})


def _prepared_once(slot: ContextSlot) -> Middleware:
    """Run prepare_console_store before the first console request (after the database is
    migrated, whatever order the process starts its pieces in)."""
    lock = asyncio.Lock()
    done: list[bool] = []

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not done and slot.context is not None:
            async with lock:
                if not done:
                    await prepare_console_store(slot.context)
                    done.append(True)
        return await handler(request)

    return middleware


def install_admin_console(app: web.Application, context: ConsoleContext | None) -> ContextSlot:
    """Mount the console under /admin on ``app`` (before the app starts).

    With ``context=None`` the console answers 503 until ``slot.attach(context)`` (for a process
    that builds its runtime after the web server is up, like the demo). Call
    ``await prepare_console_store(context)`` once the database is migrated to seed and load the
    published dialogs at start; otherwise the first console request does it."""
    from bot.web.admin._clip_history import install_clip_history_routes
    from bot.web.admin._clips import install_clip_routes
    from bot.web.admin._flows import install_flow_routes
    from bot.web.admin._insight import install_insight_routes
    from bot.web.admin._people import install_people_routes

    slot = ContextSlot(context)
    console = web.Application(middlewares=[_prepared_once(slot), console_middleware])
    console[SLOT] = slot
    console[LIMITER] = LoginLimiter(LOGIN_FAILURES_ALLOWED, LOGIN_WINDOW_S)
    console[TEMPLATES] = make_environment()
    console[SIMULATORS] = Simulators()
    install_auth_routes(console)
    install_flow_routes(console)
    install_clip_history_routes(console)
    install_clip_routes(console)
    install_insight_routes(console)
    install_people_routes(console)
    console.router.add_static("/static", STATIC, follow_symlinks=False)

    app.add_subapp(PREFIX, console)
    return slot
