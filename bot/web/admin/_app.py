"""Mounting the console on an aiohttp app: the /admin sub-application and its startup."""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from bot.flows import load_dialog_set, read_dialog_files
from bot.store.admin_models import ADMIN_TABLES
from bot.store.admin_repositories import latest_published_dialogs, seed_dialogs_if_empty
from bot.web.admin._auth import console_middleware, install_auth_routes
from bot.web.admin._context import ConsoleContext
from bot.web.admin._keys import CONTEXT, LIMITER, PREFIX, SIMULATORS, TEMPLATES
from bot.web.admin._ratelimit import LoginLimiter
from bot.web.admin._render import make_environment
from bot.web.admin._simulator import Simulators

log = logging.getLogger("bot.admin")
STATIC = Path(__file__).parent / "static"


async def prepare_console_store(ctx: ConsoleContext) -> None:
    """Create the console's tables if missing; seed dialogs/ as version 1 on a fresh database;
    switch the bot to the newest published version when it differs from what it runs."""
    async with ctx.db.engine.begin() as conn:
        await conn.run_sync(lambda c: [t.create(c, checkfirst=True) for t in ADMIN_TABLES])
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


def install_admin_console(app: web.Application, context: ConsoleContext) -> None:
    """Mount the console under /admin on ``app`` (before the app starts)."""
    from bot.web.admin._clips import install_clip_routes
    from bot.web.admin._flows import install_flow_routes
    from bot.web.admin._insight import install_insight_routes
    from bot.web.admin._people import install_people_routes

    console = web.Application(middlewares=[console_middleware])
    console[CONTEXT] = context
    console[LIMITER] = LoginLimiter(context.login_failures_allowed, context.login_window_s)
    console[TEMPLATES] = make_environment()
    console[SIMULATORS] = Simulators()
    install_auth_routes(console)
    install_flow_routes(console)
    install_clip_routes(console)
    install_insight_routes(console)
    install_people_routes(console)
    console.router.add_static("/static", STATIC, follow_symlinks=False)

    async def _startup(_app: web.Application) -> None:
        await prepare_console_store(context)

    console.on_startup.append(_startup)
    app.add_subapp(PREFIX, console)
