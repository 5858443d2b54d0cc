"""The story format and checks (bot.flows.stories) as the two pytest runners use them.

A runner (the core one in tests/core/test_stories.py, the emulator one in
tests/e2e/test_stories_e2e.py) performs each step and describes what the bot sent back as a
``Reply``; ``step_failure`` then compares it with the step's ``expect``. See README.md here.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.flows import stories
from bot.flows.stories import (
    Reply,
    Step,
    Story,
    StoryError,
    button_labels,
    check_expect,
    load_story,
    step_failure,
    story_report,
    xfail_reason,
)

__all__ = [
    "STORIES_DIR", "Reply", "Step", "Story", "StoryError", "all_stories", "button_labels",
    "check_expect", "fail_story", "load_story", "step_failure", "xfail_reason",
]

STORIES_DIR = Path(__file__).resolve().parent


def all_stories(directory: Path = STORIES_DIR) -> list[Story]:
    return stories.all_stories(directory)


def fail_story(story: Story, failures: Sequence[str], where: str = "") -> None:
    report = story_report(story, failures, where)
    if report:
        pytest.fail(report, pytrace=False)
