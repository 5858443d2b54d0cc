"""The risk classifier: stored weights match training, data is sound, combination rules hold."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from bot.risk import RiskDetector, load_risk_detector
from bot.risk import _detector as detector_module
from bot.risk._classifier import (
    HEADS,
    TRAINING_DIR,
    WEIGHTS_PATH,
    RiskClassifier,
    features,
    load_classifier,
    load_training,
)
from bot.risk._normalize import fold
from bot.risk.train_classifier import fresh_classifier

LABELS = {"distress", "leaving", "family", "request", "none"}
ROOT = Path(__file__).resolve().parents[2]


class _Fixed(RiskClassifier):
    """A stand-in classifier that returns fixed probabilities."""

    def __init__(self, **odds: float) -> None:
        super().__init__({}, [0.0] * len(HEADS))
        self.odds = {head: odds.get(head, 0.0) for head in HEADS}

    def probabilities(self, text: str, hints: Iterable[str] = ()) -> dict[str, float]:
        return dict(self.odds)


@lru_cache(maxsize=1)
def _lexicons_only() -> RiskDetector:
    return RiskDetector(classifier=None)


def _with(**odds: float) -> RiskDetector:
    """The packaged lexicons with a stand-in classifier (a shallow copy shares the lexicons)."""
    detector = copy.copy(_lexicons_only())
    detector._classifier = _Fixed(**odds)
    return detector


def _bar(category: str) -> float:
    return detector_module.MODEL_THRESHOLDS[category]


# --- stored weights and training data ------------------------------------------------------


def test_stored_weights_match_a_fresh_training_run() -> None:
    stored = WEIGHTS_PATH.read_text(encoding="utf-8")
    assert fresh_classifier().dumps() == stored, (
        "bot/risk/classifier_weights.txt is stale: run `python -m bot.risk.train_classifier`"
    )


def test_weights_file_is_small() -> None:
    assert WEIGHTS_PATH.stat().st_size < 5_000_000


def test_training_files_are_sound() -> None:
    per_language: Counter[str] = Counter()
    for path in sorted(TRAINING_DIR.glob("**/*.yaml")):  # a file's name is its language
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
        for row in rows:
            assert set(row) == {"text", "label", "urgent", "hostile"}, (path.name, row)
            assert row["label"] in LABELS, (path.name, row)
            assert isinstance(row["urgent"], bool) and isinstance(row["hostile"], bool)
            if row["urgent"]:
                assert row["label"] in ("distress", "leaving", "family"), (path.name, row)
        per_language[path.stem] += len(rows)
    assert set(per_language) == {"en", "ar", "fr", "de", "ru", "tr"}
    assert all(n >= 250 for n in per_language.values()), per_language
    assert sum(per_language.values()) >= 1500


def test_training_shares_no_text_with_dev_or_probes() -> None:
    training = {fold(m.text) for m in load_training()}
    for path in (ROOT / "tests/eval/risk_dev.yaml", ROOT / "tests/risk/risk_probes.yaml"):
        if path.exists():
            # a stock phrase of three words or fewer ("ты бот?") is written the same by anyone;
            # a probe may share it, the dev split may not
            shortest = 0 if path.name == "risk_dev.yaml" else 3
            rows = yaml.safe_load(path.read_text(encoding="utf-8"))
            overlap = [
                r["text"]
                for r in rows
                if fold(r["text"]) in training and len(r["text"].split()) > shortest
            ]
            assert not overlap, f"{path.name}: {overlap[:3]}"


def test_probabilities_are_probabilities() -> None:
    model = load_classifier()
    assert model is not None
    for text in ("", "   ", "x" * 5000, "i want to die", "أريد أن أموت", "\u200b\u202e"):
        odds = model.probabilities(text)
        assert set(odds) == set(HEADS)
        assert all(0.0 <= p <= 1.0 for p in odds.values())


def test_round_trip_keeps_the_weights() -> None:
    model = load_classifier()
    assert model is not None
    again = RiskClassifier.loads(model.dumps())
    assert again.probabilities("i want out of this group") == model.probabilities(
        "i want out of this group"
    )


# --- how the classifier and the lexicons combine ------------------------------------------


def test_classifier_raises_a_category_the_lexicons_missed_and_says_so() -> None:
    verdict = _with(family=0.97).assess("the weather is grey", "en")
    assert verdict.category == "family"
    assert "family/model: 0.97" in verdict.cues


def test_classifier_below_its_bar_adds_nothing() -> None:
    verdict = _with(family=_bar("family") - 0.01).assess("the weather is grey", "en")
    assert verdict.category is None and verdict.cues == ()


def test_negated_cue_vetoes_the_classifier() -> None:
    text = "I'm not thinking of killing myself, I just want to know about the prisons"
    assert _with(distress=0.99).assess(text, "en").category is None


def test_topic_question_takes_the_topic_margin() -> None:
    text = "how did people escape?"
    topic_bar = _bar("leaving") + detector_module.MODEL_TOPIC_MARGIN
    assert _with(leaving=topic_bar - 0.01).assess(text, "en").category is None
    assert _with(leaving=min(0.999, topic_bar + 0.01)).assess(text, "en").category == "leaving"


def test_hostility_alone_needs_a_higher_bar() -> None:
    text = "shut up you traitors, the state remains"
    assert load_risk_detector().assess(text, "en").hostile
    just_above = _bar("distress") + detector_module.MODEL_HOSTILE_MARGIN / 2
    assert _with(distress=just_above).assess(text, "en").category is None


def test_classifier_can_raise_priority_over_a_lexicon_category() -> None:
    text = "put me through to a counsellor please"
    assert _with(request=0.9).assess(text, "en").category == "request"
    override_bar = _bar("leaving") + detector_module.MODEL_OVERRIDE_MARGIN
    raised = _with(request=0.9, leaving=min(0.999, override_bar + 0.01)).assess(text, "en")
    assert raised.category == ("leaving" if override_bar < 0.999 else "request")
    kept = _with(request=0.9, leaving=override_bar - 0.01).assess(text, "en")
    assert kept.category == "request"


def _veto(category: str) -> float:
    return detector_module.MODEL_VETO[category]


def test_classifier_veto_drops_a_weak_lexicon_category_and_says_so() -> None:
    text = "put me through to a counsellor please"
    assert _with(request=0.9).assess(text, "en").category == "request"
    if _veto("request") > 0:
        verdict = _with(request=_veto("request") / 2).assess(text, "en")
        assert verdict.category is None
        assert any(cue.startswith("request/model veto: ") for cue in verdict.cues)


def test_classifier_never_vetoes_a_firm_distress_cue() -> None:
    text = "I want to kill myself"
    assert _with(distress=0.0).assess(text, "en").category == "distress"


def test_lexicon_hints_reach_the_classifier() -> None:
    detector = _lexicons_only()
    verdict = detector._lexicon_verdict("how did people die in the suicide attacks?", "en")
    assert verdict is not None and "info" in detector.lexicon_hints(verdict)
    verdict = detector._lexicon_verdict("I want to kill myself", "en")
    assert verdict is not None and "cat distress" in detector.lexicon_hints(verdict)
    assert features("x", ["info"]) != features("x")


@pytest.mark.parametrize(
    ("written", "native"),
    [
        ("ya ne hochu zhit", "я не хочу жить"),  # Latin-script Russian
        ("ich bin so muede", "ich bin so müde"),  # umlaut written out
    ],
)
def test_transliteration_shares_features(written: str, native: str) -> None:
    shared = set(features(written)) & set(features(native))
    assert len(shared) >= len(set(features(native))) // 3


def test_urgent_from_the_classifier_needs_a_category() -> None:
    assert not _with(urgent=0.99).assess("the weather is grey", "en").urgent
    verdict = _with(urgent=0.99, leaving=0.99).assess("the weather is grey", "en")
    assert verdict.category == "leaving" and verdict.urgent
    assert any(cue.startswith("urgent/model: ") for cue in verdict.cues)
    assert not _with(urgent=0.99, request=0.99).assess("the weather", "en").urgent


def test_detector_without_classifier_is_the_lexicon_detector() -> None:
    plain = _lexicons_only()
    assert plain.assess("the weather is grey", "en").category is None
    assert plain.assess("I want to die", "en").category == "distress"


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("en", "what did the fighters eat for breakfast", None),
        ("de", "wie war das leben der frauen dort", None),
        ("fr", "merci pour la vidéo", None),
    ],
)
def test_packaged_detector_leaves_plain_questions_alone(
    language: str, text: str, expected: str | None
) -> None:
    assert load_risk_detector().assess(text, language).category == expected


def test_classifier_alone_needs_a_few_words_except_for_distress() -> None:
    short = "ok then"
    assert _with(request=0.99, leaving=0.99, family=0.99).assess(short, "en").category is None
    assert _with(distress=0.99).assess(short, "en").category == "distress"
    longer = "ok then what now"
    assert _with(request=0.99).assess(longer, "en").category == "request"
