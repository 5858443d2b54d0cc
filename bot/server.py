"""Running the bot: long polling (default) or webhook, with the aiohttp server for health."""

from __future__ import annotations

import asyncio
import logging
import signal
from urllib.parse import urlsplit

from aiohttp import web

from bot.config import Settings
from bot.logs import setup_logging
from bot.publishing import POLL_SECONDS, PublishedSync
from bot.runtime import ALLOWED_UPDATES, BotRuntime, load_data_files, open_database
from bot.web import install_health_routes
from bot.web.admin import console_context_for, install_admin_console, prepare_console_store
from bot.web.webhook import install_webhook_route

log = logging.getLogger("bot")


async def start_polling(runtime: BotRuntime) -> None:
    """Long polling through the inbox: an update is confirmed once stored, not before."""
    app = runtime.build_application()
    await app.initialize()
    await app.start()
    await runtime.prepare()
    await runtime.start_polling()


async def stop_application(runtime: BotRuntime) -> None:
    app = runtime.application
    if app is None:
        return
    if runtime.poller is not None and runtime.poller.running:
        await runtime.poller.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


async def wait_for_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except NotImplementedError:  # pragma: no cover
            pass
    await stop.wait()


async def serve_web(runtime: BotRuntime, host: str, port: int) -> web.AppRunner:
    """The bot's own web server: /healthz, /readyz, /metrics and the admin console."""
    app = web.Application(client_max_size=64 * 1024 * 1024)  # clip uploads in the console
    install_health_routes(app, lambda: runtime.db if runtime.application else None)
    context = console_context_for(runtime, cookie_secure=runtime.settings.admin_cookie_secure)
    await prepare_console_store(context)
    install_admin_console(app, context)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def follow_publications(runtime: BotRuntime) -> asyncio.Task[None]:
    """Load the newest published dialogs/clip index now, then keep following them."""
    sync = PublishedSync(runtime)
    await sync.start()

    async def loop() -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await sync.tick()
            except Exception as err:  # noqa: BLE001 - keep following; the database may be back
                log.warning("publication poll failed",
                            extra={"fields": {"error": type(err).__name__}})

    return asyncio.create_task(loop(), name="follow-publications")


async def start_webhook(runtime: BotRuntime) -> web.AppRunner:
    """Serve the webhook at WEBHOOK_URL's path on PORT and register it with Telegram."""
    settings = runtime.settings
    assert settings.webhook_url and settings.webhook_secret
    app = runtime.build_application()
    await app.initialize()
    await app.start()
    await runtime.prepare()
    web_app = web.Application(client_max_size=2 * 1024 * 1024)
    path = urlsplit(settings.webhook_url).path or "/"
    install_webhook_route(web_app, path, settings.webhook_secret, runtime.process_json)
    install_health_routes(web_app, lambda: runtime.db if runtime.application else None)
    runner = web.AppRunner(web_app, access_log=None, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_listen, settings.port).start()
    await app.bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                              max_connections=settings.webhook_max_connections,
                              allowed_updates=ALLOWED_UPDATES)
    return runner


async def run_bot(settings: Settings) -> None:
    setup_logging(settings.log_format, settings.log_level)
    data = load_data_files(settings)
    db = await open_database(settings)
    runtime = BotRuntime(settings, data, db)
    follower = await follow_publications(runtime)
    runners = [await serve_web(runtime, settings.admin_host, settings.admin_port)]
    if settings.webhook_url:
        runners.append(await start_webhook(runtime))
        log.info("bot running (webhook)", extra={"fields": {"port": settings.port}})
    else:
        await start_polling(runtime)
        log.info("bot running (long polling)", extra={"fields": {"port": settings.admin_port}})
    try:
        await wait_for_signal()
    finally:
        follower.cancel()
        await stop_application(runtime)
        for runner in runners:
            await runner.cleanup()
        await db.close()
