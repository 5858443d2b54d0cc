"""A compact BM25F inverted index with precomputed per-posting impacts."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

# A document is a list of fields; a field is (its terms, its weight).
Field = tuple[Sequence[str], float]


class BM25Index:
    """Weighted-field BM25 over documents numbered 0..N-1; scores are normalised to ~[0, 1].

    Each posting stores its final impact idf * tf' * (k1 + 1) / (tf' + K), so a query costs one
    dictionary update per posting of its terms and nothing per document of the corpus.
    """

    def __init__(self, documents: Iterable[Sequence[Field]], *, k1: float = 1.2,
                 b: float = 0.75) -> None:
        weighted: list[dict[str, float]] = []
        lengths: list[float] = []
        for fields in documents:
            counts: dict[str, float] = {}
            length = 0.0
            for terms, weight in fields:
                for term in terms:
                    counts[term] = counts.get(term, 0.0) + weight
                length += weight * len(terms)
            weighted.append(counts)
            lengths.append(length)
        self.size = len(weighted)
        average = (sum(lengths) / self.size) if self.size else 1.0
        document_frequency: dict[str, int] = {}
        for counts in weighted:
            for term in counts:
                document_frequency[term] = document_frequency.get(term, 0) + 1
        self._idf = {term: self._idf_of(df) for term, df in document_frequency.items()}
        self.unknown_idf = self._idf_of(1)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for doc, (counts, length) in enumerate(zip(weighted, lengths, strict=True)):
            norm = k1 * (1.0 - b + b * length / average) if average else k1
            for term, tf in counts.items():
                impact = self._idf[term] * tf * (k1 + 1.0) / (tf + norm) / (k1 + 1.0)
                entry = postings.get(term)
                if entry is None:
                    entry = postings[term] = ([], [])
                entry[0].append(doc)
                entry[1].append(impact)
        self._postings = postings

    def _idf_of(self, df: int) -> float:
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def __contains__(self, term: str) -> bool:
        return term in self._postings

    def vocabulary(self) -> Iterable[str]:
        """Every indexed term."""
        return self._postings.keys()

    def idf(self, term: str) -> float:
        """Inverse document frequency of ``term`` (the df=1 value for unknown terms)."""
        return self._idf.get(term, self.unknown_idf)

    def document_frequency_share(self, term: str) -> float:
        """Share of the documents that contain ``term``."""
        entry = self._postings.get(term)
        return len(entry[0]) / self.size if entry and self.size else 0.0

    def scores(self, query: Sequence[tuple[str, float]], denominator: float) -> dict[int, float]:
        """Score of every document sharing a term with ``query`` ((term, weight) pairs),
        divided by ``denominator`` (the query's total idf mass)."""
        accumulator: dict[int, float] = {}
        get = accumulator.get
        scale = 1.0 / denominator if denominator > 0 else 0.0
        for term, weight in query:
            entry = self._postings.get(term)
            if entry is None:
                continue
            factor = weight * scale
            for doc, impact in zip(entry[0], entry[1], strict=True):
                accumulator[doc] = get(doc, 0.0) + factor * impact
        return accumulator
