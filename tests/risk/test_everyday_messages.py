"""Everyday messages (greetings, small talk, questions about the bot) are not handed off."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.risk import load_risk_detector

MESSAGES: dict[str, list[str]] = yaml.safe_load(
    (Path(__file__).with_name("everyday_messages.yaml")).read_text(encoding="utf-8"))
MAX_HANDOFF_SHARE = 0.05


@pytest.fixture(scope="module")
def handed_off() -> list[tuple[str, str, str]]:
    detector = load_risk_detector(("en", "ar", "fr", "de", "ru", "tr"))
    found = []
    for language, texts in MESSAGES.items():
        for text in texts:
            verdict = detector.assess(text, language)
            if verdict.category is not None or verdict.urgent:
                found.append((language, text, ", ".join(verdict.cues)))
    return found


def test_everyday_messages_are_not_handed_off(handed_off: list[tuple[str, str, str]]) -> None:
    total = sum(len(texts) for texts in MESSAGES.values())
    print(f"everyday messages handed off: {len(handed_off)}/{total}", handed_off)
    assert len(handed_off) <= MAX_HANDOFF_SHARE * total, handed_off


@pytest.mark.parametrize("text", ["good morning", "good night", "i am fine", "bonjour",
                                  "guten morgen", "доброе утро", "صباح الخير", "günaydın"])
def test_a_greeting_is_never_a_handoff(text: str) -> None:
    verdict = load_risk_detector(("en", "ar", "fr", "de", "ru", "tr")).assess(text, None)
    assert verdict.category is None and not verdict.urgent, verdict.cues
