"""Map a misspelled stem to the closest indexed stem (trigram candidates, edit distance)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

_MIN_LENGTH = 5


def _grams(term: str) -> set[str]:
    padded = f"^{term}$"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


def edit_distance(left: str, right: str, limit: int) -> int:
    """Damerau-Levenshtein (adjacent swaps) distance, or ``limit + 1`` once it exceeds limit."""
    if abs(len(left) - len(right)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(right) + 1))
    for i, a in enumerate(left, 1):
        current = [i] + [0] * len(right)
        for j, b in enumerate(right, 1):
            cost = 0 if a == b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a == right[j - 2] and left[i - 2] == b:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class FuzzyVocabulary:
    """Finds, for an unknown term, a known term at edit distance 1 (2 for long terms)."""

    def __init__(self, terms: Iterable[str]) -> None:
        # Terms bucketed by first letter and length (people rarely mistype the first letter,
        # which also avoids match -> watch), then by trigram.
        by_bucket: defaultdict[tuple[str, int], list[str]] = defaultdict(list)
        for term in terms:
            if len(term) >= _MIN_LENGTH - 1:
                by_bucket[term[0], len(term)].append(term)
        self._buckets: dict[tuple[str, int], defaultdict[str, list[str]]] = {}
        for key, members in by_bucket.items():
            bucket = self._buckets[key] = defaultdict(list)
            for term in members:
                for gram in _grams(term):
                    bucket[gram].append(term)
        self._cache: dict[str, str | None] = {}

    def nearest(self, term: str) -> str | None:
        """The closest known term, or None when nothing is close enough."""
        if len(term) < _MIN_LENGTH:
            return None
        if term in self._cache:
            return self._cache[term]
        limit = 1 if len(term) < 9 else 2
        shared: dict[str, int] = {}
        grams = _grams(term)
        for size in range(len(term) - limit, len(term) + limit + 1):
            bucket = self._buckets.get((term[0], size), {})
            for gram in grams:
                for candidate in bucket.get(gram, ()):
                    shared[candidate] = shared.get(candidate, 0) + 1
        # q-gram lemma: k edits destroy at most 3k of the padded trigrams
        needed = len(grams) - 3 * limit
        plausible = [(count, candidate) for candidate, count in shared.items()
                     if count >= needed]
        plausible.sort(reverse=True)
        best: tuple[int, int, str] | None = None
        for count, candidate in plausible[:12]:
            distance = edit_distance(term, candidate, limit)
            if distance <= limit:
                key = (distance, -count, candidate)
                if best is None or key < best:
                    best = key
        found = best[2] if best else None
        if len(self._cache) > 50_000:
            self._cache.clear()
        self._cache[term] = found
        return found
