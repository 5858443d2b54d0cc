"""Print the matcher's topic accuracy and confidence on the dev and test sets, separately.

Confidence table: the share of questions whose best clip is confident, among those answered
correctly (top-1 on a gold topic: should be high), answered wrongly (should be low), and
off-topic messages from tests/content/fixtures/offtopic.yaml (should be low). ``--fit`` refits
the confidence model (bot/content/_confidence.py) on dev + the calibration and off-topic
fixtures, cross-validated; it never reads the test split.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content import detect_language, load_content_index  # noqa: E402
from bot.content._confidence import FEATURE_NAMES, THRESHOLD, probability  # noqa: E402
from bot.content.evaluation import LabelledQuestion, evaluate, load_questions  # noqa: E402
from bot.content.matcher import Matcher  # noqa: E402

DEFAULT_LANGUAGES = "en,ar,fr,de,ru,tr"
FIXTURES = ROOT / "tests" / "content" / "fixtures"
OFFTOPIC = FIXTURES / "offtopic.yaml"
CALIBRATION = FIXTURES / "calibration.yaml"


@dataclass
class Sample:
    """One message: language, kind (correct / wrong / offtopic), features, confident."""

    language: str
    kind: str
    vector: tuple[float, ...] | None
    confident: bool
    text: str = ""


@dataclass
class ConfidenceTally:
    """Confident counts per kind of message."""

    counts: dict[str, list[int]] = field(default_factory=dict)  # kind -> [confident, total]

    def add(self, kind: str, confident: bool) -> None:
        entry = self.counts.setdefault(kind, [0, 0])
        entry[0] += confident
        entry[1] += 1

    def cell(self, kind: str) -> str:
        confident, total = self.counts.get(kind, [0, 0])
        return f"{confident / total:6.2f} ({confident:>3}/{total:<3})" if total else f"{'-':>15}"


def load_offtopic(path: Path = OFFTOPIC) -> list[LabelledQuestion]:
    """Off-topic messages as questions without a gold topic."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [LabelledQuestion(str(item["text"]), str(item["lang"]), "") for item in items]


def samples(matcher: Matcher, questions: Sequence[LabelledQuestion]) -> list[Sample]:
    """Run every question; off-topic ones have no gold topic."""
    found: list[Sample] = []
    for question in questions:
        language = detect_language(question.text, question.language, matcher.index.languages)
        result, vector = matcher._search(question.text, language, (), 3)  # noqa: SLF001
        if not question.topic:
            kind = "offtopic"
        elif result.best and question.acceptable & set(result.best.topics):
            kind = "correct"
        else:
            kind = "wrong"
        found.append(Sample(question.language, kind, vector, result.confident, question.text))
    return found


def confidence_table(title: str, found: Sequence[Sample],
                     decide: dict[int, bool] | None = None) -> str:
    """Per language: confident-rate on correct answers, wrong answers and off-topic."""
    by_language: dict[str, ConfidenceTally] = {}
    overall = ConfidenceTally()
    for n, sample in enumerate(found):
        confident = decide[n] if decide is not None else sample.confident
        for tally in (overall, by_language.setdefault(sample.language, ConfidenceTally())):
            tally.add(sample.kind, confident)
    rows = [title, f"{'lang':<6}{'confident|correct':>18}{'confident|wrong':>18}"
                   f"{'confident|off-topic':>20}"]
    for name, tally in [*sorted(by_language.items()), ("all", overall)]:
        rows.append(f"{name:<6}  {tally.cell('correct')} {tally.cell('wrong')}"
                    f"    {tally.cell('offtopic')}")
    return "\n".join(rows)


# --- fitting ---------------------------------------------------------------------------------

def _standardise(rows: list[tuple[float, ...]]) -> tuple[list[float], list[float]]:
    width = len(rows[0])
    means = [sum(r[i] for r in rows) / len(rows) for i in range(width)]
    spreads = [math.sqrt(sum((r[i] - means[i]) ** 2 for r in rows) / len(rows)) or 1.0
               for i in range(width)]
    return means, spreads


def fit_logistic(rows: list[tuple[float, ...]], labels: list[int], l2: float = 0.01,
                 steps: int = 1500, rate: float = 0.5) -> list[float]:
    """L2-regularised logistic regression by gradient descent; weights on raw features."""
    means, spreads = _standardise(rows)
    xs = [[(v - m) / s for v, m, s in zip(r, means, spreads, strict=True)] for r in rows]
    width = len(xs[0])
    w = [0.0] * (width + 1)
    n = len(xs)
    for _ in range(steps):
        grad = [0.0] * (width + 1)
        for x, y in zip(xs, labels, strict=True):
            z = w[0] + sum(wi * xi for wi, xi in zip(w[1:], x, strict=True))
            error = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - y
            grad[0] += error
            for i, xi in enumerate(x):
                grad[i + 1] += error * xi
        w[0] -= rate * grad[0] / n
        for i in range(width):
            w[i + 1] -= rate * (grad[i + 1] / n + l2 * w[i + 1])
    raw = [w[i + 1] / spreads[i] for i in range(width)]
    return [w[0] - sum(r * m for r, m in zip(raw, means, strict=True)), *raw]


def _rates(found: Sequence[Sample], decide: Sequence[bool]) -> dict[str, float]:
    rates: dict[str, float] = {}
    for kind in ("correct", "wrong", "offtopic"):
        picked = [d for s, d in zip(found, decide, strict=True) if s.kind == kind]
        rates[kind] = sum(picked) / len(picked) if picked else 0.0
    return rates


def fit(found: list[Sample], folds: int = 5, seed: int = 1, l2: float = 0.01) -> None:
    """Cross-validated fit; prints the held-out confidence table and the final weights.
    Messages without features (nothing indexed) are never confident and stay in the rates."""
    usable = found
    order = list(range(len(usable)))
    random.Random(seed).shuffle(order)
    held_out: dict[int, float] = {}
    for fold in range(folds):
        test = set(order[fold::folds])
        train = [usable[i] for i in range(len(usable))
                 if i not in test and usable[i].vector is not None]
        weights = fit_logistic([s.vector for s in train],  # type: ignore[misc]
                               [int(s.kind == "correct") for s in train], l2)
        for i in test:
            vector = usable[i].vector
            held_out[i] = probability(vector, weights) if vector is not None else 0.0
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        decide = [held_out[i] >= threshold for i in range(len(usable))]
        rates = _rates(usable, decide)
        print(f"cv threshold {threshold:.2f}: " + "  ".join(
            f"{k} {v:.3f}" for k, v in rates.items()))
    decide_map = {n: held_out[n] >= THRESHOLD for n in range(len(usable))}
    print(confidence_table(f"\ncross-validated, threshold {THRESHOLD}", usable, decide_map))
    trained = [s for s in usable if s.vector is not None]
    weights = fit_logistic([s.vector for s in trained],  # type: ignore[misc]
                           [int(s.kind == "correct") for s in trained], l2)
    print("\n_WEIGHTS = (")
    print(f"    {weights[0]:+.4f},  # intercept")
    for name, value in zip(FEATURE_NAMES, weights[1:], strict=True):
        print(f"    {value:+.4f},  # {name}")
    print(")")


def main() -> int:
    """Evaluate on each split that exists; ``--misses`` lists the questions missed at top-3."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=ROOT / "content_index.yaml")
    parser.add_argument("--splits", default="dev,test")
    parser.add_argument("--misses", action="store_true", help="list top-3 misses (dev only)")
    parser.add_argument("--fit", action="store_true",
                        help="refit the confidence model on dev + fixtures and print it")
    parser.add_argument("--l2", type=float, default=0.03, help="regularisation of --fit")
    parser.add_argument("--dump", action="store_true", help="print features (dev, fixtures)")
    args = parser.parse_args()
    languages = os.environ.get("LANGUAGES", DEFAULT_LANGUAGES).split(",")
    index = load_content_index(args.index, languages, repo_root=ROOT, check_media=False)
    matcher = Matcher(index)
    print(f"index: {args.index.name}, {len(index)} clips, languages {','.join(languages)}")
    offtopic = [q for q in load_offtopic() if q.language in languages]
    if args.fit or args.dump:
        dev = load_questions(ROOT / "tests" / "eval" / "matcher_dev.yaml")
        found = samples(matcher, [*dev, *load_questions(CALIBRATION), *offtopic])
        found = [s for s in found if s.language in languages]
        if args.dump:
            for s in found:
                vector = " ".join(f"{v:.2f}" for v in s.vector or ())
                print(f"{s.kind:<9}{s.language} {int(s.confident)} [{vector}] {s.text!r}")
        if args.fit:
            fit(found, l2=args.l2)
        return 0
    for split in args.splits.split(","):
        path = ROOT / "tests" / "eval" / f"matcher_{split}.yaml"
        if not path.exists():
            print(f"\n{split}: {path.relative_to(ROOT)} is absent")
            continue
        questions = load_questions(path)
        report = evaluate(matcher, questions)
        print("\n" + report.table(f"{split} ({path.relative_to(ROOT)})"))
        print("\n" + confidence_table(f"{split}: confident rate (off-topic: fixture)",
                                      samples(matcher, [*questions, *offtopic])))
        if args.misses and split == "dev":
            for question, clips in report.misses:
                print(f"  MISS [{question.language}] {question.text!r} gold={question.topic}"
                      f" also={list(question.also)} got={list(clips)}")
    calibration = load_questions(CALIBRATION)
    print("\n" + confidence_table("calibration fixture: confident rate",
                                  samples(matcher, calibration)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
