"""`testimony-bot demo`: emulator, bot and web chat page in one process, no token needed."""

from __future__ import annotations

import logging

from aiohttp import web

from bot.config import Settings
from bot.emulator import DEFAULT_TOKEN, BotApiEmulator, install_demo_page, populate_demo_world
from bot.logs import setup_logging
from bot.runtime import BotRuntime, load_data_files, open_database
from bot.server import follow_publications, start_polling, stop_application, wait_for_signal
from bot.web import install_health_routes
from bot.web.admin import (
    console_context_for,
    create_first_admin,
    install_admin_console,
    prepare_console_store,
)

log = logging.getLogger("bot.demo")
DEMO_DATABASE = "sqlite+aiosqlite:///./data/demo.sqlite3"


async def start_demo(settings: Settings, port: int | None = None
                     ) -> tuple[BotRuntime, BotApiEmulator, web.AppRunner, str]:
    """Start everything; return the pieces so tests can drive and stop them."""
    emulator = BotApiEmulator(DEFAULT_TOKEN, bot_username="testimony_demo_bot")
    world = populate_demo_world(emulator)
    app = web.Application(client_max_size=64 * 1024 * 1024)
    emulator.install(app)
    install_demo_page(app, emulator)
    holder: dict[str, BotRuntime] = {}
    install_health_routes(app, lambda: holder["runtime"].db if "runtime" in holder else None)
    console = install_admin_console(app, None)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    host = settings.admin_host
    site = web.TCPSite(runner, host, settings.admin_port if port is None else port)
    await site.start()
    bound = runner.addresses[0][1]
    root = f"http://{host}:{bound}"
    emulator.base_url = root
    demo_settings = settings.with_overrides(
        bot_token=DEFAULT_TOKEN,
        api_url=f"{root}/bot",
        file_url=f"{root}/file/bot",
        counselor_chat_id=world.group_id,
        database_url=(settings.database_url if settings.database_url != Settings.database_url
                      else DEMO_DATABASE),
    )
    data = load_data_files(demo_settings)
    db = await open_database(demo_settings)
    runtime = BotRuntime(demo_settings, data, db)
    runtime.follower = await follow_publications(runtime)  # type: ignore[attr-defined]
    await start_polling(runtime)
    holder["runtime"] = runtime
    context = console_context_for(runtime, cookie_secure=False)
    await prepare_console_store(context)
    console.attach(context)
    async with db.transaction() as session:
        runtime.admin_password = await create_first_admin(session)  # type: ignore[attr-defined]
    return runtime, emulator, runner, root


async def run_demo(settings: Settings, port: int | None = None) -> None:
    setup_logging("text", settings.log_level)
    runtime, _emulator, runner, root = await start_demo(settings, port)
    password = getattr(runtime, "admin_password", None)
    console = (f"  admin console: {root}/admin  (user admin, password {password})\n"
               if password else f"  admin console: {root}/admin\n")
    print(f"\n  testimony-bot demo is running: open {root}/ in your browser\n{console}"
          "  (a local Telegram emulator; no token, no network; Ctrl-C to stop)\n", flush=True)
    try:
        await wait_for_signal()
    finally:
        runtime.follower.cancel()  # type: ignore[attr-defined]
        await stop_application(runtime)
        await runtime.db.close()
        await runner.cleanup()
