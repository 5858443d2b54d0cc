"""Paths of the content test fixtures."""

from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_INDEX = FIXTURES / "content_index.yaml"
FIXTURE_LANGUAGES = ("en", "fr")
REPO_ROOT = Path(__file__).resolve().parents[2]
