"""A compact BM25F inverted index with precomputed per-posting impacts."""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Document = tuple[Mapping[str, float], float]  # (weighted term counts, weighted length)
# Counting (term, document, field) triples in a dense table is faster than sorting them, up to
# this many cells (8 bytes each).
_DENSE_COUNT_CELLS = 4_000_000


@dataclass
class Postings:
    """Weighted term counts of documents 0..N-1 as parallel arrays sorted by (term, document):
    the term number (an index into ``terms``), document and weighted count (tf) of each
    posting; and every document's weighted length."""

    terms: Sequence[str]
    term_numbers: np.ndarray  # int64
    docs: np.ndarray  # int64
    tfs: np.ndarray  # float64
    lengths: np.ndarray  # float64, one per document


def weighted_postings(terms: Sequence[str], term_numbers: np.ndarray, docs: np.ndarray,
                      fields: np.ndarray, weights: Sequence[float], size: int) -> Postings:
    """Postings of ``size`` documents made of weighted fields, from their tokens: the term
    number, document and field number of each token; ``weights[field]`` weighs a field.

    A document's tf of a term is, field after field, the sum of weight x occurrences, and its
    length the sum of weight x field length: the field's weight multiplies its counts.
    """
    field_count = max(len(weights), 1)
    keys = (term_numbers.astype(np.int64) * size + docs) * field_count + fields
    cells = len(terms) * size * field_count
    if cells <= _DENSE_COUNT_CELLS:
        return table_postings(terms, np.bincount(keys, minlength=cells), weights, size)
    keys, counts = np.unique(keys, return_counts=True)
    field_lengths = np.bincount(docs * field_count + fields, minlength=size * field_count)
    return _weighed(terms, keys, counts, field_lengths, weights, size)


def table_postings(terms: Sequence[str], table: np.ndarray, weights: Sequence[float],
                   size: int) -> Postings:
    """Postings of ``size`` documents made of weighted fields, from the occurrences of every
    (term, document, field), a flat table ordered that way (see weighted_postings)."""
    field_count = max(len(weights), 1)
    keys = np.flatnonzero(table)
    field_lengths = table.reshape(-1, size * field_count).sum(axis=0)
    return _weighed(terms, keys, table[keys], field_lengths, weights, size)


def _weighed(terms: Sequence[str], keys: np.ndarray, counts: np.ndarray,
             field_lengths: np.ndarray, weights: Sequence[float], size: int) -> Postings:
    """Postings from the ascending (term, document, field) keys of ``counts`` occurrences and
    the number of tokens of every (document, field)."""
    field_count = max(len(weights), 1)
    pairs, field_of = np.divmod(keys, field_count)
    first = np.ones(len(pairs), dtype=bool)
    first[1:] = pairs[1:] != pairs[:-1]
    # bincount adds in input order: a pair's fields in order, as weighting them one by one
    tfs = np.bincount(np.cumsum(first) - 1,
                      weights=np.asarray(weights, dtype=np.float64)[field_of] * counts)
    term_of, doc_of = np.divmod(pairs[first], size)
    field_lengths = field_lengths.reshape(size, field_count)
    lengths = np.zeros(size)
    for field, weight in enumerate(weights):
        lengths += weight * field_lengths[:, field]
    return Postings(terms, term_of, doc_of, tfs, lengths)


def _postings_of_documents(documents: Iterable[Document]) -> Postings:
    """Postings of documents given as (weighted term counts, weighted length) pairs; terms
    numbered in order of first use."""
    numbers: dict[str, int] = {}
    term_numbers: list[int] = []
    docs: list[int] = []
    tfs: list[float] = []
    lengths: list[float] = []
    for doc, (counts, length) in enumerate(documents):
        for term, tf in counts.items():
            term_numbers.append(numbers.setdefault(term, len(numbers)))
            docs.append(doc)
            tfs.append(tf)
        lengths.append(length)
    order = np.argsort(np.asarray(term_numbers, dtype=np.int64), kind="stable")
    return Postings(list(numbers), np.asarray(term_numbers, dtype=np.int64)[order],
                    np.asarray(docs, dtype=np.int64)[order],
                    np.asarray(tfs, dtype=np.float64)[order],
                    np.asarray(lengths, dtype=np.float64))


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
        """``documents``: (weighted term counts, weighted length) pairs."""
        self._build(_postings_of_documents(documents), k1, b, max_postings)

    @classmethod
    def from_postings(cls, postings: Postings, *, k1: float = 1.2, b: float = 0.75,
                      max_postings: int = 256) -> BM25Index:
        """The index of documents given as postings (see weighted_postings)."""
        index = cls.__new__(cls)
        index._build(postings, k1, b, max_postings)
        return index

    def _build(self, postings: Postings, k1: float, b: float, keep: int) -> None:
        """Impacts of all postings, a term's best ``keep`` of them kept (ties: earlier
        document first), the rest in document order; vocabulary in term-number order."""
        self.size = len(postings.lengths)
        term_of, docs = postings.term_numbers, postings.docs
        frequencies = np.bincount(term_of, minlength=len(postings.terms))
        used = np.flatnonzero(frequencies)
        names = [postings.terms[number] for number in used.tolist()]
        distinct, inverse = np.unique(frequencies[used], return_inverse=True)
        idf_of_distinct = [self._idf_of(df) for df in distinct.tolist()]
        inverse = inverse.reshape(-1)
        # terms of equal document frequency share one float object
        self._idf = dict(zip(names, map(idf_of_distinct.__getitem__, inverse.tolist()),
                             strict=True))
        idf_of_term = np.zeros(len(postings.terms))
        idf_of_term[used] = np.array(idf_of_distinct, dtype=np.float64)[inverse]
        self.unknown_idf = self._idf_of(1)
        tfs = postings.tfs
        impacts = idf_of_term[term_of] * tfs / (tfs + _norms(postings.lengths, k1, b)[docs])
        kept = np.minimum(frequencies, keep)
        ends = np.cumsum(kept)
        self._spans = dict(zip(names, zip((ends - kept)[used].tolist(), ends[used].tolist(),
                                          strict=True), strict=True))
        docs, impacts = _pruned(term_of, docs, impacts, frequencies, keep)
        self._docs = array("i", docs.astype(np.int32).tobytes())
        self._impacts = array("f", impacts.astype(np.float32).tobytes())

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


def _norms(lengths: np.ndarray, k1: float, b: float) -> np.ndarray:
    """BM25's length normalisation K of every document."""
    average = (sum(lengths.tolist()) / len(lengths)) if len(lengths) else 1.0
    if not average:
        return np.full(len(lengths), k1)
    return k1 * (1.0 - b + b * lengths / average)


def _pruned(term_of: np.ndarray, docs: np.ndarray, impacts: np.ndarray,
            frequencies: np.ndarray, keep: int) -> tuple[np.ndarray, np.ndarray]:
    """The postings (sorted by term, then document) with those of each term beyond ``keep``
    cut to its ``keep`` best by impact, best first (ties: earlier document first)."""
    ranks = np.arange(len(term_of)) - (np.cumsum(frequencies) - frequencies)[term_of]
    pruned = np.flatnonzero(frequencies[term_of] > keep)
    if len(pruned):  # lexsort is stable: a term's equal impacts stay in document order
        best_first = pruned[np.lexsort((-impacts[pruned], term_of[pruned]))]
        ranks[best_first] = ranks[pruned]  # both list a term's postings together, in turn
    chosen = np.flatnonzero(ranks < keep)
    kept = np.minimum(frequencies, keep)
    places = (np.cumsum(kept) - kept)[term_of[chosen]] + ranks[chosen]
    kept_docs, kept_impacts = np.empty_like(docs[chosen]), np.empty_like(impacts[chosen])
    kept_docs[places] = docs[chosen]
    kept_impacts[places] = impacts[chosen]
    return kept_docs, kept_impacts
