"""`testimony-bot demo`: emulator + bot + web chat page, no token needed."""

from __future__ import annotations

import argparse
import asyncio

from bot.config import Settings

NAME = "demo"
HELP = "emulator + bot + web chat page on ADMIN_HOST:ADMIN_PORT, no token needed"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=None, help="web port (default ADMIN_PORT)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import run_demo

    asyncio.run(run_demo(settings, port=args.port))
    return 0
