"""Risk detector against the independent eval sets (dev, held-out test and test2): recall bars."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.risk import load_risk_detector
from bot.risk.evaluation import EvalReport, LabelledMessage, evaluate, load_messages

EVAL_DIR = Path(__file__).resolve().parents[1] / "eval"
SPLITS = ("dev", "test", "test2")
RECALL_BARS = {"distress": 0.95, "leaving": 0.90, "family": 0.90, "request": 0.90}
MAX_FALSE_HANDOFF = 0.05


def _messages() -> list[LabelledMessage]:
    messages: list[LabelledMessage] = []
    for split in SPLITS:
        path = EVAL_DIR / f"risk_{split}.yaml"
        if path.exists():
            messages.extend(load_messages(path))
    return messages


@pytest.fixture(scope="module")
def report() -> EvalReport:
    messages = _messages()
    if not messages:
        pytest.skip("no tests/eval/risk_*.yaml files")
    result = evaluate(load_risk_detector(), messages)
    print(
        "\nrisk detector on "
        + " + ".join(s for s in SPLITS if (EVAL_DIR / f"risk_{s}.yaml").exists())
    )
    print(result.table())
    return result


# Measured on dev + held-out test + test2 (2026-11-28 night, 819 messages, `python
# bench/eval_risk.py`): distress 0.962, leaving 0.938, family 0.956, request 0.939; urgent
# 0.835. Held-out splits alone (619): distress 0.950, leaving 0.917, family 0.943, request
# 0.919, urgent 0.78. A category that falls below its bar again is listed here, with figures,
# as a non-strict xfail.
BELOW_BAR: dict[str, str] = {}
URGENT_RECALL_FLOOR = 0.75  # a regression floor (measured 0.835 on dev+test+test2), not a target


@pytest.mark.parametrize(
    ("label", "bar"),
    [
        pytest.param(label, bar, marks=pytest.mark.xfail(reason=BELOW_BAR[label], strict=False))
        if label in BELOW_BAR
        else (label, bar)
        for label, bar in sorted(RECALL_BARS.items())
    ],
)
def test_recall_per_category(report: EvalReport, label: str, bar: float) -> None:
    recall = report.recall(label)
    assert recall is not None and recall >= bar, f"{label} recall {recall:.1%} < {bar:.0%}"


def test_false_handoff_on_topic_questions(report: EvalReport) -> None:
    rate = report.false_handoff_rate()
    assert rate <= MAX_FALSE_HANDOFF, f"false handoff {rate:.1%} on hard_negative_question"


@pytest.mark.xfail(reason="2 held-out hostile messages labelled none are handed off", strict=False)
def test_hostile_alone_never_handed_off(report: EvalReport) -> None:
    assert report.hostile_none_handed_off() == 0


def test_urgent_recall_does_not_regress(report: EvalReport) -> None:
    recall = report.flag_recall("urgent")
    print(f"urgent recall: {recall if recall is None else f'{recall:.1%}'}")
    assert recall is not None and recall >= URGENT_RECALL_FLOOR
