"""Per-language search structures of the matcher: BM25 indexes, fuzzy and Arabizi lookups."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from bot.content._bm25 import BM25Index
from bot.content._fuzzy import FuzzyVocabulary
from bot.content._text import Analyzer
from bot.content._translit import (
    ARABIZI_STOPWORDS,
    ARABIZI_TOKEN,
    arabizi_skeleton,
    latin_to_cyrillic,
    looks_latin,
)

Query = list[tuple[str, float]]  # (stem, weight) pairs of a question


@dataclass
class LanguageIndex:
    """Everything needed to score a question written in one language."""

    analyzer: Analyzer
    clips: BM25Index
    questions: BM25Index
    question_owner: list[int]
    topics: BM25Index
    skeletons: dict[str, str] = field(default_factory=dict)  # Arabizi: skeleton -> stem
    title_terms: frozenset[str] = frozenset()  # stems of the topic titles ("children")
    topic_words: frozenset[str] = frozenset()  # stems of the topic titles and descriptions
    clip_title_words: frozenset[str] = frozenset()  # stems of the clips' titles
    fuzzy: FuzzyVocabulary = field(init=False)

    def __post_init__(self) -> None:
        self.fuzzy = FuzzyVocabulary(self.clips.vocabulary())

    def _romanised_terms(self, text: str) -> list[tuple[str, float]] | None:
        """Terms of Russian or Arabic typed in Latin letters; None for other text."""
        language = self.analyzer.language
        if language not in ("ru", "ar") or not looks_latin(text):
            return None
        if language == "ru":
            return [(term, 0.9) for term in self.analyzer.terms(latin_to_cyrillic(text))]
        found: list[tuple[str, float]] = []
        for token in ARABIZI_TOKEN.findall(text.casefold()):
            stem = self.skeletons.get(arabizi_skeleton(token))
            if token not in ARABIZI_STOPWORDS and stem is not None:
                found.append((stem, 0.8))
        return found

    def evidence(self, query: Query) -> float:
        """How much the question says, in units of one rare indexed term; a word of a topic
        title ("women") counts as one even though many clips mention it."""
        unknown = self.clips.unknown_idf or 1.0
        return sum(weight * max(self.clips.idf(term) / unknown if term in self.clips else 0.0,
                                1.0 if term in self.title_terms else 0.0)
                   for term, weight in query)

    def query(self, text: str, fuzzy_weight: float) -> tuple[Query, float]:
        """(term, weight) pairs of ``text`` and the share of its idf mass that is indexed;
        unknown terms are replaced by a close known term (``fuzzy_weight`` 0: not at all)."""
        weights: dict[str, float] = {}
        known = total = 0.0
        romanised = self._romanised_terms(text)
        pairs = romanised if romanised else [(t, 1.0) for t in self.analyzer.terms(text)]
        for term, weight in pairs:
            if fuzzy_weight and term not in self.clips:
                near = self.fuzzy.nearest(term)
                if near is not None:
                    term, weight = near, weight * fuzzy_weight
            idf = self.clips.idf(term)
            total += idf
            if term in self.clips:
                known += idf * weight
            weights[term] = max(weights.get(term, 0.0), weight)
        return list(weights.items()), (known / total if total else 0.0)


def denominator(index: BM25Index, query: Query) -> float:
    """The query's idf mass in ``index``: divides scores so that they fall in [0, 1]."""
    return sum(weight * index.idf(term) for term, weight in query)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of acyclic postings are allocated."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def script_languages(text: str) -> frozenset[str] | None:
    """Languages whose index can understand ``text``'s script (None: any)."""
    for char in text:
        if "\u0600" <= char <= "\u06ff":
            return frozenset({"ar"})
        if "\u0400" <= char <= "\u04ff":
            return frozenset({"ru"})
    return None
