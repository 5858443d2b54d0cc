"""Dialog flows as data: loading, validating and describing dialogs/."""

from bot.flows.loader import load_dialog_set, load_dialogs, read_dialog_files
from bot.flows.model import (
    ActionSpec,
    ButtonSpec,
    DialogSet,
    Helpline,
    Helplines,
    StateSpec,
    Strings,
    TransitionSpec,
)

__all__ = [
    "ActionSpec",
    "ButtonSpec",
    "DialogSet",
    "Helpline",
    "Helplines",
    "StateSpec",
    "Strings",
    "TransitionSpec",
    "load_dialog_set",
    "load_dialogs",
    "read_dialog_files",
]
