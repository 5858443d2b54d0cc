"""The matcher's weights and thresholds in one frozen object."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MatcherTuning:
    """The scorer's weights and threshold; defaults were tuned on tests/eval/matcher_dev.yaml."""

    clip_weight: float = 1.0
    question_weight: float = 1.0
    topic_weight: float = 0.5
    secondary_topic: float = 0.8
    not_subtitled: float = 0.85
    same_topic_discount: float = 0.8
    fuzzy_weight: float = 0.7
    backoff_coverage: float = 0.5
    title_field: float = 3.0
    summary_field: float = 2.0
    transcript_field: float = 1.0
    question_field: float = 2.0
