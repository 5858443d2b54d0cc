"""`testimony-bot gaps`: the content-gap report (questions no clip answered well)."""

from __future__ import annotations

import argparse
import asyncio

from bot.config import Settings

NAME = "gaps"
HELP = "content-gap report: unmatched question patterns per language, most frequent first"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=50)


async def _report(settings: Settings, limit: int) -> int:
    from bot.commands._db import with_session
    from bot.store.retention import content_gaps

    rows = await with_session(settings, lambda session: content_gaps(session, limit))
    print(f"{'lang':5} {'count':>6}  question pattern (normalised, no identifiers)")
    for language, pattern, count in rows:
        print(f"{language:5} {count:>6}  {pattern}")
    if not rows:
        print("no unmatched questions recorded")
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_report(settings, args.limit))
