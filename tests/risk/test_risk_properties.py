"""Property tests: any text, however odd, is assessed without an exception."""

from __future__ import annotations

from functools import lru_cache

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.risk import RiskAssessment, RiskDetector, load_risk_detector

ODD_CHARACTERS = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202e\u2066\u2069\ufeff\u0640\u064b"


@lru_cache(maxsize=1)
def detector() -> RiskDetector:
    return load_risk_detector()


odd_text = st.text(
    alphabet=st.one_of(st.characters(), st.sampled_from(ODD_CHARACTERS + " .,?!'*()[]{}\\|")),
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(text=odd_text, language=st.sampled_from([None, "en", "ar", "fr", "de", "ru", "tr", "xx"]))
def test_any_text_is_assessed(text: str, language: str | None) -> None:
    verdict = detector().assess(text, language)
    assert isinstance(verdict, RiskAssessment)
    assert verdict.handoff is (verdict.category is not None)


def _to_telegram_limit(chunk: str) -> str:
    return (chunk * (4096 // len(chunk) + 1))[:4096]


@settings(max_examples=30, deadline=None)
@given(text=st.text(alphabet=st.one_of(st.characters(), st.sampled_from(ODD_CHARACTERS)),
                    min_size=1, max_size=80).map(_to_telegram_limit))  # fmt: skip
def test_telegram_sized_messages(text: str) -> None:
    assert len(text) == 4096
    detector().assess(text)


def test_rtl_marks_do_not_hide_a_cue() -> None:
    assert detector().assess("\u202bأريد\u200f أن\u200b أموت\u202c").category == "distress"
