"""`testimony-bot run`: the real bot (long polling, or webhook when WEBHOOK_URL is set)."""

from __future__ import annotations

import argparse
import asyncio

from bot.config import Settings, require_for_run

NAME = "run"
HELP = "run the bot against Telegram (needs TELEGRAM_BOT_TOKEN)"


def configure(parser: argparse.ArgumentParser) -> None:
    return None


def run(args: argparse.Namespace, settings: Settings) -> int:
    require_for_run(settings)
    from bot.server import run_bot

    asyncio.run(run_bot(settings))
    return 0
