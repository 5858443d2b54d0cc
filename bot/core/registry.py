"""Loaded dialog versions: the current one for new conversations, older ones pinned by users."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from bot.core.state import UserState
from bot.flows.model import DialogSet

KEEP_VERSIONS = 20
FALLBACK_STATE = "ask.home"


class DialogRegistry:
    """Swaps the current DialogSet atomically; keeps recent versions for running conversations."""

    def __init__(self, current: DialogSet, build_machine: Callable[[DialogSet], object]) -> None:
        self._build = build_machine
        self._versions: OrderedDict[str, tuple[DialogSet, object]] = OrderedDict()
        self._current = current.version
        self.publish(current)

    @property
    def current(self) -> DialogSet:
        return self._versions[self._current][0]

    def publish(self, dialogs: DialogSet) -> None:
        """Make ``dialogs`` current; conversations on older versions finish on them."""
        machine = self._build(dialogs)
        self._versions[dialogs.version] = (dialogs, machine)
        self._versions.move_to_end(dialogs.version)
        self._current = dialogs.version
        while len(self._versions) > KEEP_VERSIONS:
            self._versions.popitem(last=False)

    def get(self, version: str) -> tuple[DialogSet, object] | None:
        return self._versions.get(version)

    def machine(self, version: str) -> object:
        return self._versions[version][1]

    def place(self, user: UserState) -> DialogSet:
        """Choose the version for this update and make sure the user's state exists in it."""
        current = self.current
        pinned = self._versions.get(user.dialog_version or "")
        if pinned is not None and user.state in pinned[0].states:
            dialogs = pinned[0]
            state = dialogs.states[user.state]
            if dialogs.version != current.version and state.checkpoint:
                dialogs = current  # back at a resting point: move to the newest version
        else:
            dialogs = current
        if user.state not in dialogs.states:
            user.state = FALLBACK_STATE if FALLBACK_STATE in dialogs.states else dialogs.entry(
                "welcome")
        user.dialog_version = dialogs.version
        return dialogs
