"""`testimony-bot campaigns`: what each campaign led to, as counts with small cells hidden."""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
from datetime import date

from bot.config import Settings

NAME = "campaigns"
HELP = "campaign report: conversations, follow-up clips, questions, 'helped', cases (<5 hidden)"
FORMATS = ("table", "json", "csv")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a day YYYY-MM-DD") from err


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=_day, default=None, metavar="DAY",
                        help="first day to count, YYYY-MM-DD (UTC; default: everything kept)")
    parser.add_argument("--format", choices=FORMATS, default="table")


def render(rows: list[object], fmt: str) -> str:
    """The report as an aligned table, JSON (a list of objects) or CSV."""
    from bot.outreach.report import COLUMNS

    dicts = [row.as_dict() for row in rows]  # type: ignore[attr-defined]
    if fmt == "json":
        return json.dumps(dicts, ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(dicts)
        return out.getvalue().rstrip("\n")
    if not dicts:
        return "no campaign activity recorded"
    cells = [list(COLUMNS)] + [[str(d[c]) for c in COLUMNS] for d in dicts]
    widths = [max(len(row[i]) for row in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths, strict=True)))
             for row in cells]
    lines.append("cells of 1-4 are shown as <5; campaigns with fewer than 5 conversations "
                 "are merged")
    return "\n".join(lines)


async def _report(settings: Settings, since: date | None, fmt: str) -> int:
    from bot.commands._db import with_session
    from bot.outreach import campaign_report

    rows = await with_session(settings, lambda session: campaign_report(session, since))
    print(render(list(rows), fmt))
    return 0


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_report(settings, args.since, args.format))
