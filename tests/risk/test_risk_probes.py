"""The author's own breadth probes (tests/risk/risk_probes.yaml) stay correct: a regression net."""

from __future__ import annotations

from pathlib import Path

from bot.risk import load_risk_detector
from bot.risk.evaluation import evaluate, load_messages

PROBES = Path(__file__).with_name("risk_probes.yaml")


def test_probe_accuracy() -> None:
    report = evaluate(load_risk_detector(), load_messages(PROBES))
    wrong = [o for o in report.outcomes if o.predicted != o.item.label]
    assert len(wrong) <= len(report.outcomes) * 0.02, [
        (o.item.text, o.item.label, o.predicted) for o in wrong
    ]
    assert (report.recall("distress") or 0) >= 0.98
    assert (report.flag_recall("urgent") or 0) >= 0.95
    assert report.hostile_none_handed_off() == 0
