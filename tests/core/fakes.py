"""A tiny clip library and a keyword risk stub (and the in-memory ports), for fast core tests."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from bot.core.memory_ports import memory_ports
from bot.core.ports import ClipCard, MatchAnswer, Risk

__all__ = ["FakeLibrary", "KeywordRisk", "memory_ports"]

CLIPS = {
    "salary": ("The salary that never came", ("promises_vs_reality",), "none", "general",
               {"salary", "paid", "money", "salaire", "gehalt"}),
    "salary2": ("Houses that were never given", ("promises_vs_reality",), "none", "general",
                {"house", "salary", "promised"}),
    "execution": ("What I saw in the square", ("brutality",), "graphic", "general",
                  {"execution", "killed", "punish"}),
    "mother": ("A mother's search", ("family",), "distressing", "family",
               {"mother", "son"}),
}


class FakeLibrary:
    sample = True

    def detect_language(self, text: str, prior: str | None) -> str:
        if any("\u0600" <= ch <= "\u06ff" for ch in text):
            return "ar"
        return prior or "en"

    def match(self, text: str, language: str, exclude: Collection[str]) -> MatchAnswer:
        words = set(text.lower().replace("?", " ").split())
        hits = [cid for cid, (_, _, _, _, kws) in CLIPS.items()
                if words & kws and cid not in exclude]
        if not hits:
            return MatchAnswer(language, (), None, False)
        return MatchAnswer(language, tuple(hits), CLIPS[hits[0]][1][0], True)

    def clips_for_topic(self, topic: str, language: str,
                        exclude: Collection[str]) -> Sequence[str]:
        return [cid for cid, v in CLIPS.items() if topic in v[1] and cid not in exclude]

    def family_clips(self, language: str, exclude: Collection[str]) -> Sequence[str]:
        return [cid for cid, v in CLIPS.items() if v[3] == "family" and cid not in exclude]

    def card(self, clip_id: str, language: str) -> ClipCard | None:
        if clip_id not in CLIPS:
            return None
        title, topics, warning, audience, _ = CLIPS[clip_id]
        return ClipCard(clip_id, title, "Abu Test", "fighter", "Tunisia", warning, topics,
                        "summary", audience)

    def topics(self, language: str) -> Sequence[tuple[str, str]]:
        return [("promises_vs_reality", "Promises vs reality"), ("brutality", "Brutality"),
                ("family", "Family")]

    def question_pattern(self, text: str, language: str) -> str:
        return " ".join(sorted(set(text.lower().split())))[:40]


class KeywordRisk:
    def assess(self, text: str, language: str | None) -> Risk:
        low = text.lower()
        if "tonight" in low and "die" in low:
            return Risk("distress", True, False, ("distress/en: 'die' + 'tonight'",))
        if "want to die" in low:
            return Risk("distress", False, False, ("distress/en: 'want to die'",))
        if "want to leave" in low or "get out" in low:
            return Risk("leaving", False, False, ("leaving/en: 'want to leave'",))
        if "my son" in low:
            return Risk("family", False, False, ("family/en: 'my son'",))
        if "real person" in low:
            return Risk("request", False, False, ("request/en",))
        return Risk(None, False, "idiot" in low, ())
