"""Topic accuracy of the matcher on the dev and held-out test questions, real clip index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from content_paths import REPO_ROOT

from bot.content import load_content_index
from bot.content.evaluation import EvalReport, evaluate, load_questions
from bot.content.matcher import Matcher

INDEX = REPO_ROOT / "content_index.yaml"
SPLITS = {split: REPO_ROOT / "tests" / "eval" / f"matcher_{split}.yaml"
          for split in ("dev", "test")}
LANGUAGES = os.environ.get("LANGUAGES", "en,ar,fr,de,ru,tr").split(",")
MIN_TOP3_OVERALL = 0.85
MIN_TOP3_PER_LANGUAGE = 0.75


def _missing() -> list[str]:
    return [str(p.relative_to(REPO_ROOT)) for p in (INDEX, *SPLITS.values()) if not p.exists()]


pytestmark = pytest.mark.skipif(bool(_missing()), reason=f"evaluation needs {_missing()}")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    index = load_content_index(INDEX, LANGUAGES, repo_root=REPO_ROOT, check_media=False)
    return Matcher(index)


def _check(report: EvalReport, split: str, path: Path) -> None:
    print("\n" + report.table(f"{split} ({path.name})"))
    assert report.overall.share(report.overall.top3) >= MIN_TOP3_OVERALL
    for language, tally in report.by_language.items():
        assert tally.share(tally.top3) >= MIN_TOP3_PER_LANGUAGE, language


@pytest.mark.parametrize("split", sorted(SPLITS))
def test_topic_accuracy(matcher: Matcher, split: str) -> None:
    path = SPLITS[split]
    _check(evaluate(matcher, load_questions(path)), split, path)


def test_both_splits_together(matcher: Matcher) -> None:
    questions = [q for path in SPLITS.values() for q in load_questions(path)]
    _check(evaluate(matcher, questions), "dev+test", INDEX)
