"""A small driver that talks to the core like a Telegram user and a counselor would."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

from bot.core import (
    Action,
    AnswerCallback,
    CounselorButton,
    CounselorCommand,
    CounselorMessage,
    CounselorRef,
    DeskConfig,
    Engine,
    Ports,
    SendClip,
    SendText,
    Tick,
    UserButton,
    UserCommand,
    UserMedia,
    UserRef,
    UserText,
)
from bot.core.hours import parse_hours
from bot.core.ports import Library, RiskAssessor
from bot.crypto import Crypto
from bot.flows import load_dialogs
from bot.flows.stories import StoryClock

REPO = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "ar", "fr", "de", "ru", "tr")
COUNSELOR_CHAT = -1001


Clock = StoryClock  # a clock that moves only when a test says so


def build_engine(library: Library, risk: RiskAssessor, clock: Clock,
                 hours: str = "always", dialogs_dir: Path | None = None) -> Engine:
    dialogs = load_dialogs(dialogs_dir or REPO / "dialogs", LANGUAGES)
    desk = DeskConfig(COUNSELOR_CHAT, parse_hours(hours), 300.0, LANGUAGES)
    return Engine(dialogs, library, risk, Crypto("test-secret-key-0123456789"), desk,
                  clock=clock)


@dataclass
class CoreChat:
    engine: Engine
    ports: Ports
    user_id: int = 42
    language_code: str = "en"
    sent: list[Action] = field(default_factory=list)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def ref(self) -> UserRef:
        key = f"user{self.user_id}"
        return UserRef(key, self.user_id, self.language_code)

    async def _run(self, event: object) -> list[Action]:
        outcome = await self.engine.handle(event, self.ports)  # type: ignore[arg-type]
        self.sent.extend(outcome.actions)
        return outcome.actions

    async def say(self, text: str) -> list[Action]:
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            return await self._run(UserCommand(self.ref, name.lower(), arg, next(self._ids)))
        return await self._run(UserText(self.ref, text, next(self._ids)))

    async def send_media(self, kind: str = "sticker") -> list[Action]:
        return await self._run(UserMedia(self.ref, kind, next(self._ids)))

    def find_button(self, label: str) -> str:
        for action in reversed(self.sent):
            buttons = getattr(action, "buttons", ())
            if getattr(action, "chat_id", None) != self.user_id:
                continue
            for row in buttons:
                for button in row:
                    if button.label == label:
                        return button.data
        raise AssertionError(f"no button {label!r}; texts: {self.texts()[-3:]}")

    async def press(self, label: str) -> list[Action]:
        return await self.press_data(self.find_button(label))

    async def press_data(self, data: str) -> list[Action]:
        return await self._run(UserButton(self.ref, data, f"cb{next(self._ids)}", None))

    def texts(self, actions: list[Action] | None = None) -> list[str]:
        return [a.text for a in (self.sent if actions is None else actions)
                if isinstance(a, SendText) and a.chat_id == self.user_id]

    def clips(self, actions: list[Action] | None = None) -> list[str]:
        return [a.clip_id for a in (self.sent if actions is None else actions)
                if isinstance(a, SendClip)]

    async def state(self) -> str | None:
        user = await self.ports.users.load(self.ref.key)
        return user.state if user else None


@dataclass
class Counselor:
    engine: Engine
    ports: Ports
    user_id: int
    name: str
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))

    @property
    def ref(self) -> CounselorRef:
        return CounselorRef(f"c{self.user_id}", self.user_id, self.name)

    async def press(self, data: str, thread_id: int | None = None) -> list[Action]:
        event = CounselorButton(self.ref, COUNSELOR_CHAT, thread_id, data, f"q{next(self._ids)}")
        return (await self.engine.handle(event, self.ports)).actions

    async def write(self, thread_id: int | None, text: str) -> list[Action]:
        if text.startswith("/"):
            name, _, arg = text[1:].partition(" ")
            event: object = CounselorCommand(self.ref, COUNSELOR_CHAT, thread_id, name, arg,
                                             next(self._ids))
        else:
            event = CounselorMessage(self.ref, COUNSELOR_CHAT, thread_id, next(self._ids), text)
        return (await self.engine.handle(event, self.ports)).actions  # type: ignore[arg-type]


async def tick(engine: Engine, ports: Ports, now: float) -> list[Action]:
    return (await engine.handle(Tick(now), ports)).actions


def answers(actions: list[Action]) -> list[AnswerCallback]:
    return [a for a in actions if isinstance(a, AnswerCallback)]
