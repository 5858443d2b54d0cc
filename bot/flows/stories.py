"""Conversation stories (tests/stories/*.yaml): the format, the checks, and a core runner."""

from __future__ import annotations

import asyncio
import itertools
import string
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core import (
    Action,
    CopyMessage,
    CounselorButton,
    CounselorCommand,
    CounselorMessage,
    CounselorRef,
    DeskConfig,
    Engine,
    Event,
    Library,
    OpenCaseTopic,
    RiskAssessor,
    SendClip,
    SendText,
    Tick,
    UserButton,
    UserCommand,
    UserMedia,
    UserRef,
    UserState,
    UserText,
)
from bot.core.hours import parse_hours
from bot.core.memory_ports import memory_ports
from bot.crypto import Crypto
from bot.errors import TestimonyBotError
from bot.flows.model import DialogSet

DEFAULT_DIR = Path("tests/stories")  # relative to the current directory, like the test suite
ACTION_KEYS = ("send", "press", "media", "counselor", "wait")
EXPECT_KEYS = {
    "state", "text_contains", "text_not_contains", "clip", "buttons_include", "helplines",
    "case", "nothing_sent", "desk_contains",
}
COUNSELOR_KEYS = {"take", "write", "close"}
DESK_CHAT = -1001
DESK_WAIT_S = 300.0  # the stories' waiting-room timeout (25_waiting_timeout waits past it)
STEP_SECONDS = 5.0  # the story clock moves between steps, so flood control stays out of it
FIRST_USER_ID = 5000  # story i plays as user FIRST_USER_ID + i
COUNSELOR_ID, COUNSELOR_NAME = 7001, "Sara"
SIGNING_SECRET = "story-secret-key-0123456789"


class StoryError(TestimonyBotError):
    """A story file is malformed or cannot be played (the message names the file or step)."""


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


# -- loading -------------------------------------------------------------------------------
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


def story_paths(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def all_stories(directory: Path) -> list[Story]:
    return [load_story(p) for p in story_paths(directory)]


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


def story_report(story: Story, failures: Sequence[str], where: str = "") -> str | None:
    """The story's failed steps as one message (None when it passed)."""
    if not failures:
        return None
    return f"story {story.id!r} ({story.name}){where}:\n  " + "\n  ".join(failures)


# -- playing a story through the core ------------------------------------------------------
class StoryClock:
    """The engine's clock: moves only when a story says so."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def story_engine(dialogs: DialogSet, library: Library, risk: RiskAssessor,
                 clock: StoryClock) -> Engine:
    """An engine for stories: desk always open, in the dialogs' languages, on ``clock``."""
    desk = DeskConfig(DESK_CHAT, parse_hours("always"), DESK_WAIT_S,
                      tuple(dialogs.strings.by_language))
    return Engine(dialogs, library, risk, Crypto(SIGNING_SECRET), desk, clock=clock)


class StoryRun:
    """Plays one story against the core with in-memory ports (a user and one counselor)."""

    def __init__(self, story: Story, engine: Engine, clock: StoryClock, user_id: int) -> None:
        self.story, self.engine, self.clock = story, engine, clock
        self.dialogs: DialogSet = engine.registry.current
        self.ports = memory_ports()
        self.user = UserRef(f"user{user_id}", user_id, story.language_code)
        self.counselor = CounselorRef(f"c{COUNSELOR_ID}", COUNSELOR_ID, COUNSELOR_NAME)
        self.ids = itertools.count(1)
        self.counselor_ids = itertools.count(1000)
        self.sent: list[Action] = []  # from user and counselor steps: where buttons are found
        self.case_topics: list[OpenCaseTopic] = []

    async def run(self) -> list[str]:
        """One report entry per step whose expectations were not met ([] when it passes)."""
        failures: list[str] = []
        for step in self.story.steps:
            self.clock.advance(STEP_SECONDS)
            actions, extra = await self.perform(step.action, step.value)
            reply = self.reply(actions, extra)
            user = await self.ports.users.load(self.user.key)
            failure = step_failure(self.story, step, reply, self.dialogs, user)
            if failure:
                failures.append(failure)
        return failures

    async def _handle(self, event: Event) -> list[Action]:
        return list((await self.engine.handle(event, self.ports)).actions)

    async def _as_user(self, event: Event) -> list[Action]:
        actions = await self._handle(event)
        self.sent += actions
        return actions

    async def language(self) -> str:
        user = await self.ports.users.load(self.user.key)
        return user.language if user else self.story.language_code

    async def perform(self, action: str, value: Any) -> tuple[list[Action], list[str]]:
        """Do one step; return the actions and any relayed texts (copyMessage carries none)."""
        if action == "send":
            text = str(value)
            if text.startswith("/"):
                name, _, arg = text[1:].partition(" ")
                return await self._as_user(UserCommand(self.user, name.lower(), arg,
                                                       next(self.ids))), []
            return await self._as_user(UserText(self.user, text, next(self.ids))), []
        if action == "media":
            return await self._as_user(UserMedia(self.user, str(value), next(self.ids))), []
        if action == "wait":
            self.clock.advance(float(value))
            return await self._handle(Tick(self.clock.now)), []
        if action == "press":
            if isinstance(value, dict) and "data" in value:
                return await self.press(str(value["data"])), []
            labels = button_labels(self.dialogs, value, await self.language())
            return await self.press(self._find_button(labels)), []
        return await self.counsel(value)

    async def press(self, data: str) -> list[Action]:
        return await self._as_user(UserButton(self.user, data, f"cb{next(self.ids)}", None))

    def _find_button(self, labels: list[str]) -> str:
        for action in reversed(self.sent):
            if getattr(action, "chat_id", None) != self.user.chat_id:
                continue
            found = {b.label: b.data for row in getattr(action, "buttons", ()) for b in row}
            for label in labels:
                if label in found:
                    return found[label]
        raise StoryError(f"no button labelled {labels[0]!r} was ever sent")

    async def counsel(self, value: dict[str, Any]) -> tuple[list[Action], list[str]]:
        if not self.case_topics:
            raise StoryError("a counselor step needs a case opened earlier in the story")
        topic = self.case_topics[-1]
        case = await self.ports.cases.get(topic.case_id)
        if case is None:
            raise StoryError(f"case {topic.case_id} is gone (the user was erased?)")
        thread = case.thread_id
        actions: list[Action] = []
        extra: list[str] = []
        if value.get("take"):
            actions += await self._handle(CounselorButton(
                self.counselor, DESK_CHAT, thread, topic.card_buttons[0][0].data,
                f"q{next(self.counselor_ids)}"))
        if "write" in value:
            text = str(value["write"])
            written = await self._counselor_writes(thread, text)
            if any(isinstance(a, CopyMessage) and a.to_chat_id == self.user.chat_id
                   for a in written):
                extra.append(text)
            actions += written
        if "close" in value:
            actions += await self._counselor_writes(thread, f"/close {value['close']}")
        self.sent += actions
        return actions, extra

    async def _counselor_writes(self, thread: int | None, text: str) -> list[Action]:
        """A message in the case topic; "/name args" is a command."""
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            return await self._handle(CounselorCommand(self.counselor, DESK_CHAT, thread, name,
                                                       arg, next(self.counselor_ids)))
        return await self._handle(CounselorMessage(self.counselor, DESK_CHAT, thread,
                                                   next(self.counselor_ids), text))

    def reply(self, actions: Iterable[Action], relayed: list[str]) -> Reply:
        reply = Reply()
        user_id = self.user.chat_id
        for action in actions:
            if isinstance(action, SendText) and action.chat_id == user_id:
                _message(reply, action.text, action.buttons)
            elif isinstance(action, SendClip) and action.chat_id == user_id:
                card = self.engine.library.card(action.clip_id, "en")
                reply.clips.append(tuple(card.topics) if card else ())
                _message(reply, action.caption, action.buttons)
            elif isinstance(action, OpenCaseTopic):
                self.case_topics.append(action)
                reply.cases.append("URGENT" in action.title)
                reply.desk_texts += [action.title, action.card_text]
            elif isinstance(action, SendText) and action.chat_id == DESK_CHAT:
                reply.desk_texts.append(action.text)
        for text in relayed:
            _message(reply, text, ())
        return reply


def _message(reply: Reply, text: str, buttons: Any) -> None:
    reply.texts.append(text)
    reply.messages.append((text, bool(buttons)))
    reply.buttons += [b.label for row in buttons for b in row]


# -- every story, for the admin console ----------------------------------------------------
def run_stories(dialog_set: DialogSet, library: Library, risk: RiskAssessor, *,
                stories_dir: Path | None = None) -> list[str]:
    """Play every story in ``stories_dir`` over ``dialog_set``: one message per failed story.

    Stories expected to fail today (``xfail``, a missing lexicon) do not count. [] when the
    directory does not exist. Safe to call from inside a running event loop (it then plays
    the stories on a worker thread and waits).
    """
    directory = DEFAULT_DIR if stories_dir is None else stories_dir
    if not directory.is_dir():
        return []
    play = _play_all(dialog_set, library, risk, story_paths(directory))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(play)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="stories") as pool:
        return pool.submit(asyncio.run, play).result()


async def _play_all(dialogs: DialogSet, library: Library, risk: RiskAssessor,
                    paths: Sequence[Path]) -> list[str]:
    clock = StoryClock()
    engine = story_engine(dialogs, library, risk, clock)
    risk_languages: Sequence[str] = getattr(risk, "languages", ())
    messages: list[str] = []
    for index, path in enumerate(paths):
        try:
            story = load_story(path)
        except StoryError as err:
            messages.append(f"story file {err}")
            continue
        try:
            report = story_report(
                story, await StoryRun(story, engine, clock, FIRST_USER_ID + index).run())
        except StoryError as err:
            report = f"story {story.id!r} ({story.name}): {err}"
        if report and xfail_reason(story, risk_languages) is None:
            messages.append(report)
    return messages
