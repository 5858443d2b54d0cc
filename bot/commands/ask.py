"""`testimony-bot ask`: match a question (or stdin lines) to clips and assess risk, as JSON."""

from __future__ import annotations

import argparse
import json
import sys

from bot.config import Settings

NAME = "ask"
HELP = "match a question (or one per stdin line) to clips, with the risk assessment, as JSON"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("text", nargs="?", help="the question; without it, one per stdin line")
    parser.add_argument("--lang", default=None, help="the user's language as a prior")
    parser.add_argument("--json", action="store_true", help="print JSON (the default)")


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.library import ContentLibrary
    from bot.risk import load_risk_detector

    library = ContentLibrary.load(settings.content_index, settings.languages, settings.media_root)
    risk = load_risk_detector(settings.languages)

    def answer(question: str) -> dict[str, object]:
        language = library.detect_language(question, args.lang)
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

    if args.text is not None:
        print(json.dumps(answer(args.text), ensure_ascii=False))
        return 0
    for line in sys.stdin:
        print(json.dumps(answer(line.rstrip("\n")), ensure_ascii=False), flush=True)
    return 0
