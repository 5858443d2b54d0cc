"""'Try it': runs a DRAFT dialog set through the real Engine with in-memory ports."""

from __future__ import annotations

import itertools
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from bot.core import (
    Action,
    DeskConfig,
    Engine,
    OpenCaseTopic,
    SendClip,
    SendText,
    UserButton,
    UserCommand,
    UserRef,
    UserText,
)
from bot.core.hours import parse_hours
from bot.core.memory_ports import memory_ports
from bot.core.ports import Ports
from bot.crypto import Crypto
from bot.flows import DialogSet
from bot.web.admin._context import ConsoleContext

SIM_USER = 777_000
SIM_DESK = -100_777
MAX_SESSIONS = 64
SESSION_TTL_S = 1800.0
MAX_TEXT = 1000


@dataclass
class Simulation:
    """One simulated private chat with its own engine and in-memory state."""

    engine: Engine
    ports: Ports
    language: str
    created: float = field(default_factory=time.monotonic)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def ref(self) -> UserRef:
        return UserRef("simulated-user", SIM_USER, self.language)

    async def send(self, kind: str, value: str) -> list[dict[str, Any]]:
        value = value[:MAX_TEXT]
        if kind == "button":
            event: Any = UserButton(self.ref, value, f"sim{next(self.ids)}", None)
        elif kind == "text" and value.startswith("/"):
            name, _, arg = value[1:].partition(" ")
            event = UserCommand(self.ref, name.lower(), arg, next(self.ids))
        else:
            event = UserText(self.ref, value, next(self.ids))
        outcome = await self.engine.handle(event, self.ports)
        return [m for m in (_describe(a, self.engine) for a in outcome.actions) if m]


def _keyboard(buttons: tuple) -> list[list[dict[str, str]]]:
    return [[{"label": b.label, "data": b.data} for b in row] for row in buttons]


def _describe(action: Action, engine: Engine) -> dict[str, Any] | None:
    """What the user (or, as a note, the desk) would see; plain data for the page's JS."""
    if isinstance(action, SendText) and action.chat_id == SIM_USER:
        return {"kind": "text", "text": action.text, "buttons": _keyboard(action.buttons)}
    if isinstance(action, SendClip):
        card = engine.library.card(action.clip_id, "en")
        return {"kind": "clip", "clip": action.clip_id,
                "title": card.title if card else action.clip_id,
                "text": action.caption, "buttons": _keyboard(action.buttons)}
    if isinstance(action, OpenCaseTopic):
        return {"kind": "note", "text": f"(a case opens on the counselor desk: {action.title})"}
    return None


class Simulators:
    """A bounded set of simulations, each reachable by a random id."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, Simulation] = OrderedDict()

    def start(self, ctx: ConsoleContext, dialogs: DialogSet, language: str) -> str:
        settings = ctx.settings
        desk = DeskConfig(SIM_DESK, parse_hours(settings.counselor_hours, settings.timezone),
                          settings.handoff_wait_minutes * 60, settings.languages)
        engine = Engine(dialogs, ctx.library(), ctx.risk, Crypto(ctx.secret_key), desk)
        engine.set_retention(settings.user_retention_days, settings.transcript_retention_days)
        sim_id = secrets.token_urlsafe(16)
        self._items[sim_id] = Simulation(engine, memory_ports(), language)
        self._prune()
        return sim_id

    def get(self, sim_id: str) -> Simulation | None:
        sim = self._items.get(sim_id)
        if sim is None or time.monotonic() - sim.created > SESSION_TTL_S:
            self._items.pop(sim_id, None)
            return None
        self._items.move_to_end(sim_id)
        return sim

    def _prune(self) -> None:
        while len(self._items) > MAX_SESSIONS:
            self._items.popitem(last=False)
