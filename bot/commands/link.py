"""`testimony-bot link`: print a campaign deep link (and write its QR code as PNG)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from bot.config import Settings
from bot.errors import ConfigError

NAME = "link"
HELP = "print a campaign deep link https://t.me/<bot>?start=<payload> (--qr FILE: QR as PNG)"


def configure(parser: argparse.ArgumentParser) -> None:
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--clip", help="open this clip (an id from the clip index)")
    target.add_argument("--topic", help="open a clip of this topic")
    target.add_argument("--flow", choices=("family", "talk"),
                        help="open the family flow or the counselor offer")
    parser.add_argument("--campaign", required=True,
                        help="campaign code: letters, digits and '-' (e.g. balkans-spring)")
    parser.add_argument("--bot", default=None,
                        help="the bot's username (default: environment BOT_USERNAME)")
    parser.add_argument("--qr", type=Path, default=None, metavar="FILE",
                        help="also write the link as a QR code PNG to FILE")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content import load_content_index
    from bot.outreach import deep_link, link_payload, write_qr_png

    username = args.bot or os.environ.get("BOT_USERNAME")
    if not username:
        raise ConfigError("BOT_USERNAME is not set: pass --bot USERNAME or set BOT_USERNAME")
    index = load_content_index(settings.content_index, settings.languages,
                               repo_root=settings.media_root, check_media=False)
    payload = link_payload(index, args.campaign, clip=args.clip, topic=args.topic,
                           flow=args.flow)
    url = deep_link(username, payload)
    print(url)
    if args.clip and index.clips[args.clip].content_warning == "graphic":
        print("note: this clip is marked graphic; people are asked before it is shown",
              file=sys.stderr)
    if args.qr is not None:
        write_qr_png(url, args.qr)
        print(f"QR code written to {args.qr}", file=sys.stderr)
    return 0
