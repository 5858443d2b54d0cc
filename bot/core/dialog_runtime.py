"""Runs a DialogSet on the `transitions` asyncio state machine, one model per update."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from transitions.extensions.asyncio import AsyncMachine

from bot.errors import EngineError
from bot.flows.model import ActionSpec, DialogSet, StateSpec, TransitionSpec

logging.getLogger("transitions").setLevel(logging.WARNING)

MAX_AUTOMATIC_STEPS = 8

# Called with the per-update model; implemented by the engine.
RunActions = Callable[[Any, tuple[ActionSpec, ...]], Awaitable[None]]
EnterState = Callable[[Any, StateSpec], Awaitable[None]]
CheckCondition = Callable[[Any, str], bool]


class DialogModel:
    """The object `transitions` moves between states; ``turn`` carries the update's context."""

    def __init__(self, turn: Any) -> None:
        self.turn = turn
        self.state: str = ""


def _trigger_name(trigger: str) -> str:
    return "t_" + trigger.replace(":", "__")


class LeanAsyncMachine(AsyncMachine):
    """An AsyncMachine that does not decorate each model it is given.

    A model joins the machine for one update only (``fire``/``enter``), and the engine only
    calls ``model.trigger(name)`` and reads ``model.state``. The stock ``add_model`` also
    binds a ``<trigger>``, ``may_<trigger>`` and ``is_<state>`` function per trigger and state
    to every model, which was most of the per-update cost of the dialog machine.
    """

    def _add_trigger_to_model(self, trigger: str, model: Any) -> None:
        return None

    def _add_model_to_state(self, state: Any, model: Any) -> None:
        return None


class DialogMachine:
    """One `transitions` AsyncMachine built from a DialogSet (states `flow.state`)."""

    def __init__(self, dialogs: DialogSet, run_actions: RunActions, enter_state: EnterState,
                 check_condition: CheckCondition) -> None:
        self.dialogs = dialogs
        self._run_actions = run_actions
        self._enter_state = enter_state
        self._check = check_condition
        states = [
            {"name": name, "on_enter": [self._make_enter(spec)]}
            for name, spec in dialogs.states.items()
        ]
        transitions: list[dict[str, Any]] = []
        for name, spec in dialogs.states.items():
            for t in spec.on:
                transitions.append(self._transition(t, name, spec.flow))
            if spec.next:
                transitions.append(
                    {"trigger": _trigger_name("next"), "source": name,
                     "dest": dialogs.resolve(spec.next, spec.flow)}
                )
        own = {(name, t.trigger) for name, spec in dialogs.states.items() for t in spec.on}
        for t in dialogs.global_on:
            for name, spec in dialogs.states.items():
                if (name, t.trigger) in own:
                    continue  # the state's own handling of this trigger wins
                transitions.append(self._transition(t, name, spec.flow))
        self.machine = LeanAsyncMachine(
            model=None,
            states=states,
            transitions=transitions,
            initial=None,
            auto_transitions=False,
            send_event=True,
            ignore_invalid_triggers=True,
        )
        self._triggers_by_state: dict[str, set[str]] = {}
        for t in transitions:
            self._triggers_by_state.setdefault(t["source"], set()).add(t["trigger"])

    def _make_enter(self, spec: StateSpec) -> Callable[[Any], Awaitable[None]]:
        async def enter(event: Any) -> None:
            await self._enter_state(event.model, spec)

        return enter

    def _transition(self, t: TransitionSpec, source: str, flow: str) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "trigger": _trigger_name(t.trigger),
            "source": source,
            "dest": self.dialogs.resolve(t.target, flow) if t.target else None,
        }
        if t.when:
            negate, name = t.when.startswith("!"), t.when.lstrip("!")
            entry["conditions"] = [
                lambda ev, n=name, neg=negate: self._check(ev.model.turn, n) != neg
            ]
        if t.actions:
            actions = t.actions

            async def before(event: Any, acts: tuple[ActionSpec, ...] = actions) -> None:
                await self._run_actions(event.model.turn, acts)

            entry["before"] = [before]
        return entry

    def handles(self, state: str, trigger: str) -> bool:
        return _trigger_name(trigger) in self._triggers_by_state.get(state, set())

    async def fire(self, model: DialogModel, state: str, trigger: str) -> bool:
        """Apply ``trigger`` to a model in ``state``; run automatic `next` steps after it."""
        if state not in self.dialogs.states:
            raise EngineError(f"state {state!r} is not in dialog version {self.dialogs.version}")
        self.machine.add_model(model, initial=state)
        try:
            fired = await model.trigger(_trigger_name(trigger))
            for _ in range(MAX_AUTOMATIC_STEPS):
                if not self.handles(model.state, "next"):
                    break
                await model.trigger(_trigger_name("next"))
            return bool(fired)
        finally:
            self.machine.remove_model(model)

    async def enter(self, model: DialogModel, state: str) -> None:
        """Put a model into ``state`` from outside a transition (a counselor took the case)."""
        self.machine.add_model(model, initial=state)
        try:
            await self._enter_state(model, self.dialogs.states[state])
            for _ in range(MAX_AUTOMATIC_STEPS):
                if not self.handles(model.state, "next"):
                    break
                await model.trigger(_trigger_name("next"))
        finally:
            self.machine.remove_model(model)
