"""Conversation stories: the YAML format, its loader, and the checks shared by both runners.

A runner (the core one in tests/core/test_stories.py, the emulator one in
tests/e2e/test_stories_e2e.py) performs each step and describes what the bot sent back as a
``Reply``; ``check_expect`` then compares it with the step's ``expect``. See README.md here.
"""

from __future__ import annotations

import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.core.state import UserState
from bot.flows import DialogSet

STORIES_DIR = Path(__file__).resolve().parent
ACTION_KEYS = ("send", "press", "media", "counselor", "wait")
EXPECT_KEYS = {
    "state", "text_contains", "text_not_contains", "clip", "buttons_include", "helplines",
    "case", "nothing_sent", "desk_contains",
}
COUNSELOR_KEYS = {"take", "write", "close"}


class StoryError(Exception):
    """A story file is malformed (the message names the file and step)."""


@dataclass(frozen=True)
class Step:
    index: int
    action: str  # one of ACTION_KEYS
    value: Any
    expect: dict[str, Any]

    def describe(self) -> str:
        return f"step {self.index + 1} ({self.action}: {self.value!r})"


@dataclass(frozen=True)
class Story:
    path: Path
    name: str
    language_code: str
    steps: tuple[Step, ...]
    e2e: bool = False
    xfail: str | None = None
    needs_lexicon: str | None = None  # xfail while this risk lexicon is missing

    @property
    def id(self) -> str:
        return self.path.stem


@dataclass
class Reply:
    """What the bot sent in answer to one step, as seen by the user (and the desk)."""

    texts: list[str] = field(default_factory=list)  # texts and clip captions, in order
    messages: list[tuple[str, bool]] = field(default_factory=list)  # (text, has buttons)
    clips: list[tuple[str, ...]] = field(default_factory=list)  # topics of each clip sent
    buttons: list[str] = field(default_factory=list)  # every button label, in order
    cases: list[bool] = field(default_factory=list)  # one entry per case opened: urgent?
    desk_texts: list[str] = field(default_factory=list)  # posted in the counselors' group

    @property
    def empty(self) -> bool:
        return not self.messages and not self.clips


def load_story(path: Path) -> Story:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise StoryError(f"{path.name}: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list):
        raise StoryError(f"{path.name}: a story needs `name`, `language_code` and `steps`")
    unknown = set(data) - {"name", "language_code", "e2e", "xfail", "needs_lexicon",
                           "steps"}
    if unknown:
        raise StoryError(f"{path.name}: unknown keys {sorted(unknown)}")
    steps: list[Step] = []
    for index, raw in enumerate(data["steps"]):
        where = f"{path.name}: step {index + 1}"
        if not isinstance(raw, dict):
            raise StoryError(f"{where}: a step is a mapping")
        actions = [k for k in ACTION_KEYS if k in raw]
        if len(actions) != 1 or set(raw) - set(ACTION_KEYS) - {"expect"}:
            raise StoryError(f"{where}: one of {ACTION_KEYS} plus an optional `expect`")
        expect = raw.get("expect") or {}
        if not isinstance(expect, dict) or set(expect) - EXPECT_KEYS:
            raise StoryError(f"{where}: unknown expectation {sorted(set(expect) - EXPECT_KEYS)}")
        value = raw[actions[0]]
        if actions[0] == "counselor" and (not isinstance(value, dict)
                                          or set(value) - COUNSELOR_KEYS):
            raise StoryError(f"{where}: counselor takes {sorted(COUNSELOR_KEYS)}")
        steps.append(Step(index, actions[0], value, expect))
    return Story(path, str(data.get("name") or path.stem), str(data.get("language_code", "en")),
                 tuple(steps), bool(data.get("e2e", False)), data.get("xfail"),
                 data.get("needs_lexicon"))


def all_stories(directory: Path = STORIES_DIR) -> list[Story]:
    return [load_story(p) for p in sorted(directory.glob("*.yaml"))]


def xfail_reason(story: Story, risk_languages: Sequence[str]) -> str | None:
    """Why the story is expected to fail today (None when it must pass)."""
    if story.xfail:
        return story.xfail
    if story.needs_lexicon and story.needs_lexicon not in risk_languages:
        return (f"no {story.needs_lexicon!r} risk lexicon yet (bot/risk/lexicons/"
                f"{story.needs_lexicon}.yaml missing or not loading)")
    return None


# -- resolving string keys -----------------------------------------------------------------
def literal_parts(template: str) -> list[str]:
    """The fixed fragments of a template (placeholders removed), longest first."""
    parts = [lit.strip() for lit, _, _, _ in string.Formatter().parse(template)]
    return sorted((p for p in parts if p), key=len, reverse=True)


def resolve_text(dialogs: DialogSet, item: Any, language: str) -> str:
    """A literal string, or {key: ...} resolved in ``language`` (its longest fixed part)."""
    if isinstance(item, dict) and "key" in item:
        key = item["key"]
        if not dialogs.strings.has(key):
            raise StoryError(f"unknown string key {key!r}")
        parts = literal_parts(dialogs.strings.get(key, language))
        return parts[0] if parts else ""
    return str(item)


def button_labels(dialogs: DialogSet, item: Any, language: str) -> list[str]:
    """Candidate labels for a button: the key's label in ``language`` first, then others."""
    if isinstance(item, dict) and "key" in item:
        key = item["key"]
        if not dialogs.strings.has(key):
            raise StoryError(f"unknown string key {key!r}")
        first = dialogs.strings.get(key, language)
        others = [dialogs.strings.get(key, lang) for lang in dialogs.strings.by_language]
        return [first] + [o for o in others if o != first]
    if isinstance(item, dict) and "label" in item:
        return [str(item["label"])]
    return [str(item)]


def helpline_numbers(dialogs: DialogSet, language: str) -> list[str]:
    return [line.contact for line in dialogs.helplines.for_language(language)]


# -- checking ------------------------------------------------------------------------------
def check_expect(step: Step, reply: Reply, dialogs: DialogSet, language: str,
                 state: str | None) -> list[str]:
    """Every way ``reply`` (and the user's ``state``) misses ``step.expect``; [] when met."""
    expect, problems = step.expect, []
    joined = "\n".join(reply.texts)
    if "state" in expect and state != expect["state"]:
        problems.append(f"state is {state!r}, expected {expect['state']!r}")
    for item in _as_list(expect.get("text_contains")):
        text = resolve_text(dialogs, item, language)
        if text not in joined:
            problems.append(f"no text contains {text!r}")
    for item in _as_list(expect.get("text_not_contains")):
        text = resolve_text(dialogs, item, language)
        if text in joined:
            problems.append(f"a text contains {text!r}, which it should not")
    if "clip" in expect:
        want = expect["clip"]
        if want is False and reply.clips:
            problems.append(f"a clip was sent ({len(reply.clips)}), expected none")
        elif want is True and not reply.clips:
            problems.append("no clip was sent")
        elif isinstance(want, str) and not any(want in topics for topics in reply.clips):
            problems.append(f"no clip of topic {want!r} was sent (topics: {reply.clips})")
    for item in _as_list(expect.get("buttons_include")):
        labels = button_labels(dialogs, item, language)
        if labels[0] not in reply.buttons:
            problems.append(f"no button {labels[0]!r} (buttons: {reply.buttons})")
    if "helplines" in expect:
        problems += _check_helplines(expect["helplines"], reply, dialogs, language)
    if "case" in expect:
        want = expect["case"]
        if want is False and reply.cases:
            problems.append("a case was opened, expected none")
        elif want in (True, "normal", "urgent") and not reply.cases:
            problems.append("no case was opened")
        elif want == "urgent" and not all(reply.cases):
            problems.append("the case is not urgent")
        elif want == "normal" and any(reply.cases):
            problems.append("the case is urgent, expected a normal one")
    if expect.get("nothing_sent") and not reply.empty:
        problems.append(f"expected silence, got {reply.texts}")
    desk = "\n".join(reply.desk_texts)
    for item in _as_list(expect.get("desk_contains")):
        if str(item) not in desk:
            problems.append(f"nothing in the counselors' group contains {item!r}")
    return problems


def _check_helplines(want: Any, reply: Reply, dialogs: DialogSet, language: str) -> list[str]:
    numbers = helpline_numbers(dialogs, language)
    hits = [i for i, (text, _) in enumerate(reply.messages) if any(n in text for n in numbers)]
    if want is False:
        return [f"helplines were sent: {numbers}"] if hits else []
    if not hits:
        return [f"no helpline number for {language!r} ({numbers}) was sent"]
    if want == "first":
        offers = [i for i, (_, has_buttons) in enumerate(reply.messages) if has_buttons]
        if offers and offers[0] < hits[0]:
            return ["a message with buttons came before the helplines"]
    return []


def _as_list(value: Any) -> Sequence[Any]:
    if value is None:
        return ()
    return value if isinstance(value, list) else [value]


def step_failure(story: Story, step: Step, reply: Reply, dialogs: DialogSet,
                 user: UserState | None) -> str | None:
    """The step's unmet expectations as one report entry (None when all are met)."""
    language = user.language if user else story.language_code
    problems = check_expect(step, reply, dialogs, language, user.state if user else None)
    if not problems:
        return None
    return (f"{step.describe()}: " + "; ".join(problems)
            + f"\n    bot said: {reply.texts}\n    buttons: {reply.buttons}")


def fail_story(story: Story, failures: Sequence[str], where: str = "") -> None:
    if failures:
        pytest.fail(f"story {story.id!r} ({story.name}){where}:\n  " + "\n  ".join(failures),
                    pytrace=False)
