"""A compact BM25F inverted index with precomputed per-posting impacts."""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

# A document is a list of fields; a field is (its terms, its weight).
Field = tuple[Sequence[str], float]


def weigh(fields: Iterable[Field]) -> tuple[Counter[str], float]:
    """Weighted term counts and weighted length of a document made of ``fields``."""
    counts: Counter[str] = Counter()
    length = 0.0
    for terms, weight in fields:
        if float(weight).is_integer() and 0 < weight <= 8:
            counts.update(list(terms) * int(weight))  # counted in C: repeat, don't multiply
        else:
            for term, count in Counter(terms).items():
                counts[term] += weight * count
        length += weight * len(terms)
    return counts, length


class BM25Index:
    """Weighted-field BM25 over documents numbered 0..N-1; scores are normalised to ~[0, 1].

    Each posting stores its final impact idf * tf' / (tf' + K) (BM25 divided by k1 + 1). A term
    keeps only its ``max_postings`` best postings (impact-ordered pruning: a very common term
    adds little and only to its best documents), so a query costs at most that many dictionary
    updates per term, and nothing per document of the corpus.
    """

    def __init__(self, documents: Iterable[tuple[Mapping[str, float], float]], *,
                 k1: float = 1.2, b: float = 0.75, max_postings: int = 256) -> None:
        """``documents``: (weighted term counts, weighted length) pairs, see ``weigh``."""
        docs_of: defaultdict[str, list[int]] = defaultdict(list)
        tfs_of: defaultdict[str, list[float]] = defaultdict(list)
        lengths: list[float] = []
        for doc, (counts, length) in enumerate(documents):
            lengths.append(length)
            for term, tf in counts.items():
                docs_of[term].append(doc)
                tfs_of[term].append(tf)
        self.size = len(lengths)
        average = (sum(lengths) / self.size) if self.size else 1.0
        norms = [k1 * (1.0 - b + b * length / average) if average else k1
                 for length in lengths]
        self._idf: dict[str, float] = {}
        # Compact arrays: 8 bytes a posting instead of ~70 for Python ints and floats.
        self._postings: dict[str, tuple[array[int], array[float]]] = {}
        idf_of_df: dict[int, float] = {}
        for term, docs in docs_of.items():
            idf = idf_of_df.get(len(docs))
            if idf is None:
                idf = idf_of_df[len(docs)] = self._idf_of(len(docs))
            self._idf[term] = idf
            impacts = [idf * tf / (tf + norms[doc]) for doc, tf in zip(docs, tfs_of[term],
                                                                        strict=True)]
            if len(docs) > max_postings:  # keep only the best postings: all a query reads
                order = sorted(range(len(docs)), key=impacts.__getitem__,
                               reverse=True)[:max_postings]
                docs = [docs[i] for i in order]
                impacts = [impacts[i] for i in order]
            self._postings[term] = (array("i", docs), array("f", impacts))
        self.unknown_idf = self._idf_of(1)

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
