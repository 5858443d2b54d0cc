"""The ports through which the core reaches storage and content (typing.Protocol only)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.core.state import UserState

CASE_WAITING = "waiting"
CASE_TAKEN = "taken"
CASE_CLOSED = "closed"
CLOSE_OUTCOMES = ("referred", "resolved", "no_response", "unsafe", "other")


@dataclass(frozen=True)
class CaseRecord:
    id: int
    user_key: str
    chat_id: int
    status: str
    reason: str
    urgent: bool
    language: str
    thread_id: int | None
    counselor_key: str | None
    opened_at: float
    taken_at: float | None = None
    first_reply_at: float | None = None
    closed_at: float | None = None
    outcome: str | None = None
    helplines_sent: bool = False
    realerts: int = 0
    user_blocked: bool = False


class UserRepository(Protocol):
    async def load(self, key: str) -> UserState | None: ...

    async def save(self, state: UserState) -> None: ...

    async def erase(self, key: str) -> None: ...

    async def due_timeouts(self, now: float, limit: int = 100) -> list[str]: ...


class CaseRepository(Protocol):
    async def open(self, *, user_key: str, chat_id: int, reason: str, urgent: bool,
                   language: str, now: float) -> CaseRecord: ...

    async def get(self, case_id: int) -> CaseRecord | None: ...

    async def by_thread(self, thread_id: int) -> CaseRecord | None: ...

    async def take(self, case_id: int, counselor_key: str, now: float) -> bool: ...

    async def release(self, case_id: int) -> None: ...

    async def assign(self, case_id: int, counselor_key: str) -> None: ...

    async def close(self, case_id: int, outcome: str, now: float) -> None: ...

    async def update(self, case_id: int, **fields: object) -> None: ...

    async def queue_position(self, case_id: int) -> int: ...

    async def median_wait_seconds(self) -> float | None: ...

    async def waiting_cases(self) -> list[CaseRecord]: ...

    async def append_transcript(self, case_id: int, sender: str, text: str,
                                now: float) -> None: ...


class CounselorDirectory(Protocol):
    async def set_alias(self, counselor_key: str, user_id: int, alias: str) -> None: ...

    async def alias_of(self, counselor_key: str) -> str | None: ...

    async def find_by_alias(self, alias: str) -> str | None: ...


class Analytics(Protocol):
    async def count(self, name: str, **labels: str) -> None: ...

    async def unmatched(self, language: str, pattern: str) -> None: ...


class ChatLocker(Protocol):
    async def hold(self, chat_id: int) -> None: ...


class NoLocks:
    """For a single process: nothing to serialise beyond the adapter's per-chat order."""

    async def hold(self, chat_id: int) -> None:
        return None


@dataclass(frozen=True)
class Ports:
    """Everything the engine may touch for one update, bound to one database session."""

    users: UserRepository
    cases: CaseRepository
    counselors: CounselorDirectory
    analytics: Analytics
    locks: ChatLocker = NoLocks()


@dataclass(frozen=True)
class ClipCard:
    """What the core needs to present a clip."""

    id: str
    title: str
    pseudonym: str
    role: str
    origin: str
    warning: str
    topics: tuple[str, ...]
    summary: str
    audience: str


@dataclass(frozen=True)
class MatchAnswer:
    language: str
    clip_ids: tuple[str, ...]
    topic: str | None
    confident: bool


class Library(Protocol):
    """The clip catalogue and the matcher, as the core uses them."""

    sample: bool

    def detect_language(self, text: str, prior: str | None) -> str: ...

    def match(self, text: str, language: str, exclude: Collection[str]) -> MatchAnswer: ...

    def clips_for_topic(self, topic: str, language: str,
                        exclude: Collection[str]) -> Sequence[str]: ...

    def family_clips(self, language: str, exclude: Collection[str]) -> Sequence[str]: ...

    def card(self, clip_id: str, language: str) -> ClipCard | None: ...

    def topics(self, language: str) -> Sequence[tuple[str, str]]: ...

    def question_pattern(self, text: str, language: str) -> str: ...


@dataclass(frozen=True)
class Risk:
    category: str | None
    urgent: bool
    hostile: bool
    cues: tuple[str, ...]


class RiskAssessor(Protocol):
    def assess(self, text: str, language: str | None) -> Risk: ...
