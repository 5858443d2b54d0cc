"""Command line: run, demo, validate, ask, graph."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import load_settings, require_for_run
from bot.errors import ConfigError, Problem, TestimonyBotError, ValidationFailed

EXIT_PROBLEMS = 1
EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="testimony-bot", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="run the bot against Telegram (needs TELEGRAM_BOT_TOKEN)")
    demo = sub.add_parser("demo", help="emulator + bot + web chat page, no token needed")
    demo.add_argument("--port", type=int, default=None, help="web port (default ADMIN_PORT)")
    validate = sub.add_parser("validate", help="check dialogs/ and content_index.yaml")
    validate.add_argument("--strict", action="store_true", help="warnings fail too")
    ask = sub.add_parser("ask", help="match a question (or stdin lines) to clips, as JSON")
    ask.add_argument("text", nargs="?", help="the question; without it, one per stdin line")
    ask.add_argument("--lang", default=None, help="the user's language as a prior")
    ask.add_argument("--json", action="store_true", help="print JSON (the default)")
    gaps = sub.add_parser("gaps", help="content-gap report: questions no clip answered well")
    gaps.add_argument("--limit", type=int, default=50)
    graph = sub.add_parser("graph", help="draw a flow as SVG")
    graph.add_argument("flow", help="flow name, e.g. welcome")
    graph.add_argument("-o", "--output", default=None, help="file (default FLOW.svg)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "validate":
            return _validate(settings, args.strict)
        if args.command == "ask":
            return _ask(settings, args.text, args.lang)
        if args.command == "graph":
            from bot.flows.graph import write_flow_svg

            path = write_flow_svg(settings, args.flow, args.output)
            print(path)
            return 0
        if args.command == "gaps":
            return asyncio.run(_gaps(settings, args.limit))
        if args.command == "run":
            require_for_run(settings)
            from bot.server import run_bot

            asyncio.run(run_bot(settings))
            return 0
        if args.command == "demo":
            from bot.demo import run_demo

            asyncio.run(run_demo(settings, port=args.port))
            return 0
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
    return 0


def _validate(settings, strict: bool) -> int:  # type: ignore[no-untyped-def]
    from bot.content import validate_content_index
    from bot.flows import load_dialog_set, read_dialog_files

    problems: list[Problem] = []
    try:
        files = read_dialog_files(settings.dialogs_dir)
        prefix = settings.dialogs_dir.as_posix().rstrip("/") + "/"
        _, found = load_dialog_set(files, settings.languages, prefix=prefix, strict=strict)
        problems += found
    except OSError as err:
        problems.append(Problem(str(settings.dialogs_dir), 1, f"cannot read: {err}"))
    problems += validate_content_index(settings.content_index, settings.languages,
                                       repo_root=settings.media_root)
    for problem in problems:
        print(problem)
    errors = [p for p in problems if p.severity == "error" or strict]
    if not problems:
        print("dialogs and content index are valid")
    return EXIT_PROBLEMS if errors else 0


def _ask(settings, text: str | None, lang: str | None) -> int:  # type: ignore[no-untyped-def]
    from bot.library import ContentLibrary
    from bot.risk import load_risk_detector

    library = ContentLibrary.load(settings.content_index, settings.languages, settings.media_root)
    risk = load_risk_detector(settings.languages)

    def answer(question: str) -> dict[str, object]:
        language = library.detect_language(question, lang)
        result = library.matcher.match(question, language, limit=3)
        assessment = risk.assess(question, language)
        clips = [{"id": m.clip_id, "topics": list(m.topics), "topic": m.topic,
                  "score": round(m.score, 4)} for m in result.matches]
        # Clips are always ranked; when not confident the bot shows the topic menu instead.
        return {"language": language, "clips": clips, "confident": result.confident,
                "fallback": None if result.confident else "topic_menu",
                "handoff": assessment.category is not None, "reason": assessment.category,
                "urgent": assessment.urgent, "hostile": assessment.hostile,
                "cues": list(assessment.cues)}

    if text is not None:
        print(json.dumps(answer(text), ensure_ascii=False))
        return 0
    for line in sys.stdin:
        line = line.rstrip("\n")
        print(json.dumps(answer(line), ensure_ascii=False), flush=True)
    return 0


async def _gaps(settings, limit: int) -> int:  # type: ignore[no-untyped-def]
    from bot.store import Database
    from bot.store.retention import content_gaps

    db = Database(settings.database_url)
    try:
        await db.create_schema()
        async with db.transaction() as session:
            rows = await content_gaps(session, limit)
    finally:
        await db.close()
    print(f"{'lang':5} {'count':>6}  question pattern (normalised, no identifiers)")
    for language, pattern, count in rows:
        print(f"{language:5} {count:>6}  {pattern}")
    if not rows:
        print("no unmatched questions recorded")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
