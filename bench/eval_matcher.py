"""Print the matcher's topic accuracy on the dev and test question sets, separately."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import load_content_index  # noqa: E402
from bot.content.evaluation import evaluate, load_questions  # noqa: E402
from bot.content.matcher import Matcher  # noqa: E402

DEFAULT_LANGUAGES = "en,ar,fr,de,ru,tr"


def main() -> int:
    """Evaluate on each split that exists; ``--misses`` lists the questions missed at top-3."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=ROOT / "content_index.yaml")
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument("--misses", action="store_true", help="list top-3 misses (dev only)")
    args = parser.parse_args()
    languages = os.environ.get("LANGUAGES", DEFAULT_LANGUAGES).split(",")
    index = load_content_index(args.index, languages, repo_root=ROOT, check_media=False)
    matcher = Matcher(index)
    print(f"index: {args.index.name}, {len(index)} clips, languages {','.join(languages)}")
    for split in args.splits.split(","):
        path = ROOT / "tests" / "eval" / f"matcher_{split}.yaml"
        if not path.exists():
            print(f"\n{split}: {path.relative_to(ROOT)} is absent")
            continue
        report = evaluate(matcher, load_questions(path))
        print("\n" + report.table(f"{split} ({path.relative_to(ROOT)})"))
        if args.misses and split == "dev":
            for question, clips in report.misses:
                print(f"  MISS [{question.language}] {question.text!r} gold={question.topic}"
                      f" also={list(question.also)} got={list(clips)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
