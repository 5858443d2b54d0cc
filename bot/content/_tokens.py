"""Split many texts at ASCII whitespace and number their tokens with numpy, no token object.

A token is identified exactly by its length and its first 32 bytes, read as four 64-bit
words (a longer token's fourth word is replaced by its number in a dict). Tokens are grouped
by sorting a hash of that key packed with their position, and every token's key is then
compared with its group's first: two distinct tokens with one hash make the caller fall back.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from bot.content._numbering import NumberedTexts, Numbering

_SEPARATOR = "\x00"  # between texts; bytes.split() keeps it inside a token, hence None
_SPLITS = np.zeros(256, dtype=bool)
_SPLITS[list(b" \t\n\x0b\x0c\r\x00")] = True  # bytes.split()'s whitespace, and the separator
_WIDTH = 32  # bytes of a token read as its key
_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xBF58476D1CE4E5B9))


def split_and_number(texts: Sequence[str]) -> NumberedTexts | None:
    """The tokens of ``texts`` as ``text.encode().split()`` gives them (UTF-8, lone
    surrogates passed), numbered in order of first use; None when a text holds NUL or when
    two distinct tokens share a hash."""
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) != max(len(texts) - 1, 0):
        return None
    data = joined.encode("utf-8", "surrogatepass")
    buffer = data + bytes(_WIDTH + 8)  # the key of a token near the end reads past it
    codes = np.frombuffer(buffer, dtype=np.uint8)
    edges = np.diff((~_SPLITS[codes]).view(np.int8), prepend=np.int8(0))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    ends = np.append(np.searchsorted(starts, np.flatnonzero(codes[:len(data)] == 0)),
                     len(starts)) if texts else np.zeros(0, dtype=np.int64)
    keys = _keys(buffer, data, starts, stops)
    numbered = _numbered_keys(keys)
    if numbered is None:
        return None
    numbers, firsts = numbered
    return NumberedTexts([data[start:stop] for start, stop in
                          zip(starts[firsts].tolist(), stops[firsts].tolist(), strict=True)],
                         numbers, ends.astype(np.int64))


def _keys(buffer: bytes, data: bytes, starts: np.ndarray, stops: np.ndarray
          ) -> list[np.ndarray]:
    """Each token's length and first 32 bytes as four words (zero past its end); for a
    longer token the fourth word is its number in a dict of such tokens."""
    lengths = stops - starts
    words = np.ndarray((len(buffer) - 7,), dtype="<u8", buffer=buffer, strides=(1,))
    keys = [lengths.astype(np.uint64)]
    for offset in range(0, _WIDTH, 8):
        column = np.zeros(len(starts), dtype=np.uint64)
        longer = np.flatnonzero(lengths > offset)  # the others' word is 0
        column[longer] = (words[starts[longer] + offset]
                          & _MASKS[np.minimum(lengths[longer] - offset, 8)])
        keys.append(column)
    long = np.flatnonzero(lengths > _WIDTH)
    if len(long):
        numbering = Numbering()
        keys[-1][long] = [numbering[data[start:stop]] for start, stop in
                          zip(starts[long].tolist(), stops[long].tolist(), strict=True)]
    return keys


def _numbered_keys(keys: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """The number of every token's key in order of first use and the position of each
    number's first token; None when two distinct keys share a hash."""
    count = len(keys[0])
    hashes = np.zeros(count, dtype=np.uint64)
    for column in keys:
        hashes = (hashes ^ column) * _MIX[0]
        hashes ^= hashes >> np.uint64(31)
    hashes *= _MIX[1]
    bits = np.uint64(max(count.bit_length(), 1))
    ordered = np.sort((hashes >> bits << bits) | np.arange(count, dtype=np.uint64))
    positions = (ordered & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.int64)
    hashed = ordered >> bits
    first_of_group = np.ones(count, dtype=bool)
    first_of_group[1:] = hashed[1:] != hashed[:-1]
    group = np.cumsum(first_of_group) - 1
    firsts = positions[first_of_group]  # ascending positions within a group: its first use
    order = np.argsort(firsts)
    rank = np.empty(len(firsts), dtype=np.int32)
    rank[order] = np.arange(len(firsts), dtype=np.int32)
    numbers = np.empty(count, dtype=np.int32)
    numbers[positions] = rank[group]
    firsts = firsts[order]
    heads = firsts[numbers]  # the first token of each token's group, in token order
    if not all(np.array_equal(column, column[heads]) for column in keys):
        return None
    return numbers, firsts
