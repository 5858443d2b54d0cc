"""Scores the risk detector on labelled YAML sets (tests/eval/risk_*.yaml): tables and rates."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.risk._detector import RiskDetector
from bot.risk._lexicon import CATEGORIES

LABELS = CATEGORIES + ("none",)


@dataclass(frozen=True)
class LabelledMessage:
    """One line of an eval file."""

    text: str
    lang: str
    label: str
    urgent: bool
    hostile: bool
    kind: str


@dataclass
class Outcome:
    """A labelled message and what the detector said."""

    item: LabelledMessage
    predicted: str
    urgent: bool
    hostile: bool
    cues: tuple[str, ...]


@dataclass
class EvalReport:
    """Counts from which every figure is derived."""

    outcomes: list[Outcome] = field(default_factory=list, repr=False)

    def __repr__(self) -> str:  # never print held-out messages in a test failure
        return f"EvalReport({len(self.outcomes)} messages)"

    def _pr(self, outcomes: Sequence[Outcome], label: str) -> tuple[int, int, int]:
        true_pos = sum(1 for o in outcomes if o.item.label == label and o.predicted == label)
        gold = sum(1 for o in outcomes if o.item.label == label)
        predicted = sum(1 for o in outcomes if o.predicted == label)
        return true_pos, gold, predicted

    def recall(self, label: str, language: str | None = None) -> float | None:
        subset = self._subset(language)
        true_pos, gold, _ = self._pr(subset, label)
        return true_pos / gold if gold else None

    def precision(self, label: str, language: str | None = None) -> float | None:
        subset = self._subset(language)
        true_pos, _, predicted = self._pr(subset, label)
        return true_pos / predicted if predicted else None

    def _subset(self, language: str | None) -> list[Outcome]:
        return [o for o in self.outcomes if language is None or o.item.lang == language]

    def false_handoff_rate(self, kinds: Iterable[str] = ("hard_negative_question",)) -> float:
        wanted = set(kinds)
        pool = [o for o in self.outcomes if o.item.label == "none" and o.item.kind in wanted]
        return sum(o.predicted != "none" for o in pool) / len(pool) if pool else 0.0

    def flag_recall(self, flag: str) -> float | None:
        gold = [o for o in self.outcomes if getattr(o.item, flag)]
        return sum(getattr(o, flag) for o in gold) / len(gold) if gold else None

    def flag_false_rate(self, flag: str) -> float | None:
        gold = [o for o in self.outcomes if not getattr(o.item, flag)]
        return sum(getattr(o, flag) for o in gold) / len(gold) if gold else None

    def hostile_none_handed_off(self) -> int:
        return sum(
            1 for o in self.outcomes
            if o.item.hostile and o.item.label == "none" and o.predicted != "none"
        )  # fmt: skip

    def errors(self) -> list[Outcome]:
        return [
            o for o in self.outcomes
            if (o.predicted, o.urgent, o.hostile) != (o.item.label, o.item.urgent, o.item.hostile)
        ]  # fmt: skip

    def table(self) -> str:
        """Precision/recall per label and language, then flag and false-handoff figures."""
        languages = sorted({o.item.lang for o in self.outcomes})
        lines = [f"{len(self.outcomes)} messages"]
        header = f"{'label':10} {'all':>11} " + " ".join(f"{lang:>11}" for lang in languages)
        lines += [header, " " * 11 + "(recall/precision, n)"]
        for label in LABELS:
            cells = [self._cell(label, None)] + [self._cell(label, lg) for lg in languages]
            lines.append(f"{label:10} " + " ".join(f"{c:>11}" for c in cells))
        lines.append(
            f"false handoff on hard_negative_question: {self.false_handoff_rate():.1%}; "
            f"on negation: {self.false_handoff_rate(('negation',)):.1%}"
        )
        lines.append(
            f"urgent recall {_fmt(self.flag_recall('urgent'))}, "
            f"urgent false-alarm rate {_fmt(self.flag_false_rate('urgent'))}; "
            f"hostile recall {_fmt(self.flag_recall('hostile'))}, "
            f"hostile false-alarm rate {_fmt(self.flag_false_rate('hostile'))}; "
            f"hostile+none handed off: {self.hostile_none_handed_off()}"
        )
        return "\n".join(lines)

    def _cell(self, label: str, language: str | None) -> str:
        subset = self._subset(language)
        _, gold, _ = self._pr(subset, label)
        recall, precision = self.recall(label, language), self.precision(label, language)
        return f"{_short(recall)}/{_short(precision)} {gold}"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _short(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}"


def load_messages(path: Path) -> list[LabelledMessage]:
    """Read an eval file (a YAML list of mappings)."""
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        LabelledMessage(
            text=str(row["text"]),
            lang=str(row["lang"]),
            label=str(row["label"]),
            urgent=bool(row.get("urgent", False)),
            hostile=bool(row.get("hostile", False)),
            kind=str(row.get("kind", "")),
        )  # fmt: skip
        for row in items
    ]


def evaluate(detector: RiskDetector, messages: Iterable[LabelledMessage]) -> EvalReport:
    """Run the detector over ``messages`` with each message's language as the hint."""
    report = EvalReport()
    for item in messages:
        verdict = detector.assess(item.text, item.lang)
        report.outcomes.append(
            Outcome(
                item, verdict.category or "none", verdict.urgent, verdict.hostile, verdict.cues
            )
        )
    return report
