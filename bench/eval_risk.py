"""Print the risk detector's precision/recall tables for the dev and held-out test eval sets."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.risk import RiskDetector, load_risk_detector  # noqa: E402
from bot.risk.evaluation import evaluate, load_messages  # noqa: E402

EVAL_DIR = ROOT / "tests" / "eval"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list dev mistakes (never test)")
    parser.add_argument(
        "--splits", default="dev,test,test2", help="comma-separated: dev,test,test2"
    )
    parser.add_argument(
        "--lexicons-only", action="store_true", help="without the classifier (for comparison)"
    )
    args = parser.parse_args()
    detector = RiskDetector(classifier=None) if args.lexicons_only else load_risk_detector()
    for split in args.splits.split(","):
        path = EVAL_DIR / f"risk_{split}.yaml"
        if not path.exists():
            print(f"== {split}: {path} missing\n")
            continue
        report = evaluate(detector, load_messages(path))
        print(f"== {split} ({path.relative_to(ROOT)})")
        print(report.table())
        if args.errors and split == "dev":
            for o in report.errors():
                print(
                    f"  [{o.item.lang} {o.item.kind}] gold={o.item.label}/u={o.item.urgent} "
                    f"got={o.predicted}/u={o.urgent} {o.item.text!r} {list(o.cues)}"
                )
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
