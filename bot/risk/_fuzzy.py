"""Spelling repair: maps a misspelt token to a lexicon word at edit distance one."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

MIN_FUZZY_LENGTH = 5
#: A substituted letter changes meaning too often in short words ("butun" is not "bugun").
MIN_SUBSTITUTION_LENGTH = 8
_TOKEN = re.compile(r"[^\W_]+")


def _deletes(word: str) -> list[tuple[str, int]]:
    return [(word[:i] + word[i + 1 :], i) for i in range(len(word))]


def _swapped(first: str, second: str) -> bool:
    """True when ``second`` is ``first`` with two neighbouring letters swapped."""
    if len(first) != len(second):
        return False
    diffs = [i for i, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
    return (
        len(diffs) == 2
        and diffs[1] == diffs[0] + 1
        and first[diffs[0]] == second[diffs[1]]
        and first[diffs[1]] == second[diffs[0]]
    )


class SpellingRepair:
    """Symmetric-delete index over lexicon words (whole words) and stems (word prefixes)."""

    def __init__(
        self, words: Iterable[str], stems: Iterable[str], protected: re.Pattern[str] | None = None
    ) -> None:
        self._protected = protected
        self._known_words = {w for w in words if len(w) >= MIN_FUZZY_LENGTH}
        self._stems = {s for s in stems if len(s) >= MIN_FUZZY_LENGTH}
        self._word_index = self._build(self._known_words)
        self._stem_index = self._build(self._stems)
        self._stem_lengths = sorted({len(s) for s in self._stems})
        self.repair_token = lru_cache(maxsize=65536)(self._repair_token)

    @staticmethod
    def _build(targets: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
        index: dict[str, list[tuple[str, int]]] = {}
        for target in sorted(targets):
            index.setdefault(target, []).append((target, -1))
            for variant, position in _deletes(target):
                index.setdefault(variant, []).append((target, position))
        return index

    @staticmethod
    def _lookup(index: dict[str, list[tuple[str, int]]], probe: str) -> str | None:
        """A target within one edit (insert, delete, substitute, swap) of ``probe``."""
        hits = index.get(probe)
        if hits:
            for target, position in hits:
                if position == -1 or len(target) == len(probe) + 1:
                    return target
        substitution_ok = len(probe) >= MIN_SUBSTITUTION_LENGTH
        for variant, probe_position in _deletes(probe):
            for target, target_position in index.get(variant, ()):
                if target_position == -1:
                    return target  # probe has one extra letter
                if target_position == probe_position and substitution_ok:
                    return target
                if abs(target_position - probe_position) == 1 and _swapped(probe, target):
                    return target
        return None

    def _is_known(self, token: str) -> bool:
        return token in self._known_words or any(
            token.startswith(stem) for stem in self._stems_of_prefix(token)
        )

    def _stems_of_prefix(self, token: str) -> list[str]:
        return [token[:n] for n in self._stem_lengths if token[:n] in self._stems]

    def _repair_token(self, token: str) -> str:
        if len(token) < MIN_FUZZY_LENGTH or not token.isalpha() or self._is_known(token):
            return token  # short, Arabizi with digits ("7ayati"), or already a lexicon word
        if self._protected is not None and self._protected.fullmatch(token):
            return token
        word = self._lookup(self._word_index, token)
        if word is not None:
            return word
        for length in self._stem_lengths:
            for cut in (length, length + 1, length - 1):
                if cut > len(token) or cut < MIN_FUZZY_LENGTH - 1:
                    continue
                stem = self._lookup(self._stem_index, token[:cut])
                if stem is not None and len(token) - cut >= 0:
                    return stem + token[cut:]
        return token

    def repair(self, text: str) -> str:
        """``text`` with every unknown long token replaced by its near lexicon word, if any."""
        return _TOKEN.sub(lambda m: self.repair_token(m.group(0)), text)
