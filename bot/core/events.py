"""Incoming events: what the Telegram adapter hands to the conversation core.

Users are pseudonymous: ``UserRef.key`` is a keyed hash of the Telegram id.
``chat_id`` is only carried so that actions can address the chat; the core
never logs it and the store keeps it encrypted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UserRef:
    """A private-chat user, as the core sees them."""

    key: str
    chat_id: int
    language_code: str | None = None


@dataclass(frozen=True)
class CounselorRef:
    """A member of the counselors' forum group."""

    key: str
    user_id: int
    display_name: str = "Counselor"


@dataclass(frozen=True)
class UserText:
    user: UserRef
    text: str
    message_id: int


@dataclass(frozen=True)
class UserCommand:
    """``/name argument`` in a private chat; ``name`` is lower case without the slash."""

    user: UserRef
    name: str
    argument: str
    message_id: int


@dataclass(frozen=True)
class UserButton:
    """A press on an inline button the bot sent to the user."""

    user: UserRef
    data: str
    callback_query_id: str
    message_id: int | None


@dataclass(frozen=True)
class UserMedia:
    """A non-text message (sticker, photo, voice, video, document, ...)."""

    user: UserRef
    kind: str
    message_id: int


@dataclass(frozen=True)
class CounselorMessage:
    """Anything a counselor posts in a case topic: relayed if the case is theirs."""

    counselor: CounselorRef
    chat_id: int
    thread_id: int | None
    message_id: int
    text: str | None
    kind: str = "text"


@dataclass(frozen=True)
class CounselorCommand:
    counselor: CounselorRef
    chat_id: int
    thread_id: int | None
    name: str
    argument: str
    message_id: int


@dataclass(frozen=True)
class CounselorButton:
    counselor: CounselorRef
    chat_id: int
    thread_id: int | None
    data: str
    callback_query_id: str


@dataclass(frozen=True)
class Tick:
    """A periodic timer: queue reminders, re-alerts and retention run on it."""

    now: float


UserEvent = UserText | UserCommand | UserButton | UserMedia
CounselorEvent = CounselorMessage | CounselorCommand | CounselorButton
Event = UserEvent | CounselorEvent | Tick
