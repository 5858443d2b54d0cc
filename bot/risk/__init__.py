"""Risk triage for every user message: distress, leaving, family, request; urgent; hostile.

Lexicons (bot/risk/lexicons/) first, then a hashed n-gram classifier for what they miss
(weights in classifier_weights.txt; retrain with `python -m bot.risk.train_classifier`).
"""

from bot.risk._detector import DEFAULT_LANGUAGES, RiskDetector, load_risk_detector
from bot.risk._lexicon import LexiconError
from bot.risk._model import CATEGORY_PRIORITY, RiskAssessment, RiskCategory

__all__ = [
    "CATEGORY_PRIORITY",
    "DEFAULT_LANGUAGES",
    "LexiconError",
    "RiskAssessment",
    "RiskCategory",
    "RiskDetector",
    "load_risk_detector",
]
