"""The context of handling one event: who, what, which dialog version, and what to send."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.actions import Action, Button, Keyboard, SendText
from bot.core.ports import Ports, Risk
from bot.core.state import UserState
from bot.flows.model import DialogSet


@dataclass
class Turn:
    user: UserState
    ports: Ports
    dialogs: DialogSet
    now: float
    text: str | None = None
    button_arg: str = ""
    risk: Risk | None = None
    actions: list[Action] = field(default_factory=list)
    facts: dict[str, str | int | float | bool] = field(default_factory=dict)
    erased: bool = False
    redirect: str | None = None

    @property
    def language(self) -> str:
        return self.user.language or "en"

    def t(self, key: str, **params: object) -> str:
        return self.dialogs.strings.get(key, self.language, **params)

    def say(self, text: str, buttons: Keyboard = ()) -> None:
        self.actions.append(SendText(self.user.chat_id, text, buttons))

    def attach_buttons(self, buttons: Keyboard) -> None:
        """Put buttons on the last text sent in this turn (or send them with a prompt)."""
        for index in range(len(self.actions) - 1, -1, -1):
            action = self.actions[index]
            if isinstance(action, SendText) and action.chat_id == self.user.chat_id:
                self.actions[index] = SendText(
                    action.chat_id, action.text, tuple(action.buttons) + tuple(buttons),
                    action.thread_id,
                )
                return
        self.say(self.t("ask.prompt"), buttons)


def rows(buttons: list[Button], per_row: int = 1) -> Keyboard:
    return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))
