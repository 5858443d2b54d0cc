"""Plain data classes a loaded dialog set is made of (flows, states, transitions, strings)."""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

INTENTS = ("urgent", "distress", "leaving", "family", "request")
TRIGGER_KINDS = ("text", "media", "timeout")
BUTTON_ID_MAX = 20


@dataclass(frozen=True)
class ActionSpec:
    """One entry of a `do:` list: a vocabulary name and its optional argument."""

    name: str
    arg: Any = None


@dataclass(frozen=True)
class TransitionSpec:
    trigger: str
    actions: tuple[ActionSpec, ...] = ()
    target: str | None = None
    when: str | None = None
    after: str | float | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class ButtonSpec:
    id: str
    text: str
    line: int = 0


@dataclass(frozen=True)
class StateSpec:
    flow: str
    name: str
    say: tuple[str, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
    buttons: tuple[tuple[ButtonSpec, ...], ...] = ()
    on: tuple[TransitionSpec, ...] = ()
    next: str | None = None
    checkpoint: bool = False
    system: bool = False
    file: str = ""
    line: int = 0

    @property
    def qualified(self) -> str:
        return f"{self.flow}.{self.name}"

    def timeout(self) -> TransitionSpec | None:
        return next((t for t in self.on if t.trigger == "timeout"), None)


class _SafeFormat(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@dataclass(frozen=True)
class Strings:
    """User-facing texts per language, flattened to dotted keys; English is the fallback."""

    by_language: Mapping[str, Mapping[str, str]]
    fallback: str = "en"

    def get(self, key: str, language: str, **params: Any) -> str:
        table = self.by_language.get(language, {})
        template = table.get(key)
        if template is None:
            template = self.by_language.get(self.fallback, {}).get(key, key)
        if not params:
            return template
        return template.format_map(_SafeFormat(params))

    def has(self, key: str) -> bool:
        return key in self.by_language.get(self.fallback, {})


@dataclass(frozen=True)
class Helpline:
    id: str
    name: str
    contact: str
    hours: str
    kind: str
    source: str


@dataclass(frozen=True)
class Helplines:
    lines: Mapping[str, Helpline]
    by_language: Mapping[str, tuple[str, ...]]
    default: tuple[str, ...]
    international_name: str = ""
    international_url: str = ""

    def for_language(self, language: str) -> list[Helpline]:
        ids = self.by_language.get(language) or self.default
        return [self.lines[i] for i in ids if i in self.lines]


@dataclass(frozen=True)
class DialogSet:
    """One immutable, validated version of everything under dialogs/."""

    version: str
    states: Mapping[str, StateSpec]
    initials: Mapping[str, str]
    global_on: tuple[TransitionSpec, ...]
    strings: Strings
    helplines: Helplines
    sources: Mapping[str, str] = field(default_factory=dict)

    def state(self, qualified: str) -> StateSpec:
        return self.states[qualified]

    def entry(self, flow: str) -> str:
        return f"{flow}.{self.initials[flow]}"

    def resolve(self, target: str, current_flow: str) -> str:
        """A target is `state` (same flow), `flow.state`, or `flow` (its initial state)."""
        if "." in target:
            return target
        if f"{current_flow}.{target}" in self.states:
            return f"{current_flow}.{target}"
        if target in self.initials:
            return self.entry(target)
        return f"{current_flow}.{target}"
