"""The conversation core: events in, actions out; no Telegram, web or database imports."""

from bot.core.actions import (
    Action,
    AnswerCallback,
    Button,
    CopyMessage,
    EditButtons,
    EditCaseTopic,
    OpenCaseTopic,
    Outcome,
    SendClip,
    SendText,
    Typing,
)
from bot.core.behaviours import DeskConfig
from bot.core.engine import Engine
from bot.core.events import (
    CounselorButton,
    CounselorCommand,
    CounselorMessage,
    CounselorRef,
    Event,
    Tick,
    UserButton,
    UserCommand,
    UserMedia,
    UserRef,
    UserText,
)
from bot.core.ports import CaseRecord, ClipCard, Library, MatchAnswer, Ports, Risk, RiskAssessor
from bot.core.state import UserState

__all__ = [
    "Action", "AnswerCallback", "Button", "CaseRecord", "ClipCard", "CopyMessage",
    "CounselorButton", "CounselorCommand", "CounselorMessage", "CounselorRef", "DeskConfig",
    "EditButtons", "EditCaseTopic", "Engine", "Event", "Library", "MatchAnswer", "OpenCaseTopic",
    "Outcome", "Ports", "Risk", "RiskAssessor", "SendClip", "SendText", "Tick", "Typing",
    "UserButton", "UserCommand", "UserMedia", "UserRef", "UserState", "UserText",
]
