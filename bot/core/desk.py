"""The counselor desk: taking, answering, releasing, transferring and closing cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.actions import (
    AnswerCallback,
    Button,
    CopyMessage,
    EditCaseTopic,
    Outcome,
    SendText,
)
from bot.core.behaviours import DeskConfig
from bot.core.buttons import GLOBAL_SCOPE, button_data, button_is_valid, parse_button
from bot.core.events import CounselorButton, CounselorCommand, CounselorEvent, CounselorMessage
from bot.core.ports import (
    CASE_CLOSED,
    CASE_TAKEN,
    CASE_WAITING,
    CLOSE_OUTCOMES,
    CaseRecord,
    Ports,
    Risk,
)
from bot.core.render import case_title, helplines_text
from bot.core.turn import Turn

if TYPE_CHECKING:
    from bot.core.engine import Engine

REALERT_AFTER_S = (120.0, 300.0)
DESK_OWNER = "desk"
DESK_HELP = (
    "Counselor desk: press ✋ Take case on a case card, then write in the case topic: your "
    "messages reach the user as \"Counselor\". Commands in a case topic: /release (back to "
    "the queue), /transfer NAME (to a colleague's alias), /close OUTCOME ("
    + ", ".join(CLOSE_OUTCOMES) + "). Anywhere: /alias NAME (the name colleagues transfer to), "
    "/cases (the waiting queue)."
)


class Desk:
    """Handles events from the counselors' forum group and the periodic tick."""

    def __init__(self, engine: Engine, config: DeskConfig) -> None:
        self.engine = engine
        self.config = config

    def _post(self, outcome: Outcome, text: str, thread_id: int | None) -> None:
        if self.config.counselor_chat_id is not None:
            outcome.actions.append(SendText(self.config.counselor_chat_id, text,
                                            thread_id=thread_id))

    def take_button(self, case_id: int) -> Button:
        data = button_data(self.engine.signer, DESK_OWNER, GLOBAL_SCOPE, "take", str(case_id))
        return Button("✋ Take case", data)

    async def handle(self, event: CounselorEvent, ports: Ports) -> Outcome:
        outcome = Outcome()
        if event.chat_id != self.config.counselor_chat_id:
            return outcome
        outcome.facts["counselor"] = event.counselor.key
        if isinstance(event, CounselorButton):
            await self._button(event, ports, outcome)
        elif isinstance(event, CounselorCommand):
            await self._command(event, ports, outcome)
        else:
            await self._message(event, ports, outcome)
        return outcome

    # -- buttons ----------------------------------------------------------------------------
    async def _button(self, event: CounselorButton, ports: Ports, outcome: Outcome) -> None:
        parsed = parse_button(event.data)
        if (parsed is None or parsed.id != "take" or not parsed.arg.isdigit()
                or not button_is_valid(self.engine.signer, DESK_OWNER, GLOBAL_SCOPE, parsed)):
            outcome.actions.append(AnswerCallback(event.callback_query_id,
                                                  "This button is not valid.", alert=True))
            return
        case = await ports.cases.get(int(parsed.arg))
        me = event.counselor.key
        if case is None or case.status == CASE_CLOSED:
            outcome.actions.append(AnswerCallback(event.callback_query_id,
                                                  "This case is closed.", alert=True))
            return
        if case.counselor_key == me:
            outcome.actions.append(AnswerCallback(event.callback_query_id,
                                                  "You already have this case."))
            return
        now = self.engine.clock()
        if not await ports.cases.take(case.id, me, now):
            outcome.actions.append(AnswerCallback(event.callback_query_id,
                                                  "Another counselor has taken this case.",
                                                  alert=True))
            return
        outcome.actions.append(AnswerCallback(event.callback_query_id, "The case is yours."))
        outcome.facts["case"] = case.id
        alias = await ports.counselors.alias_of(me) or event.counselor.display_name
        await ports.counselors.set_alias(me, event.counselor.user_id, alias)
        self._post(outcome, f"✅ {alias} took case #{case.id}. Write here to answer the user.",
                   case.thread_id)
        await ports.analytics.count("case_taken", reason=case.reason,
                                    wait_s=str(int(now - case.opened_at)))
        await self._move_user(ports, case, "handoff.talking", outcome, "handoff.connected")

    async def _move_user(self, ports: Ports, case: CaseRecord, state: str, outcome: Outcome,
                         say_key: str | None = None, close_case: bool = False) -> None:
        await ports.locks.hold(case.chat_id)  # the user's own updates wait for this change
        user = await ports.users.load(case.user_key)
        if user is None:
            return
        dialogs = self.engine.registry.place(user)
        turn = Turn(user=user, ports=ports, dialogs=dialogs, now=self.engine.clock())
        if close_case:
            user.active_case_id = None
        if say_key:
            turn.say(turn.t(say_key))
        if state in dialogs.states:
            await self.engine.enter(turn, state)
        await ports.users.save(user)
        outcome.actions.extend(turn.actions)

    # -- messages ---------------------------------------------------------------------------
    async def _message(self, event: CounselorMessage, ports: Ports, outcome: Outcome) -> None:
        if event.thread_id is None:
            return  # the General topic is the counselors' own space
        case = await ports.cases.by_thread(event.thread_id)
        if case is None:
            return
        if case.status == CASE_CLOSED:
            self._post(outcome, f"Case #{case.id} is closed: nothing was sent to the user.",
                       event.thread_id)
            return
        if case.status == CASE_WAITING:
            self._post(outcome, "Take the case first (✋ Take case on the card): nothing was "
                       "sent to the user.", event.thread_id)
            return
        if case.counselor_key != event.counselor.key:
            self._post(outcome, f"Case #{case.id} is with another counselor: only they can "
                       "write to the user. Nothing was sent.", event.thread_id)
            return
        if case.user_blocked:
            self._post(outcome, "The user has blocked the bot: the message cannot be delivered.",
                       event.thread_id)
            return
        now = self.engine.clock()
        outcome.actions.append(CopyMessage(case.chat_id, event.chat_id, event.message_id))
        outcome.facts["relayed"] = case.id
        await ports.cases.append_transcript(case.id, "counselor", event.text or f"[{event.kind}]",
                                            now)
        if case.first_reply_at is None:
            await ports.cases.update(case.id, first_reply_at=now)

    # -- commands ---------------------------------------------------------------------------
    async def _command(self, event: CounselorCommand, ports: Ports, outcome: Outcome) -> None:
        me = event.counselor.key
        if event.name == "alias":
            alias = " ".join(event.argument.split())[:32]
            if not alias:
                self._post(outcome, "Usage: /alias NAME", event.thread_id)
                return
            await ports.counselors.set_alias(me, event.counselor.user_id, alias)
            self._post(outcome, f"Your alias is now {alias}.", event.thread_id)
            return
        if event.name == "cases":
            waiting = await ports.cases.waiting_cases()
            lines = [f"#{c.id} · {c.reason} · {c.language}" + (" · URGENT" if c.urgent else "")
                     for c in waiting]
            self._post(outcome, "Waiting cases:\n" + ("\n".join(lines) if lines else "none"),
                       event.thread_id)
            return
        if event.name not in ("close", "release", "transfer") or event.thread_id is None:
            self._post(outcome, DESK_HELP, event.thread_id)
            return
        case = await ports.cases.by_thread(event.thread_id)
        if case is None or case.status == CASE_CLOSED:
            self._post(outcome, "There is no open case in this topic.", event.thread_id)
            return
        if case.status == CASE_TAKEN and case.counselor_key != me:
            self._post(outcome, f"Case #{case.id} is with another counselor.", event.thread_id)
            return
        if event.name == "release":
            await self._release(case, ports, outcome)
        elif event.name == "transfer":
            await self._transfer(case, event, ports, outcome)
        else:
            await self._close(case, event, ports, outcome)

    async def _release(self, case: CaseRecord, ports: Ports, outcome: Outcome) -> None:
        await ports.cases.release(case.id)
        outcome.actions.append(SendText(self.config.counselor_chat_id or 0,
                                        f"Case #{case.id} is back in the queue.",
                                        ((self.take_button(case.id),),), case.thread_id))

    async def _transfer(self, case: CaseRecord, event: CounselorCommand, ports: Ports,
                        outcome: Outcome) -> None:
        alias = " ".join(event.argument.split()).lstrip("@")
        target = await ports.counselors.find_by_alias(alias) if alias else None
        if target is None:
            self._post(outcome, "Usage: /transfer NAME, where NAME is a colleague's /alias. "
                       "No such colleague.", case.thread_id)
            return
        await ports.cases.assign(case.id, target)
        self._post(outcome, f"Case #{case.id} is now with {alias}.", case.thread_id)
        if case.status == CASE_WAITING:
            await self._move_user(ports, case, "handoff.talking", outcome, "handoff.connected")

    async def _close(self, case: CaseRecord, event: CounselorCommand, ports: Ports,
                     outcome: Outcome) -> None:
        outcome_name = event.argument.strip().lower()
        if outcome_name not in CLOSE_OUTCOMES:
            self._post(outcome, "Usage: /close OUTCOME, one of: " + ", ".join(CLOSE_OUTCOMES),
                       case.thread_id)
            return
        now = self.engine.clock()
        await ports.cases.close(case.id, outcome_name, now)
        closed = await ports.cases.get(case.id)
        self._post(outcome, f"Case #{case.id} closed: {outcome_name}.", case.thread_id)
        if case.thread_id is not None and closed is not None:
            outcome.actions.append(EditCaseTopic(case.thread_id, case_title(closed), True))
        await ports.analytics.count("case_closed", outcome=outcome_name, reason=case.reason)
        if not case.user_blocked:
            await self._move_user(ports, case, "handoff.closed", outcome, close_case=True)

    # -- escalation and timers --------------------------------------------------------------
    async def escalate(self, turn: Turn, case: CaseRecord, risk: Risk) -> None:
        """Distress while a case is open: alert the desk, and give helplines while waiting."""
        if risk.urgent and not case.urgent:
            await turn.ports.cases.update(case.id, urgent=True)
            updated = await turn.ports.cases.get(case.id)
            if updated is not None and case.thread_id is not None:
                turn.actions.append(EditCaseTopic(case.thread_id, case_title(updated)))
        if self.config.counselor_chat_id is not None and case.thread_id is not None:
            cues = "; ".join(risk.cues) or "distress"
            turn.actions.append(SendText(self.config.counselor_chat_id,
                                         f"🔴 Case #{case.id}: distress cues in the last message "
                                         f"({cues}).", thread_id=case.thread_id))
        if case.status == CASE_WAITING and not case.helplines_sent:
            turn.say(turn.t("crisis.intro"))
            turn.say(helplines_text(turn.dialogs.helplines, turn.dialogs.strings, turn.language))
            await turn.ports.cases.update(case.id, helplines_sent=True)
            turn.facts["helplines"] = True

    async def tick(self, now: float, ports: Ports) -> Outcome:
        outcome = Outcome()
        for case in await ports.cases.waiting_cases():
            if not case.urgent or case.realerts >= len(REALERT_AFTER_S):
                continue
            if now - case.opened_at >= REALERT_AFTER_S[case.realerts]:
                minutes = int((now - case.opened_at) // 60)
                await ports.cases.update(case.id, realerts=case.realerts + 1)
                text = (f"🔴 Urgent case #{case.id} has waited {minutes} min. "
                        "Please take it now.")
                self._post(outcome, text, case.thread_id)
                self._post(outcome, text, None)
        for key in await ports.users.due_timeouts(now):
            user = await ports.users.load(key)
            if user is None:
                continue
            dialogs = self.engine.registry.place(user)
            turn = Turn(user=user, ports=ports, dialogs=dialogs, now=now)
            user.timeout_at = None
            if self.engine._machine(dialogs).handles(user.state or "", "timeout"):
                await self.engine.fire(turn, "timeout")
                user.timeout_at = None
            await ports.users.save(user)
            outcome.actions.extend(turn.actions)
        return outcome
