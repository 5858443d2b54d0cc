"""The action vocabulary flows may name, implemented against the turn and the ports."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.core.actions import (
    Button,
    CopyMessage,
    EditCaseTopic,
    OpenCaseTopic,
    SendClip,
    SendText,
)
from bot.core.buttons import GLOBAL_SCOPE, Signer, button_data
from bot.core.hours import OpeningHours
from bot.core.ports import CASE_CLOSED, Library
from bot.core.render import case_card, case_title, clip_caption, helplines_text
from bot.core.turn import Turn, rows
from bot.flows.model import ActionSpec

FEEDBACK_EVERY_CLIPS = 3


@dataclass
class DeskConfig:
    """What behaviours need to know about the counselor desk."""

    counselor_chat_id: int | None
    hours: OpeningHours
    handoff_wait_seconds: float
    languages: tuple[str, ...]


class Behaviours:
    """Implements every name in bot.flows.vocabulary.ACTIONS and CONDITIONS."""

    def __init__(self, library: Library, signer: Signer, desk: DeskConfig) -> None:
        self.library = library
        self.signer = signer
        self.desk = desk
        self._actions: dict[str, Callable[[Turn, Any], Awaitable[None]]] = {
            name[3:]: getattr(self, name) for name in dir(self) if name.startswith("do_")
        }

    @property
    def action_names(self) -> set[str]:
        return set(self._actions)

    async def run(self, turn: Turn, actions: tuple[ActionSpec, ...]) -> None:
        for action in actions:
            await self._actions[action.name](turn, action.arg)

    def condition(self, turn: Turn, name: str) -> bool:
        if name == "safe_to_contact":
            return bool(turn.user.safe_to_contact)
        if name == "within_hours":
            return self.desk.hours.is_open(turn.now)
        if name == "has_open_case":
            return turn.user.active_case_id is not None
        if name == "feedback_due":
            return turn.user.clips_since_feedback >= FEEDBACK_EVERY_CLIPS
        if name == "is_sample":
            return self.library.sample
        return False

    # -- buttons -----------------------------------------------------------------------
    def button(self, turn: Turn, button_id: str, label: str, arg: str = "",
               scope: str = GLOBAL_SCOPE) -> Button:
        return Button(label, button_data(self.signer, turn.user.key, scope, button_id, arg))

    def clip_buttons(self, turn: Turn) -> tuple[tuple[Button, ...], ...]:
        return rows([
            self.button(turn, "another", turn.t("clip.btn_another")),
            self.button(turn, "different", turn.t("clip.btn_different")),
            self.button(turn, "talk", turn.t("clip.btn_talk")),
        ])

    # -- clips -------------------------------------------------------------------------
    async def send_clip(self, turn: Turn, clip_id: str, topic: str | None) -> None:
        card = self.library.card(clip_id, turn.language)
        if card is None:
            turn.say(turn.t("ask.no_match"))
            await self.do_show_topics(turn, None)
            return
        user = turn.user
        if clip_id not in user.seen_clips:
            user.seen_clips.append(clip_id)
        user.last_clip = clip_id
        user.last_topic = topic or (card.topics[0] if card.topics else None)
        user.pending_clip = None
        user.clips_since_feedback += 1
        caption = clip_caption(card, turn.dialogs.strings, turn.language, self.library.sample)
        turn.actions.append(SendClip(user.chat_id, clip_id, caption, self.clip_buttons(turn)))
        turn.facts["clip"] = clip_id
        if len(user.seen_clips) > 1:
            await turn.ports.analytics.count("clip_followup", campaign=user.campaign or "")
        await turn.ports.analytics.count("clip_sent", topic=user.last_topic or "",
                                         language=turn.language, clip=clip_id,
                                         campaign=user.campaign or "")
        if user.clips_since_feedback >= FEEDBACK_EVERY_CLIPS:
            user.clips_since_feedback = 0
            turn.say(turn.t("ask.feedback_nudge"), rows([
                self.button(turn, "helped", turn.t("feedback.btn_yes")),
                self.button(turn, "not_helped", turn.t("feedback.btn_no")),
            ], per_row=2))

    async def offer_clip(self, turn: Turn, clip_id: str, topic: str | None) -> None:
        """Send a clip, or first ask for confirmation when it is marked graphic."""
        card = self.library.card(clip_id, turn.language)
        if card is not None and card.warning == "graphic":
            turn.user.pending_clip = clip_id
            turn.user.last_topic = topic or turn.user.last_topic
            turn.say(turn.t("ask.graphic_warning"), rows([
                self.button(turn, "show_graphic", turn.t("ask.btn_show_graphic")),
                self.button(turn, "skip_graphic", turn.t("ask.btn_skip_graphic")),
            ], per_row=2))
            return
        await self.send_clip(turn, clip_id, topic)

    async def do_answer_question(self, turn: Turn, _: Any) -> None:
        text = (turn.text or "").strip()
        user = turn.user
        if not user.language_locked:
            user.language = self.library.detect_language(text, user.language)
        answer = self.library.match(text, turn.language, user.seen_clips)
        turn.facts["matched"] = answer.confident
        await turn.ports.analytics.count("question", language=turn.language,
                                         campaign=user.campaign or "")
        if answer.confident and answer.clip_ids:
            await self.offer_clip(turn, answer.clip_ids[0], answer.topic)
            return
        await turn.ports.analytics.count("unmatched", language=turn.language)
        pattern = self.library.question_pattern(text, turn.language)
        if pattern:
            await turn.ports.analytics.unmatched(turn.language, pattern)
        again = self.library.match(text, turn.language, ())
        if again.confident and again.clip_ids:
            turn.say(turn.t("ask.no_more_clips"))
        else:
            turn.say(turn.t("ask.no_match"))
        await self.do_show_topics(turn, None)

    async def do_send_another_clip(self, turn: Turn, _: Any) -> None:
        topic = turn.user.last_topic
        if topic is None:
            await self.do_show_topics(turn, None)
            return
        await self._topic_clip(turn, topic)

    async def do_send_topic_clip(self, turn: Turn, _: Any) -> None:
        await self._topic_clip(turn, turn.button_arg)

    async def _topic_clip(self, turn: Turn, topic: str) -> None:
        candidates = self.library.clips_for_topic(topic, turn.language, turn.user.seen_clips)
        if not candidates:
            turn.say(turn.t("ask.no_more_clips"))
            await self.do_show_topics(turn, None)
            return
        await self.offer_clip(turn, candidates[0], topic)

    async def do_send_pending_clip(self, turn: Turn, _: Any) -> None:
        clip_id = turn.user.pending_clip
        if clip_id is None:
            await self.do_show_topics(turn, None)
            return
        await self.send_clip(turn, clip_id, turn.user.last_topic)

    async def do_send_family_clip(self, turn: Turn, _: Any) -> None:
        candidates = self.library.family_clips(turn.language, turn.user.seen_clips)
        if not candidates:
            turn.say(turn.t("family.no_family_clip"))
            return
        await self.offer_clip(turn, candidates[0], "family")

    async def do_show_topics(self, turn: Turn, _: Any) -> None:
        buttons = [self.button(turn, "topic", title, arg=topic_id)
                   for topic_id, title in self.library.topics(turn.language)]
        turn.say(turn.t("ask.topics_prompt"), rows(buttons, per_row=2))

    # -- language, consent, notices ------------------------------------------------------
    async def do_show_languages(self, turn: Turn, _: Any) -> None:
        buttons = [self.button(turn, "set_language", turn.dialogs.strings.get(f"language.{code}",
                                                                                code), arg=code)
                   for code in self.desk.languages]
        turn.attach_buttons(rows(buttons, per_row=3))

    async def do_set_language(self, turn: Turn, _: Any) -> None:
        if turn.button_arg in self.desk.languages:
            turn.user.language = turn.button_arg
            turn.user.language_locked = True
            turn.say(turn.t("welcome.language_set"))

    async def do_record_consent(self, turn: Turn, _: Any) -> None:
        turn.user.consented = True
        await self.deliver_pending_link(turn)

    async def deliver_pending_link(self, turn: Turn) -> None:
        """Open what a deep link pointed at (after the welcome and consent)."""
        link = turn.user.pending_link
        turn.user.pending_link = None
        if not link:
            return
        campaign = turn.user.campaign or ""
        if link.get("clip") and self.library.card(link["clip"], turn.language):
            await turn.ports.analytics.count("deeplink_opened", campaign=campaign, kind="clip")
            await self.offer_clip(turn, link["clip"], None)
        elif link.get("topic") and self.library.clips_for_topic(link["topic"], turn.language, ()):
            await turn.ports.analytics.count("deeplink_opened", campaign=campaign, kind="topic")
            await self._topic_clip(turn, link["topic"])
        elif link.get("flow") == "family":
            await turn.ports.analytics.count("deeplink_opened", campaign=campaign, kind="family")
            turn.redirect = "family.start"
        elif link.get("flow") == "talk":
            await turn.ports.analytics.count("deeplink_opened", campaign=campaign, kind="talk")
            turn.user.pending_reason = "request"
            turn.redirect = "handoff.offer"

    async def do_sample_notice(self, turn: Turn, _: Any) -> None:
        if self.library.sample:
            turn.say(turn.t("welcome.sample_notice"))

    async def do_say(self, turn: Turn, key: str) -> None:
        turn.say(turn.t(key))

    async def do_say_hours(self, turn: Turn, _: Any) -> None:
        hours = self.desk.hours
        if hours.always:
            turn.say(turn.t("handoff.hours_always"))
        elif hours.is_open(turn.now):
            turn.say(turn.t("handoff.hours_open", hours=hours.text))
        else:
            turn.say(turn.t("handoff.hours_closed", hours=hours.text,
                            next_open=hours.describe_next_open(turn.now)))

    async def do_send_helplines(self, turn: Turn, _: Any) -> None:
        turn.say(helplines_text(turn.dialogs.helplines, turn.dialogs.strings, turn.language))
        turn.facts["helplines"] = True

    async def do_set_reason(self, turn: Turn, reason: str) -> None:
        turn.user.pending_reason = reason

    async def do_set_safe_to_contact(self, turn: Turn, value: bool) -> None:
        turn.user.safe_to_contact = bool(value)

    async def do_record_feedback(self, turn: Turn, value: str) -> None:
        await turn.ports.analytics.count("feedback", value=value, language=turn.language,
                                         campaign=turn.user.campaign or "")

    async def do_stop_conversation(self, turn: Turn, _: Any) -> None:
        await self.do_cancel_handoff(turn, None, quiet=True)
        turn.user.pending_clip = None

    async def do_forget_user(self, turn: Turn, _: Any) -> None:
        case_id = turn.user.active_case_id
        if case_id is not None:
            case = await turn.ports.cases.get(case_id)
            if case is not None and case.thread_id is not None and self.desk.counselor_chat_id:
                turn.actions.append(SendText(self.desk.counselor_chat_id,
                                             f"Case #{case.id}: the user deleted their data. "
                                             "The case is closed.", thread_id=case.thread_id))
                turn.actions.append(EditCaseTopic(case.thread_id, f"✔ #{case.id} · deleted",
                                                  closed=True))
        await turn.ports.users.erase(turn.user.key)
        turn.erased = True
        turn.say(turn.t("privacy.deleted"))

    # -- handoff -----------------------------------------------------------------------
    async def do_open_handoff(self, turn: Turn, _: Any, urgent: bool = False) -> None:
        user = turn.user
        if user.active_case_id is not None:
            case = await turn.ports.cases.get(user.active_case_id)
            if case is not None and case.status != CASE_CLOSED:
                if urgent and not case.urgent:
                    await turn.ports.cases.update(case.id, urgent=True)
                turn.say(turn.t("handoff.already_waiting"))
                return
        reason = user.pending_reason or "request"
        case = await turn.ports.cases.open(user_key=user.key, chat_id=user.chat_id,
                                           reason=reason, urgent=urgent,
                                           language=turn.language, now=turn.now)
        user.active_case_id = case.id
        user.pending_reason = None
        cues = list(turn.risk.cues) if turn.risk and turn.risk.cues else user.pending_cues
        user.pending_cues = []
        clips = []
        for clip_id in user.seen_clips[-5:]:
            card = self.library.card(clip_id, "en")
            clips.append(card.title if card else clip_id)
        card_text = case_card(case, cues, clips, [text for _, text in user.recent_texts])
        take = Button("✋ Take case", button_data(self.signer, "desk", GLOBAL_SCOPE, "take",
                                                  str(case.id)))
        turn.actions.append(OpenCaseTopic(case.id, case_title(case), card_text, ((take,),),
                                          reason, urgent))
        turn.facts["case"] = case.id
        await turn.ports.analytics.count("handoff_opened", reason=reason,
                                         urgent=str(urgent).lower(), language=turn.language,
                                         campaign=user.campaign or "")
        hours = self.desk.hours
        if urgent:
            turn.say(turn.t("handoff.queued_urgent"))
        if not hours.is_open(turn.now):
            turn.say(turn.t("handoff.outside_hours",
                            next_open=hours.describe_next_open(turn.now)))
            if not (turn.facts.get("helplines")):
                await self.do_send_helplines(turn, None)
                await turn.ports.cases.update(case.id, helplines_sent=True)
        elif not urgent:
            position = await turn.ports.cases.queue_position(case.id)
            median = await turn.ports.cases.median_wait_seconds()
            if median is None:
                wait = turn.t("handoff.wait_unknown")
            else:
                minutes = max(1, round(median * position / 60))
                wait = turn.t("handoff.wait_minutes", minutes=minutes)
            turn.say(turn.t("handoff.queued", position=position, wait=wait))
        if turn.facts.get("helplines"):
            await turn.ports.cases.update(case.id, helplines_sent=True)

    async def do_open_urgent_handoff(self, turn: Turn, _: Any) -> None:
        await self.do_open_handoff(turn, None, urgent=True)

    async def do_cancel_handoff(self, turn: Turn, _: Any, quiet: bool = False) -> None:
        case_id = turn.user.active_case_id
        turn.user.active_case_id = None
        if case_id is None:
            return
        case = await turn.ports.cases.get(case_id)
        if case is None or case.status == CASE_CLOSED:
            return
        await turn.ports.cases.close(case.id, "cancelled", turn.now)
        if case.thread_id is not None and self.desk.counselor_chat_id:
            turn.actions.append(SendText(self.desk.counselor_chat_id,
                                         f"Case #{case.id}: the user withdrew the request.",
                                         thread_id=case.thread_id))
        if not quiet:
            turn.say(turn.t("handoff.cancelled"))

    def relay_to_desk(self, turn: Turn, thread_id: int, message_id: int) -> None:
        if self.desk.counselor_chat_id is None:
            return
        turn.actions.append(CopyMessage(self.desk.counselor_chat_id, turn.user.chat_id,
                                        message_id, thread_id=thread_id))
