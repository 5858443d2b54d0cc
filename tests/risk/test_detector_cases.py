"""Clear cases per category and language: negation, third person, topic questions, typos."""

from __future__ import annotations

from functools import lru_cache

import pytest

from bot.risk import RiskDetector, load_risk_detector


@lru_cache(maxsize=1)
def detector() -> RiskDetector:
    return load_risk_detector()


CASES: list[tuple[str, str, str | None]] = [
    # distress
    ("en", "I want to die", "distress"),
    ("en", "I don't want to live anymore", "distress"),
    ("en", "I can't go on", "distress"),
    ("en", "honestly everyone would be better off if i was gone", "distress"),
    ("en", "im thinking about ending my life", "distress"),
    ("ar", "أريد أن أموت", "distress"),
    ("ar", "ما بدي عيش", "distress"),
    ("ar", "مش عايز اعيش خلاص", "distress"),
    ("ar", "bde mout", "distress"),
    ("fr", "je veux mourir", "distress"),
    ("fr", "je n'en peux plus, je veux en finir", "distress"),
    ("de", "ich will nicht mehr leben", "distress"),
    ("de", "ich moechte sterben", "distress"),
    ("ru", "я не хочу больше жить", "distress"),
    ("ru", "ya hochu umeret", "distress"),
    ("tr", "ölmek istiyorum", "distress"),
    ("tr", "artik yasamak istemiyorum", "distress"),
    # leaving
    ("en", "I want to escape", "leaving"),
    ("en", "how can I go back home?", "leaving"),
    ("en", "how do i stop talking to my recruiter", "leaving"),
    ("ar", "بدي ارجع على بلدي", "leaving"),
    ("ar", "كيف اطلع منهم؟", "leaving"),
    ("fr", "je veux quitter ce groupe", "leaving"),
    ("de", "ich will da raus", "leaving"),
    ("ru", "хочу вернуться домой", "leaving"),
    ("tr", "bu gruptan nasil cikarim", "leaving"),
    # family
    ("en", "my son keeps watching their videos and talks about hijra", "family"),
    ("en", "I'm worried about my sister, she talks to a recruiter", "family"),
    ("ar", "ابني بدو يسافر على سوريا", "family"),
    ("fr", "ma fille s'est radicalisée, que faire ?", "family"),
    ("de", "mein bruder will nach syrien", "family"),
    ("ru", "мой сын хочет уехать в сирию", "family"),
    ("tr", "oğlum işid videoları izliyor", "family"),
    # request
    ("en", "can I talk to a real person please", "request"),
    ("en", "are you a bot?", "request"),
    ("ar", "بدي احكي مع شخص حقيقي", "request"),
    ("fr", "je voudrais parler à un conseiller", "request"),
    ("de", "kann ich mit einem menschen sprechen", "request"),
    ("ru", "можно поговорить с человеком?", "request"),
    ("tr", "gerçek bir insanla konuşmak istiyorum", "request"),
    # none: negation, topic questions, third person
    ("en", "I'm not suicidal, just curious", None),
    ("en", "how did people escape?", None),
    ("en", "what happens to people who go back home?", None),
    ("en", "why did so many kill themselves?", None),
    ("en", "what happened to the women and children in the camps?", None),
    ("en", "did fighters get paid a salary?", None),
    ("ar", "كيف كانت حياة النساء في الرقة؟", None),
    ("fr", "pourquoi tant de combattants sont morts ?", None),
    ("de", "wie sind die leute geflohen?", None),
    ("ru", "как жили женщины в халифате?", None),
    ("tr", "kadınlar orada nasıl yaşıyordu?", None),
    ("tr", "intiharı düşünmüyorum, sadece merak ediyorum", None),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_category(language: str, text: str, expected: str | None) -> None:
    verdict = detector().assess(text, language)
    assert verdict.category == expected, verdict.cues
    assert verdict.handoff is (expected is not None)


@pytest.mark.parametrize(
    "text",
    [
        "i wanna kil myslef",  # typos
        "pleeease i want to dieee",  # letter repetition
        "I WANT TO DIE",  # case
        "im suicdal",  # edit distance one
    ],
)
def test_spelling_variants_still_distress(text: str) -> None:
    assert detector().assess(text).category == "distress"


@pytest.mark.parametrize(
    "text",
    [
        "أُرِيدُ أَنْ أَمُوتَ",  # harakat
        "اريـــد ان اموت",  # tatweel
        "إني أريد أن أنتحر",  # hamza forms
        "ارید ان اموت",  # Persian yeh
    ],
)
def test_arabic_normalisation(text: str) -> None:
    assert detector().assess(text, "ar").category == "distress"


def test_language_hint_is_not_required() -> None:
    assert detector().assess("je veux mourir", "en").category == "distress"
    assert detector().assess("ich will sterben").category == "distress"


def test_priority_distress_over_leaving() -> None:
    verdict = detector().assess("I want to leave the group and I want to die")
    assert verdict.category == "distress"
    assert any(cue.startswith("leaving/") for cue in verdict.cues)


@pytest.mark.parametrize(
    "text",
    [
        "I have the pills and I will take them tonight",
        "im on the roof right now",
        "my brother booked a flight to istanbul for tomorrow to join them",
    ],
)
def test_urgent(text: str) -> None:
    verdict = detector().assess(text)
    assert verdict.handoff and verdict.urgent, verdict.cues


def test_hostile_alone_is_not_a_handoff() -> None:
    verdict = detector().assess("you kuffar will burn in hell, the caliphate will return")
    assert verdict.hostile and not verdict.handoff


def test_hostile_with_distress_is_still_handed_off() -> None:
    verdict = detector().assess("screw you stupid bot, i want to kill myself tonight")
    assert verdict.category == "distress" and verdict.urgent


def test_cues_explain_the_decision() -> None:
    verdict = detector().assess("I want to die")
    assert verdict.cues and verdict.cues[0].startswith("distress/en:")
    assert verdict.scores["distress"] >= 1.0
