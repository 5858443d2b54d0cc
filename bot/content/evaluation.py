"""Topic accuracy of the matcher on labelled questions (tests/eval/matcher_*.yaml)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.content.language import detect_language
from bot.content.matcher import Matcher


@dataclass(frozen=True)
class LabelledQuestion:
    """A question with its language, gold topic and other acceptable topics."""

    text: str
    language: str
    topic: str
    also: tuple[str, ...] = ()

    @property
    def acceptable(self) -> frozenset[str]:
        """Topics that count as a correct answer."""
        return frozenset((self.topic, *self.also))


@dataclass
class Tally:
    """Counts of one group of questions."""

    total: int = 0
    top1: int = 0
    top3: int = 0
    language_ok: int = 0

    def share(self, count: int) -> float:
        """``count`` as a share of ``total`` (0 when empty)."""
        return count / self.total if self.total else 0.0


@dataclass
class EvalReport:
    """Overall and per-language tallies, plus the questions missed at top-3."""

    overall: Tally = field(default_factory=Tally)
    by_language: dict[str, Tally] = field(default_factory=dict)
    misses: list[tuple[LabelledQuestion, tuple[str, ...]]] = field(default_factory=list)

    def table(self, title: str) -> str:
        """A plain-text table: language, n, top-1, top-3, language detection accuracy."""
        rows = [f"{title}", f"{'lang':<6}{'n':>5}{'top-1':>8}{'top-3':>8}{'lang-id':>9}"]
        for name, tally in [*sorted(self.by_language.items()), ("all", self.overall)]:
            rows.append(f"{name:<6}{tally.total:>5}{tally.share(tally.top1):>8.3f}"
                        f"{tally.share(tally.top3):>8.3f}{tally.share(tally.language_ok):>9.3f}")
        return "\n".join(rows)


def load_questions(path: Path) -> list[LabelledQuestion]:
    """Read an evaluation file: a YAML list of {text, lang, topic, also?}."""
    items = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [LabelledQuestion(str(item["text"]), str(item["lang"]), str(item["topic"]),
                             tuple(item.get("also") or ())) for item in items]


def evaluate(matcher: Matcher, questions: Sequence[LabelledQuestion]) -> EvalReport:
    """Top-1/top-3 topic accuracy; the language is detected with the label as Telegram prior."""
    report = EvalReport()
    languages = matcher.index.languages
    for question in questions:
        language = detect_language(question.text, question.language, languages)
        result = matcher.match(question.text, language, limit=3)
        ranked = [match.topics for match in result.matches]
        hit1 = bool(ranked) and bool(question.acceptable & set(ranked[0]))
        hit3 = any(question.acceptable & set(topics) for topics in ranked[:3])
        for tally in (report.overall,
                      report.by_language.setdefault(question.language, Tally())):
            tally.total += 1
            tally.top1 += hit1
            tally.top3 += hit3
            tally.language_ok += language == question.language
        if not hit3:
            report.misses.append((question, tuple(m.clip_id for m in result.matches)))
    return report
