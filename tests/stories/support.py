"""The real clip library and risk detector for stories, loaded once per test session."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from bot.library import ContentLibrary
from bot.risk import LexiconError, RiskDetector, load_risk_detector
from tests.core.driver import LANGUAGES, REPO
from tests.stories.story import Story, xfail_reason


@cache
def real_library() -> ContentLibrary:
    return ContentLibrary.load(REPO / "content_index.yaml", LANGUAGES, REPO)


@cache
def real_risk_detector() -> RiskDetector:
    """All six lexicons when they load; until then English, Arabic and the others that load.

    The fr/de/ru/tr lexicons are being written while the stories are; a missing or half-written
    one is left out (stories in that language are marked xfail until it arrives).
    """
    try:
        return load_risk_detector(LANGUAGES)
    except LexiconError:
        return RiskDetector(("en", "ar") + tuple(
            lang for lang in LANGUAGES if lang not in ("en", "ar") and _loads(lang)))


def _loads(language: str) -> bool:
    try:
        RiskDetector((language,))
    except LexiconError:
        return False
    return True


def story_params(stories: list[Story]) -> list[Any]:
    """One pytest param per story; a story expected to fail today is an xfail (XPASS in -ra)."""
    languages = real_risk_detector().languages
    params = []
    for story in stories:
        reason = xfail_reason(story, languages)
        marks = [pytest.mark.xfail(reason=reason, strict=False)] if reason else []
        params.append(pytest.param(story, id=story.id, marks=marks))
    return params
