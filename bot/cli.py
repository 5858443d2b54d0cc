"""Command line entry point: `testimony-bot COMMAND` (commands live in bot/commands/)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from bot.commands import COMMAND_MODULES
from bot.config import load_settings
from bot.errors import ConfigError, TestimonyBotError, ValidationFailed

EXIT_PROBLEMS = 1
EXIT_CONFIG = 2


def _commands() -> dict[str, ModuleType]:
    modules = [importlib.import_module(name) for name in COMMAND_MODULES]
    return {module.NAME: module for module in modules}


def _parser(commands: dict[str, ModuleType]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="testimony-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, module in commands.items():
        module.configure(sub.add_parser(name, help=module.HELP))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    commands = _commands()
    args = _parser(commands).parse_args(argv)
    try:
        settings = load_settings()
        return int(commands[args.command].run(args, settings) or 0)
    except ConfigError as err:
        print(f"testimony-bot: configuration error: {err}", file=sys.stderr)
        return EXIT_CONFIG
    except ValidationFailed as err:
        for problem in err.problems:
            print(problem, file=sys.stderr)
        return EXIT_PROBLEMS
    except TestimonyBotError as err:
        print(f"testimony-bot: {err}", file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
