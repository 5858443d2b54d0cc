"""One bot process for the benchmarks: the full bot or a bare PTB echo bot, long polling."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from pathlib import Path

from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.config import load_settings
from bot.logs import setup_logging
from bot.runtime import BotRuntime, load_data_files, open_database
from bot.server import start_polling, stop_application
from bot.telegram_adapter.processor import ChatOrderedProcessor
from bot.telegram_adapter.rate_limiter import ChatAwareRateLimiter

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456:EMULATOR-TOKEN"


def limits(name: str) -> dict[str, float]:
    """'telegram': Telegram's limits (the bot's defaults); 'open': high enough not to bind."""
    if name == "telegram":
        return {"per_chat": 1.0, "overall": 30.0, "group": 20.0}
    return {"per_chat": 50.0, "overall": 1000.0, "group": 600.0}


async def _wait_stop() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


async def run_full(api: str, files: str, db_url: str, group: int, lim: dict[str, float]) -> None:
    settings = load_settings({}).with_overrides(
        bot_token=TOKEN, api_url=api, file_url=files, database_url=db_url,
        counselor_chat_id=group, secret_key="bench-secret-key-0123456789abcdef",
        dialogs_dir=REPO / "dialogs", content_index=REPO / "content_index.yaml",
        media_root=REPO, per_chat_messages_per_second=lim["per_chat"],
        overall_messages_per_second=lim["overall"], group_messages_per_minute=lim["group"],
    )
    setup_logging("json", "INFO")  # production logging: its cost is part of the bot
    db = await open_database(settings)
    runtime = BotRuntime(settings, load_data_files(settings), db)
    await start_polling(runtime)
    print("ready", flush=True)
    try:
        await _wait_stop()
    finally:
        await stop_application(runtime)
        await db.close()


async def _echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text is not None:
        await message.reply_text(message.text, do_quote=False)


async def run_echo(api: str, files: str, lim: dict[str, float], pool: int = 0) -> None:
    limiter = ChatAwareRateLimiter(per_chat_rate=lim["per_chat"],
                                   overall_per_second=int(lim["overall"]),
                                   group_per_minute=int(lim["group"]))
    app = (ApplicationBuilder().token(TOKEN).base_url(api).base_file_url(files)
           .rate_limiter(limiter).concurrent_updates(ChatOrderedProcessor(256)))
    if pool:  # PTB's default is 256 connections; httpcore scans them all per request
        app = app.connection_pool_size(pool)
    app = app.build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=20)
        print("ready", flush=True)
        try:
            await _wait_stop()
        finally:
            await app.updater.stop()
            await app.stop()


def main() -> None:
    """Parse arguments and run until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("full", "echo"))
    parser.add_argument("--api", required=True)
    parser.add_argument("--files", required=True)
    parser.add_argument("--db", default="")
    parser.add_argument("--group", type=int, default=-1001234567890)
    parser.add_argument("--limits", choices=("telegram", "open"), default="open")
    parser.add_argument("--pool", type=int, default=0, help="echo: connection pool size")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    lim = limits(args.limits)
    if args.mode == "full":
        asyncio.run(run_full(args.api, args.files, args.db, args.group, lim))
    else:
        asyncio.run(run_echo(args.api, args.files, lim, args.pool))


if __name__ == "__main__":
    main()
