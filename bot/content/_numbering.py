"""Tokens of many texts as numbers in flat arrays (text after text), for the index build."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

END_OF_TEXT = "\x00"  # never a word: words are letters and digits


class Numbering(dict[Hashable, int]):
    """Numbers keys 0, 1, 2... in order of first lookup."""

    def __missing__(self, key: Hashable) -> int:
        number = self[key] = len(self)
        return number


@dataclass
class NumberedTexts:
    """The tokens of many texts as numbers: ``distinct`` holds the token of each number, in
    order of first use; ``numbers`` the tokens of all texts, text after text; ``ends`` where
    each text's tokens end in ``numbers``."""

    distinct: list[Any]
    numbers: np.ndarray  # int32
    ends: np.ndarray  # int64

    @property
    def starts(self) -> np.ndarray:
        """Where each text's tokens start in ``numbers``."""
        return np.concatenate(([0], self.ends)).astype(np.int64)[:-1]


def numbered(batches: Iterable[Sequence[Hashable]], end_of_text: Hashable) -> NumberedTexts:
    """The tokens of ``batches`` (each text's tokens followed by ``end_of_text``), numbered
    in order of first use."""
    numbering = Numbering({end_of_text: 0})
    number = numbering.__getitem__
    parts = [np.fromiter(map(number, batch), dtype=np.int32, count=len(batch))
             for batch in batches]
    found = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
    is_end = found == 0
    ends = np.flatnonzero(is_end)
    return NumberedTexts(list(numbering)[1:], found[~is_end] - 1,
                         ends - np.arange(len(ends), dtype=np.int64))


def number_token_lists(token_lists: Iterable[list[str]]) -> NumberedTexts:
    """The tokens of lists of tokens (one a text), numbered in order of first use."""
    return numbered(([*tokens, END_OF_TEXT] for tokens in token_lists), END_OF_TEXT)


def expanded(tokens: np.ndarray, parts: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """``tokens`` (numbers) with each token ``t`` replaced by the numbers ``parts[t]``, and
    for every position of ``tokens`` where its parts end in the result."""
    lengths = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
    flat = np.fromiter((number for part in parts for number in part), dtype=np.int64,
                       count=int(lengths.sum()))
    if len(parts) and (lengths == 1).all():
        return flat[tokens], np.arange(1, len(tokens) + 1, dtype=np.int64)
    sizes = lengths[tokens]
    ends = np.cumsum(sizes)
    firsts = (np.cumsum(lengths) - lengths)[tokens]
    places = np.repeat(firsts - (ends - sizes), sizes) + np.arange(int(ends[-1]) if len(ends)
                                                                   else 0)
    return flat[places], ends
