"""A compact BM25F inverted index with precomputed per-posting impacts."""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from operator import floordiv, getitem, sub
from typing import Any

# A document is a list of fields; a field is (its terms, its weight).
Field = tuple[Sequence[str], float]
Document = tuple[Mapping[str, float], float]  # (weighted term counts, weighted length)


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
    updates per term, and nothing per document of the corpus. The postings of all terms sit in
    two flat arrays (8 bytes a posting), each term owning one slice of them.
    """

    def __init__(self, documents: Iterable[Document], *,
                 k1: float = 1.2, b: float = 0.75, max_postings: int = 256) -> None:
        """``documents``: (weighted term counts, weighted length) pairs, see ``weigh``."""
        documents = list(documents)
        self.size = len(documents)
        counts = [doc_counts for doc_counts, _ in documents]
        inverted = _invert(counts)
        idf_of_df = {df: self._idf_of(df) for df in set(inverted.frequencies)}
        idfs = list(map(idf_of_df.__getitem__, inverted.frequencies))
        self._idf = dict(zip(inverted.terms, idfs, strict=True))
        self.unknown_idf = self._idf_of(1)
        norms = _norms([length for _, length in documents], k1, b)
        impacts = [idf * tf / (tf + norms[doc]) for idf, tf, doc in zip(
            chain.from_iterable(map(repeat, idfs, inverted.frequencies)), inverted.tfs,
            inverted.docs, strict=True)]
        self._docs, self._impacts, self._spans = _postings(inverted, impacts, max_postings)

    def _idf_of(self, df: int) -> float:
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def __contains__(self, term: str) -> bool:
        return term in self._spans

    def vocabulary(self) -> Iterable[str]:
        """Every indexed term."""
        return self._spans.keys()

    def idf(self, term: str) -> float:
        """Inverse document frequency of ``term`` (the df=1 value for unknown terms)."""
        return self._idf.get(term, self.unknown_idf)

    def postings(self, term: str) -> tuple[array[int], array[float]] | None:
        """The kept (documents, impacts) of ``term``, best first when pruned; None if unknown."""
        span = self._spans.get(term)
        if span is None:
            return None
        start, end = span
        return self._docs[start:end], self._impacts[start:end]

    def scores(self, query: Sequence[tuple[str, float]], denominator: float) -> dict[int, float]:
        """Score of every document sharing a term with ``query`` ((term, weight) pairs),
        divided by ``denominator`` (the query's total idf mass)."""
        accumulator: dict[int, float] = {}
        get = accumulator.get
        scale = 1.0 / denominator if denominator > 0 else 0.0
        for term, weight in query:
            entry = self.postings(term)
            if entry is None:
                continue
            factor = weight * scale
            for doc, impact in zip(entry[0], entry[1], strict=True):
                accumulator[doc] = get(doc, 0.0) + factor * impact
        return accumulator


def _norms(lengths: list[float], k1: float, b: float) -> list[float]:
    """BM25's length normalisation K of every document."""
    average = (sum(lengths) / len(lengths)) if lengths else 1.0
    return [k1 * (1.0 - b + b * length / average) if average else k1 for length in lengths]


@dataclass
class _Inverted:
    """All postings term after term (terms in order of first use), each term's in document
    order: parallel lists of documents and term frequencies."""

    terms: list[str]
    frequencies: list[int]  # documents per term
    docs: list[int]
    tfs: list[float]


def _invert(counts: list[Mapping[str, float]]) -> _Inverted:
    """Invert the documents' term counts; one list per term, (document, tf) interleaved."""
    postings: defaultdict[str, list[Any]] = defaultdict(list)
    for doc, doc_counts in enumerate(counts):
        for term, tf in doc_counts.items():
            found = postings[term]
            found.append(doc)
            found.append(tf)
    flat = list(chain.from_iterable(postings.values()))
    frequencies = list(map(floordiv, map(len, postings.values()), repeat(2)))
    return _Inverted(list(postings), frequencies, flat[0::2], flat[1::2])


def _postings(inverted: _Inverted, impacts: list[float], keep: int
              ) -> tuple[array[int], array[float], dict[str, tuple[int, int]]]:
    """Flat document and impact arrays and each term's slice of them: a term's postings in
    document order, or, beyond ``keep`` of them, its ``keep`` best by impact (ties: earlier
    document first)."""
    docs, lengths = inverted.docs, inverted.frequencies
    ends = list(accumulate(lengths))
    starts = list(map(sub, ends, lengths))
    for n, length in enumerate(lengths):
        if length > keep:  # the best first, in place at the start of the term's slice
            start = starts[n]
            segment = impacts[start:ends[n]]
            order = sorted(range(length), key=segment.__getitem__, reverse=True)[:keep]
            docs[start:start + keep] = [docs[start + i] for i in order]
            impacts[start:start + keep] = [segment[i] for i in order]
            ends[n] = start + keep
    slices = list(map(slice, starts, ends))
    kept = list(map(sub, ends, starts))
    new_ends = list(accumulate(kept))
    spans = dict(zip(inverted.terms, zip(map(sub, new_ends, kept), new_ends, strict=True),
                     strict=True))
    return (array("i", chain.from_iterable(map(getitem, repeat(docs), slices))),
            array("f", chain.from_iterable(map(getitem, repeat(impacts), slices))), spans)
