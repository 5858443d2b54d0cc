"""Outgoing actions: what the conversation core asks the Telegram adapter to do."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    """An inline button: ``data`` goes back as callback data (<= 64 bytes)."""

    label: str
    data: str


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class SendText:
    chat_id: int
    text: str
    buttons: Keyboard = ()
    thread_id: int | None = None


@dataclass(frozen=True)
class SendClip:
    """Send a clip as a video; the adapter resolves the file and caches ``file_id``."""

    chat_id: int
    clip_id: str
    caption: str
    buttons: Keyboard = ()


@dataclass(frozen=True)
class CopyMessage:
    """Relay a message without exposing its sender (never forwardMessage)."""

    to_chat_id: int
    from_chat_id: int
    message_id: int
    thread_id: int | None = None
    caption_prefix: str | None = None


@dataclass(frozen=True)
class AnswerCallback:
    callback_query_id: str
    text: str | None = None
    alert: bool = False


@dataclass(frozen=True)
class EditButtons:
    """Replace (or with ``buttons=()`` remove) the buttons of a sent message."""

    chat_id: int
    message_id: int
    buttons: Keyboard = ()


@dataclass(frozen=True)
class OpenCaseTopic:
    """Create the case's forum topic, store its thread id, then post the card."""

    case_id: int
    title: str
    card_text: str
    card_buttons: Keyboard = ()
    reason: str = "request"
    urgent: bool = False


@dataclass(frozen=True)
class EditCaseTopic:
    thread_id: int
    title: str | None = None
    closed: bool | None = None


@dataclass(frozen=True)
class Typing:
    chat_id: int
    action: str = "typing"


Action = (
    SendText
    | SendClip
    | CopyMessage
    | AnswerCallback
    | EditButtons
    | OpenCaseTopic
    | EditCaseTopic
    | Typing
)


@dataclass
class Outcome:
    """Result of handling one event: actions in order, plus log-safe facts."""

    actions: list[Action] = field(default_factory=list)
    facts: dict[str, str | int | float | bool] = field(default_factory=dict)
