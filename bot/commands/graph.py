"""`testimony-bot graph FLOW`: write a flow as an SVG diagram."""

from __future__ import annotations

import argparse

from bot.config import Settings

NAME = "graph"
HELP = "draw a flow as SVG"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("flow", help="flow name, e.g. welcome")
    parser.add_argument("-o", "--output", default=None, help="file (default FLOW.svg)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.flows.graph import write_flow_svg

    print(write_flow_svg(settings, args.flow, args.output))
    return 0
