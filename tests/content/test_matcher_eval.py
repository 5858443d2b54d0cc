"""Topic accuracy of the matcher on the dev and held-out test questions, real clip index."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from content_paths import REPO_ROOT

from bot.content import detect_language, load_content_index
from bot.content.evaluation import EvalReport, LabelledQuestion, evaluate, load_questions
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


def _confident_share(matcher: Matcher, questions: list[LabelledQuestion], kind: str
                     ) -> dict[str, float]:
    """Per language and "all": the confident share of off-topic messages or correct answers."""
    counts: dict[str, list[int]] = {}
    for question in questions:
        language = detect_language(question.text, question.language, matcher.index.languages)
        result = matcher.match(question.text, language)
        correct = bool(result.best) and bool(question.acceptable & set(result.best.topics))
        if kind == "offtopic" or correct:
            for key in (question.language, "all"):
                entry = counts.setdefault(key, [0, 0])
                entry[0] += result.confident
                entry[1] += 1
    return {key: confident / total for key, (confident, total) in counts.items()}


def test_off_topic_messages_are_rarely_confident(matcher: Matcher) -> None:
    """The confidence model keeps small talk, homework and emoji out of clip answers."""
    items = yaml.safe_load((REPO_ROOT / "tests" / "content" / "fixtures" / "offtopic.yaml")
                           .read_text(encoding="utf-8"))
    questions = [q for q in (LabelledQuestion(i["text"], i["lang"], "") for i in items)
                 if q.language in LANGUAGES]
    shares = _confident_share(matcher, questions, "offtopic")
    assert shares["all"] <= 0.10, shares
    assert all(share <= 0.15 for share in shares.values()), shares


def test_correct_dev_answers_are_mostly_confident(matcher: Matcher) -> None:
    shares = _confident_share(matcher, load_questions(SPLITS["dev"]), "correct")
    assert shares["all"] >= 0.85, shares


def test_correct_calibration_answers_are_mostly_confident(matcher: Matcher) -> None:
    path = REPO_ROOT / "tests" / "content" / "fixtures" / "calibration.yaml"
    shares = _confident_share(matcher, load_questions(path), "correct")
    assert shares["all"] >= 0.80, shares


def test_accented_latin_text_is_not_read_as_arabizi(matcher: Matcher) -> None:
    """An unknown Turkish verb form must not send the question to the Arabizi reader."""
    result = matcher.match("Yabancı savaşçılara nasıl davranıldı?", "tr")
    assert result.best is not None and "foreigners" in result.best.topics
