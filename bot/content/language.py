"""Guess the language of a user's message from script, function words and letters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.content._stopwords import STOPWORDS
from bot.content._text import clean, strip_accents, strip_identifiers
from bot.content._translit import ARABIZI_STOPWORDS, RUSSIAN_LATIN_WORDS

_SCRIPT_LANGUAGE = {"arabic": "ar", "cyrillic": "ru"}
_LATIN_LANGUAGES = ("en", "fr", "de", "tr")
# Arabic and Russian typed in Latin letters ("kan fi rawateb?", "kak uehat ottuda").
_ROMANISED_WORDS = {"ar": ARABIZI_STOPWORDS, "ru": RUSSIAN_LATIN_WORDS}
_ARABIZI_DIGIT = re.compile(r"[a-z][2375689]|[2375689][a-z]")
# Letters that point at one language (weight) when typed in Latin script.
_LETTER_CUES: dict[str, dict[str, float]] = {
    "tr": {"ı": 2.0, "ş": 2.0, "ğ": 2.0, "İ": 2.0, "ç": 0.6, "ö": 0.6, "ü": 0.6},
    "de": {"ß": 2.0, "ä": 1.5, "ö": 0.8, "ü": 0.8},
    "fr": {"é": 1.5, "è": 1.5, "ê": 1.5, "à": 1.2, "â": 1.0, "ù": 1.5, "û": 1.0, "ô": 1.0,
           "î": 1.0, "ë": 0.8, "ï": 1.0, "ç": 0.8, "œ": 2.0},
}
_SUFFIX_CUES: dict[str, tuple[str, ...]] = {
    "en": ("ing", "ed", "ly", "th", "ght", "ies"),
    "fr": ("eux", "ait", "aient", "ions", "ez", "ement", "oir", "ette", "ique"),
    "de": ("ung", "sch", "cht", "keit", "heit", "lich", "chen", "ten", "ern"),
    "tr": ("lar", "ler", "mış", "miş", "mis", "dır", "dir", "lık", "lik", "sın", "sin",
           "yor", "acak", "ecek", "ım", "ları", "leri", "dı", "di"),
}
_EXTRA_WORDS: dict[str, str] = {
    "en": "life caliphate fighters women children money salary kill why how leave isis real",
    "fr": "vie califat combattants femmes enfants argent salaire tuer vraiment partir daech",
    "de": "leben kalifat kämpfer frauen kinder geld gehalt töten wirklich verlassen wie",
    "tr": "hayat halifelik savaşçı kadınlar çocuklar para maaş öldür gerçek ayrılmak nasil nasıl",
}
_MIN_EVIDENCE = 1.2
_PRIOR_BONUS = 0.9


def _script_of(char: str) -> str | None:
    if not char.isalpha():
        return None
    code = ord(char)
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    return unicodedata.name(char, "other").split(" ")[0].lower()


def _base(code: str | None) -> str | None:
    return code.split("-")[0].split("_")[0].lower() if code else None


def _fallback(prior: str | None, languages: Sequence[str]) -> str:
    if prior in languages:
        return prior
    if "en" in languages or not languages:
        return "en"
    return languages[0]


def _word_sets() -> dict[str, dict[str, float]]:
    owners: dict[str, set[str]] = {}
    for language in _LATIN_LANGUAGES:
        vocabulary = set(STOPWORDS[language]) | set(_EXTRA_WORDS[language].split())
        for word in vocabulary:
            for form in {word, strip_accents(word)}:
                owners.setdefault(form, set()).add(language)
    weights: dict[str, dict[str, float]] = {language: {} for language in _LATIN_LANGUAGES}
    for form, languages in owners.items():
        for language in languages:
            weights[language][form] = 1.0 / len(languages)
    return weights


_WORD_WEIGHTS = _word_sets()


def _latin_scores(text: str, candidates: Sequence[str]) -> dict[str, float]:
    scores = dict.fromkeys(candidates, 0.0)
    for char in text:
        for language, cues in _LETTER_CUES.items():
            if language in scores and char in cues:
                scores[language] += cues[char]
    lowered = text.replace("I", "ı") if "ı" in text or "ş" in text else text
    tokens = "".join(c if c.isalnum() or c == "'" else " " for c in lowered.casefold()).split()
    for language, vocabulary in _ROMANISED_WORDS.items():
        if language in scores:
            scores[language] += sum(0.8 for token in tokens if token in vocabulary)
    if "ar" in scores:
        scores["ar"] += 1.5 * len(_ARABIZI_DIGIT.findall(text.casefold()))
    for token in tokens:
        plain = strip_accents(token)
        for language in candidates:
            table = _WORD_WEIGHTS.get(language, {})
            weight = table.get(token, table.get(plain, 0.0))
            if weight:
                scores[language] += weight
            elif len(token) > 4 and token.endswith(_SUFFIX_CUES.get(language, ())):
                scores[language] += 0.25
    return scores


def detect_language(text: str, prior: str | None, languages: Sequence[str]) -> str:
    """The most likely language of ``text`` among ``languages``, leaning on ``prior``.

    ``prior`` is Telegram's ``language_code`` (``"de-AT"`` works); it decides for short,
    ambiguous, emoji-only or digit-only text. Without a usable prior the answer is English
    when supported, else the first language.
    """
    prior = _base(prior)
    text = strip_identifiers(clean(text))
    script_counts: dict[str, int] = {}
    for char in text:
        script = _script_of(char)
        if script is not None:
            script_counts[script] = script_counts.get(script, 0) + 1
    letters = sum(script_counts.values())
    if letters == 0:
        return _fallback(prior, languages)
    prior_script = next((s for s, lang in _SCRIPT_LANGUAGE.items() if lang == prior), "latin")
    if prior in languages and script_counts.get(prior_script, 0) >= 0.5 * letters:
        dominant = prior_script
    else:  # Latin words (ISIS, Daesh) are common inside Arabic or Russian messages
        weight = {"latin": 1.0}
        dominant = max(script_counts, key=lambda s: script_counts[s] * weight.get(s, 1.5))
    if dominant in _SCRIPT_LANGUAGE:
        language = _SCRIPT_LANGUAGE[dominant]
        return language if language in languages else _fallback(prior, languages)
    if dominant != "latin":
        return _fallback(prior, languages)
    candidates = [lang for lang in languages if lang in _LATIN_LANGUAGES]
    if not candidates:
        return _fallback(prior, languages)
    candidates += [lang for lang in _ROMANISED_WORDS if lang in languages]
    scores = _latin_scores(text, candidates)
    if prior in scores:
        scores[prior] += _PRIOR_BONUS
    best = max(candidates, key=lambda lang: scores[lang])
    if scores[best] - (_PRIOR_BONUS if best == prior else 0.0) < _MIN_EVIDENCE / 2:
        return prior if prior in candidates else _fallback(None, candidates)
    if scores[best] < _MIN_EVIDENCE and prior in languages:
        return prior
    return best
