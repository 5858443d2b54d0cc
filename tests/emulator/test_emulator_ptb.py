"""The real python-telegram-bot stack against the emulator: polling, buttons, 409, 429, webhook."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import BotApiEmulator

from .conftest import USER_ID

pytestmark = pytest.mark.e2e


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with two buttons."""
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Watch a clip", callback_data="clip"),
          InlineKeyboardButton("Talk to someone", callback_data="talk")]]
    )
    await update.effective_message.reply_text("Welcome", reply_markup=keyboard)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes text."""
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answers the press and edits the message."""
    query = update.callback_query
    await query.answer("ok")
    await query.edit_message_text(f"you chose {query.data}")


def _build(emulator: BotApiEmulator, with_updater: bool = True) -> Application:
    builder = (
        ApplicationBuilder().token(emulator.token).base_url(emulator.bot_base_url)
        .base_file_url(emulator.file_base_url).rate_limiter(AIORateLimiter(max_retries=2))
    )
    if not with_updater:
        builder = builder.updater(None)
    application = builder.build()
    application.add_handler(CommandHandler("start", _start))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    application.add_handler(CallbackQueryHandler(_pressed))
    return application


@pytest.fixture
async def polling_app(emulator: BotApiEmulator) -> AsyncIterator[Application]:
    """A PTB Application long-polling the emulator."""
    application = _build(emulator)
    errors: list[Exception] = []
    application.bot_data["polling_errors"] = errors
    await application.initialize()
    await application.start()
    await application.updater.start_polling(
        poll_interval=0, timeout=2, error_callback=errors.append
    )
    yield application
    await application.updater.stop()
    await application.stop()
    await application.shutdown()


async def test_round_trip_and_button_press(
    emulator: BotApiEmulator, polling_app: Application
) -> None:
    emulator.user_sends(USER_ID, "/start")
    [welcome] = await emulator.wait_for_bot_messages(USER_ID, 1)
    assert welcome.text == "Welcome"
    assert welcome.button_labels == ["Watch a clip", "Talk to someone"]
    emulator.user_sends(USER_ID, "what is life like there?")
    [echo] = await emulator.wait_for_bot_messages(USER_ID, 1)
    assert echo.text == "echo: what is life like there?"
    query_id = emulator.user_presses(USER_ID, label="Talk to someone")
    await emulator.wait_for(lambda: emulator.bot_messages(USER_ID)[0].text == "you chose talk")
    await emulator.wait_for(lambda: emulator.callback_answer(query_id).answered)
    assert emulator.callback_answer(query_id).answer["text"] == "ok"
    assert not emulator.calls_to("forwardMessage")


async def test_second_poller_gets_conflict_and_bot_recovers(
    emulator: BotApiEmulator, polling_app: Application
) -> None:
    await asyncio.sleep(0.1)  # let PTB's long poll start waiting
    second = _build(emulator)
    await second.bot.initialize()
    try:
        await second.bot.get_updates(timeout=0)
    finally:
        await second.bot.shutdown()
    errors = polling_app.bot_data["polling_errors"]
    await emulator.wait_for(lambda: errors, timeout=3)
    assert isinstance(errors[0], Conflict)
    assert any(call.error_code == 409 for call in emulator.calls_to("getUpdates"))
    emulator.user_sends(USER_ID, "still there?")
    [echo] = await emulator.wait_for_bot_messages(USER_ID, 1, timeout=5)
    assert echo.text == "echo: still there?"


async def test_rate_limiter_retries_after_429(
    emulator: BotApiEmulator, polling_app: Application
) -> None:
    emulator.inject_fault("sendMessage", "429", times=1, retry_after=1)
    started = time.monotonic()
    emulator.user_sends(USER_ID, "slow")
    [echo] = await emulator.wait_for_bot_messages(USER_ID, 1, timeout=6)
    assert echo.text == "echo: slow" and time.monotonic() - started >= 1
    assert [call.error_code for call in emulator.calls_to("sendMessage")] == [429, None]


async def test_webhook_push_with_secret(emulator: BotApiEmulator) -> None:
    application = _build(emulator, with_updater=False)
    secret = "hook-secret_1"
    seen_secrets: list[str | None] = []

    async def receive(request: web.Request) -> web.Response:
        seen_secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        if seen_secrets[-1] != secret:
            return web.Response(status=403)
        update = Update.de_json(await request.json(), application.bot)
        await application.update_queue.put(update)
        return web.Response()

    web_app = web.Application()
    web_app.router.add_post("/telegram", receive)
    runner = web.AppRunner(web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = runner.addresses[0][1]
    await application.initialize()
    await application.start()
    try:
        await application.bot.set_webhook(f"http://127.0.0.1:{port}/telegram", secret_token=secret)
        emulator.user_sends(USER_ID, "via webhook")
        [echo] = await emulator.wait_for_bot_messages(USER_ID, 1)
        assert echo.text == "echo: via webhook"
        assert seen_secrets == [secret]
        info = await application.bot.get_webhook_info()
        assert info.url.endswith("/telegram") and info.pending_update_count == 0
        await application.bot.delete_webhook()
    finally:
        await application.stop()
        await application.shutdown()
        await runner.cleanup()
