"""The conversation engine: one event and the stored state in, actions out."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.core.actions import Action, AnswerCallback, Outcome, SendText
from bot.core.behaviours import Behaviours, DeskConfig
from bot.core.buttons import GLOBAL_SCOPE, Signer, button_is_valid, parse_button
from bot.core.deeplinks import parse_payload
from bot.core.desk import Desk
from bot.core.dialog_runtime import DialogMachine, DialogModel
from bot.core.events import (
    CounselorButton,
    CounselorCommand,
    CounselorMessage,
    Event,
    Tick,
    UserButton,
    UserCommand,
    UserEvent,
    UserMedia,
    UserRef,
    UserText,
)
from bot.core.ports import CASE_CLOSED, Library, Ports, RiskAssessor
from bot.core.registry import DialogRegistry
from bot.core.render import MESSAGE_MAX
from bot.core.state import UserState
from bot.core.turn import Turn
from bot.flows.model import DialogSet, StateSpec
from bot.flows.vocabulary import ACTIONS

RISK_TRIGGERS = ("distress", "leaving", "family", "request")


def coalesce_texts(actions: list[Action]) -> list[Action]:
    """Join consecutive texts to the same chat (the earlier without buttons) into one message.

    Telegram allows about one message per second per chat: a welcome, or helplines followed
    by an offer, arrive at once as one message instead of one per second.
    """
    merged: list[Action] = []
    for action in actions:
        previous = merged[-1] if merged else None
        if (isinstance(action, SendText) and isinstance(previous, SendText)
                and previous.chat_id == action.chat_id and previous.thread_id == action.thread_id
                and not previous.buttons
                and len(previous.text) + len(action.text) + 2 <= MESSAGE_MAX):
            merged[-1] = SendText(action.chat_id, previous.text + "\n\n" + action.text,
                                  action.buttons, action.thread_id)
        else:
            merged.append(action)
    return merged


def state_scope(dialogs: DialogSet, state: str) -> str:
    return f"{dialogs.version}:{state}"


class Engine:
    """Routes events: users through the dialog flows, counselors through the desk."""

    def __init__(self, dialogs: DialogSet, library: Library, risk: RiskAssessor, signer: Signer,
                 desk_config: DeskConfig, *, flood_messages: int = 8,
                 flood_window_s: float = 10.0, flood_mute_s: float = 120.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.library = library
        self.risk = risk
        self.signer = signer
        self.clock = clock
        self.behaviours = Behaviours(library, signer, desk_config)
        missing = set(ACTIONS) - self.behaviours.action_names
        if missing:
            raise TypeError(f"vocabulary actions without implementation: {sorted(missing)}")
        self.desk_config = desk_config
        self.registry = DialogRegistry(dialogs, self._build_machine)
        self.desk = Desk(self, desk_config)
        self.flood_messages = flood_messages
        self.flood_window_s = flood_window_s
        self.flood_mute_s = flood_mute_s

    def _build_machine(self, dialogs: DialogSet) -> DialogMachine:
        return DialogMachine(dialogs, self.behaviours.run, self._enter_state,
                             self.behaviours.condition)

    def publish(self, dialogs: DialogSet) -> None:
        self.registry.publish(dialogs)

    # -- entry point -------------------------------------------------------------------------
    async def handle(self, event: Event, ports: Ports) -> Outcome:
        if isinstance(event, (UserText, UserCommand, UserButton, UserMedia)):
            return await self._handle_user(event, ports)
        if isinstance(event, (CounselorMessage, CounselorCommand, CounselorButton)):
            return await self.desk.handle(event, ports)
        if isinstance(event, Tick):
            return await self.desk.tick(event.now, ports)
        return Outcome()

    def new_user(self, ref: UserRef, now: float) -> UserState:
        language = (ref.language_code or "").split("-")[0].lower()
        if language not in self.desk_config.languages:
            language = self.desk_config.languages[0]
        return UserState(key=ref.key, chat_id=ref.chat_id, language=language, last_seen=now)

    async def load_user(self, ports: Ports, ref: UserRef, now: float) -> tuple[UserState, bool]:
        stored = await ports.users.load(ref.key)
        if stored is None:
            return self.new_user(ref, now), True
        stored.chat_id = ref.chat_id
        return stored, False

    async def _handle_user(self, event: UserEvent, ports: Ports) -> Outcome:
        now = self.clock()
        user, is_new = await self.load_user(ports, event.user, now)
        dialogs = self.registry.place(user)
        turn = Turn(user=user, ports=ports, dialogs=dialogs, now=now)
        if isinstance(event, UserText):
            turn.text = event.text
            turn.risk = self.risk.assess(event.text, user.language)
            user.remember_text(event.text, now)
            if turn.risk.category or turn.risk.urgent:
                turn.facts["risk"] = turn.risk.category or "urgent"
                user.pending_cues = list(turn.risk.cues)[:6]
        at_risk = bool(turn.risk and (turn.risk.urgent or turn.risk.category == "distress"))
        counts_for_flood = not isinstance(event, UserButton)
        throttled = counts_for_flood and self._flooded(turn)
        user.last_seen = now
        if throttled and not at_risk:
            turn.facts["throttled"] = True
            if user.active_case_id is not None and isinstance(event, UserText):
                await self._record_in_case(turn, event, relay=False)
        elif (user.active_case_id is not None and (user.state or "").startswith("handoff.")
              and await self._in_case(turn, event)):
            pass  # relayed to the case; a user who went elsewhere (/start, topics) is answered
        else:
            await self._dispatch(turn, event, is_new)
        if not turn.erased:
            await ports.users.save(user)
        return Outcome(coalesce_texts(turn.actions), turn.facts)

    # -- flood control -------------------------------------------------------------------------
    def _flooded(self, turn: Turn) -> bool:
        user, now = turn.user, turn.now
        times = [t for t in user.recent_message_times if now - t < self.flood_window_s]
        times.append(now)
        user.recent_message_times = times[-(2 * self.flood_messages + 1):]
        if now < user.muted_until:
            return True
        if len(times) > 2 * self.flood_messages:
            user.muted_until = now + self.flood_mute_s
            turn.say(turn.t("common.muted"))
            return True
        if len(times) > self.flood_messages:
            if not user.flood_warned:
                user.flood_warned = True
                turn.say(turn.t("common.slow_down"))
            return True
        user.flood_warned = False
        return False

    # -- users with an open case ------------------------------------------------------------
    async def _record_in_case(self, turn: Turn, event: UserText | UserMedia, relay: bool) -> None:
        case = await turn.ports.cases.get(turn.user.active_case_id or 0)
        if case is None or case.status == CASE_CLOSED:
            return
        body = event.text if isinstance(event, UserText) else f"[{event.kind}]"
        await turn.ports.cases.append_transcript(case.id, "user", body, turn.now)
        if relay and case.thread_id is not None:
            self.behaviours.relay_to_desk(turn, case.thread_id, event.message_id)

    async def _in_case(self, turn: Turn, event: UserEvent) -> bool:
        """Relay a user's messages to their open case; False when the flows should handle it."""
        case = await turn.ports.cases.get(turn.user.active_case_id or 0)
        if case is None or case.status == CASE_CLOSED:
            turn.user.active_case_id = None
            return False
        if not isinstance(event, (UserText, UserMedia)):
            return False
        await self._record_in_case(turn, event, relay=True)
        turn.facts["relayed"] = case.id
        risk = turn.risk
        if risk and (risk.urgent or risk.category == "distress"):
            await self.desk.escalate(turn, case, risk)
        return True

    # -- flows --------------------------------------------------------------------------------
    def _machine(self, dialogs: DialogSet) -> DialogMachine:
        machine = self.registry.machine(dialogs.version)
        assert isinstance(machine, DialogMachine)
        return machine

    async def _dispatch(self, turn: Turn, event: UserEvent, is_new: bool) -> None:
        machine = self._machine(turn.dialogs)
        trigger = self._trigger_for(turn, event, machine)
        if trigger is None:
            return
        link_now = linked = False
        if isinstance(event, UserCommand) and event.name == "start" and event.argument:
            link_now, linked = await self._take_deep_link(turn, event.argument)
        if is_new or linked:
            await turn.ports.analytics.count("conversation_started",
                                             campaign=turn.user.campaign or "")
        if is_new and not trigger.startswith("intent:") and trigger != "command:start":
            # Someone who never saw the welcome sees it first, then gets their answer.
            await self.enter(turn, turn.dialogs.entry("welcome"))
        if turn.risk and turn.risk.hostile and not turn.risk.category and trigger == "text":
            turn.facts["hostile"] = True
            turn.say(turn.t("common.hostile_calm"))
        await self.fire(turn, trigger)
        if link_now and not turn.erased:
            await self.behaviours.deliver_pending_link(turn)
        if turn.redirect and not turn.erased:
            target, turn.redirect = turn.redirect, None
            await self.enter(turn, target)

    async def _take_deep_link(self, turn: Turn, payload: str) -> tuple[bool, bool]:
        """Remember a deep link: (open it right after the welcome?, was it a valid link?)."""
        link = parse_payload(payload)
        if link is None:
            await turn.ports.analytics.count("deeplink_invalid")
            turn.facts["deeplink"] = "invalid"
            return False, False
        if link.campaign:
            turn.user.campaign = link.campaign
        turn.facts["deeplink"] = link.target
        if link.target == "none":
            return False, True
        turn.user.pending_link = {link.target: link.clip or link.topic or link.flow or ""}
        return turn.user.consented, True

    def _trigger_for(self, turn: Turn, event: UserEvent, machine: DialogMachine) -> str | None:
        state = turn.user.state or turn.dialogs.entry("welcome")
        if isinstance(event, UserText):
            risk = turn.risk
            if risk and risk.urgent and machine.handles(state, "intent:urgent"):
                return "intent:urgent"
            if risk and risk.category in RISK_TRIGGERS:
                trigger = f"intent:{risk.category}"
                if machine.handles(state, trigger):
                    return trigger
            return "text"
        if isinstance(event, UserCommand):
            trigger = f"command:{event.name}"
            return trigger if machine.handles(state, trigger) else "command:unknown"
        if isinstance(event, UserMedia):
            if event.kind == "edit":
                turn.say(turn.t("common.edit_not_supported"))
                return None
            return "media"
        return self._button_trigger(turn, event, state)

    def _button_trigger(self, turn: Turn, event: UserButton, state: str) -> str | None:
        parsed = parse_button(event.data)
        key = turn.user.key
        valid = parsed is not None and (
            button_is_valid(self.signer, key, state_scope(turn.dialogs, state), parsed)
            or button_is_valid(self.signer, key, GLOBAL_SCOPE, parsed)
        )
        machine = self._machine(turn.dialogs)
        if not valid or parsed is None or not machine.handles(state, f"button:{parsed.id}"):
            turn.actions.append(AnswerCallback(event.callback_query_id))
            turn.facts["button"] = "expired"
            turn.say(turn.t("common.button_expired"))
            self._render_state(turn, turn.dialogs.states[state], with_actions=False)
            if not turn.actions[-1:] or not getattr(turn.actions[-1], "buttons", ()):
                turn.attach_buttons(self._state_buttons(turn, turn.dialogs.states["ask.home"]))
            return None
        turn.actions.append(AnswerCallback(event.callback_query_id))
        turn.button_arg = parsed.arg
        return f"button:{parsed.id}"

    async def fire(self, turn: Turn, trigger: str) -> None:
        machine = self._machine(turn.dialogs)
        model = DialogModel(turn)
        state = turn.user.state or turn.dialogs.entry("welcome")
        await machine.fire(model, state, trigger)
        if not turn.erased:
            turn.user.state = model.state
            turn.user.dialog_version = turn.dialogs.version

    async def enter(self, turn: Turn, state: str) -> None:
        machine = self._machine(turn.dialogs)
        model = DialogModel(turn)
        await machine.enter(model, state)
        turn.user.state = model.state
        turn.user.dialog_version = turn.dialogs.version

    async def _enter_state(self, model: DialogModel, spec: StateSpec) -> None:
        turn: Turn = model.turn
        if turn.erased:
            return
        turn.user.state = spec.qualified
        timeout = spec.timeout()
        if timeout is None:
            turn.user.timeout_at = None
        else:
            after = timeout.after
            seconds = (self.desk_config.handoff_wait_seconds if after == "handoff_wait"
                       else float(after or 0))
            turn.user.timeout_at = turn.now + seconds
        await self.behaviours.run(turn, spec.actions)
        self._render_state(turn, spec)

    def _state_buttons(self, turn: Turn, spec: StateSpec) -> tuple:
        own = {t.trigger for t in spec.on}
        scope = state_scope(turn.dialogs, spec.qualified)
        return tuple(
            tuple(
                self.behaviours.button(turn, b.id, turn.t(b.text),
                                       scope=scope if f"button:{b.id}" in own else GLOBAL_SCOPE)
                for b in row
            )
            for row in spec.buttons
        )

    def _render_state(self, turn: Turn, spec: StateSpec, with_actions: bool = True) -> None:
        for key in spec.say:
            turn.say(turn.t(key, user_days=self._user_days, transcript_days=self._transcript_days))
        if spec.buttons:
            turn.attach_buttons(self._state_buttons(turn, spec))

    _user_days = 180
    _transcript_days = 30

    def set_retention(self, user_days: int, transcript_days: int) -> None:
        self._user_days = user_days
        self._transcript_days = transcript_days

    def _say_to(self, chat_id: int, text: str, thread_id: int | None = None) -> SendText:
        return SendText(chat_id, text, thread_id=thread_id)
