"""`testimony-bot validate`: check dialogs/ and the clip index, printing file:line problems."""

from __future__ import annotations

import argparse

from bot.config import Settings
from bot.errors import Problem

NAME = "validate"
HELP = "check dialogs/ and content_index.yaml"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="warnings fail too")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.content import validate_content_index
    from bot.flows import load_dialog_set, read_dialog_files

    problems: list[Problem] = []
    try:
        files = read_dialog_files(settings.dialogs_dir)
        prefix = settings.dialogs_dir.as_posix().rstrip("/") + "/"
        _, found = load_dialog_set(files, settings.languages, prefix=prefix, strict=args.strict)
        problems += found
    except OSError as err:
        problems.append(Problem(str(settings.dialogs_dir), 1, f"cannot read: {err}"))
    problems += validate_content_index(settings.content_index, settings.languages,
                                       repo_root=settings.media_root)
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error" or args.strict]
    if not problems:
        print("dialogs and content index are valid")
    return 1 if errors else 0
