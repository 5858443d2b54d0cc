"""Fixtures for the content tests: the small two-language fixture index and its matcher."""

from __future__ import annotations

import pytest
from content_paths import FIXTURE_INDEX, FIXTURE_LANGUAGES

from bot.content import ContentIndex, load_content_index
from bot.content.matcher import Matcher


@pytest.fixture(scope="session")
def fixture_index() -> ContentIndex:
    return load_content_index(FIXTURE_INDEX, FIXTURE_LANGUAGES)


@pytest.fixture(scope="session")
def fixture_matcher(fixture_index: ContentIndex) -> Matcher:
    return Matcher(fixture_index)
