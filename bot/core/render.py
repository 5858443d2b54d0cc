"""Texts the core composes from data: clip captions, helplines, case cards and titles."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.ports import CaseRecord, ClipCard
from bot.flows.model import Helplines, Strings

CAPTION_MAX = 1024
TOPIC_TITLE_MAX = 128
MESSAGE_MAX = 4096


def clip_caption(card: ClipCard, strings: Strings, language: str, sample: bool) -> str:
    role = strings.get(f"role.{card.role}", language)
    if role == f"role.{card.role}":
        role = card.role.replace("_", " ")
    lines = [strings.get("clip.caption", language, title=card.title, pseudonym=card.pseudonym,
                         role=role, origin=card.origin)]
    if card.warning == "distressing":
        lines.append(strings.get("clip.warning_distressing", language))
    elif card.warning == "graphic":
        lines.append(strings.get("clip.warning_graphic", language))
    if sample:
        lines.append(strings.get("clip.sample", language))
    return "\n".join(lines)[:CAPTION_MAX]


def helplines_text(helplines: Helplines, strings: Strings, language: str) -> str:
    lines = [strings.get("helplines.header", language)]
    for line in helplines.for_language(language):
        lines.append(strings.get("helplines.line", language, name=line.name,
                                 contact=line.contact, hours=line.hours))
    if helplines.international_url:
        lines.append(strings.get("helplines.international", language,
                                 url=helplines.international_url))
    return "\n".join(lines)[:MESSAGE_MAX]


def case_title(case: CaseRecord) -> str:
    parts = [f"#{case.id}", case.reason, case.language]
    if case.urgent:
        parts.insert(0, "🔴 URGENT")
    if case.status == "closed":
        parts.insert(0, "✔")
    return " · ".join(parts)[:TOPIC_TITLE_MAX]


def case_card(case: CaseRecord, cues: Sequence[str], clips: Sequence[str],
              recent: Sequence[str]) -> str:
    lines = [f"Case #{case.id}" + ("  🔴 URGENT" if case.urgent else ""),
             f"Reason: {case.reason}", f"Language: {case.language}"]
    lines.append("Cues: " + ("; ".join(cues) if cues else "none (the user asked)"))
    lines.append("Clips watched: " + (", ".join(clips) if clips else "none"))
    if recent:
        lines.append("Last messages:")
        lines += [f"» {text}" for text in recent]
    lines.append("")
    lines.append("Take the case to answer. Then write here: your messages go to the user "
                 "as \"Counselor\". /release, /transfer NAME, /close OUTCOME "
                 "(referred, resolved, no_response, unsafe, other), /alias NAME.")
    return "\n".join(lines)[:MESSAGE_MAX]
