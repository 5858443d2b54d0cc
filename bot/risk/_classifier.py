"""Hashed n-gram logistic classifier that backs up the lexicons: per-category and urgent odds.

Features, hashed with CRC-32 into 2**20 buckets and scaled to unit length: word unigrams and
bigrams and character 3-5-grams (across word boundaries) of the folded text; for transliterated
text a second spelling too (German "ue" -> "u", Latin-script Russian in Cyrillic, Arabic and
Arabizi consonant skeletons); and hints from the lexicons (which sections matched, which were
negated, a topic question), passed in by the detector. Each head (distress, leaving, family,
request, urgent) is a one-vs-rest logistic regression trained by
``python -m bot.risk.train_classifier`` on ``bot/risk/training/**/*.yaml`` and stored sparsely
(only buckets seen in training) in ``classifier_weights.txt``: a JSON document (the file is
``.txt`` so the wheel's package-data picks it up). Pure Python, no numpy; about 0.2 ms a message.
"""

from __future__ import annotations

import array
import base64
import json
import math
import random
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from zlib import crc32

import yaml

from bot.content._translit import (
    ARABIZI_STOPWORDS,
    RUSSIAN_LATIN_WORDS,
    arabic_skeleton,
    arabizi_skeleton,
    latin_to_cyrillic,
)
from bot.risk._normalize import fold

HEADS: tuple[str, ...] = ("distress", "leaving", "family", "request", "urgent")
CATEGORY_HEADS: tuple[str, ...] = HEADS[:4]
TRAINING_DIR = Path(__file__).with_name("training")
WEIGHTS_PATH = Path(__file__).with_name("classifier_weights.txt")
_BITS = 20
_MASK = (1 << _BITS) - 1
_SCALE = 4096.0  # weights are stored as int16 / _SCALE (resolution 0.00024)
#: Long messages: the classifier reads the start and the end (where a plea often sits).
_HEAD_CHARS = 600
_TAIL_CHARS = 400
_TOKEN = re.compile(r"\w+|\?")
_NGRAMS = (3, 4, 5)  # 2-grams add noise: they lowered out-of-fold recall
#: SGD settings; positives weigh more (1.5-3x) since every head sees mostly negatives.
_TRAIN = {"epochs": 6, "rate": 6.0, "l2": 1e-5, "seed": 13}
_POSITIVE_WEIGHT = (1.5, 2.0, 2.0, 3.0, 3.0)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_ARABIC_WORD = re.compile("[\u0600-\u06ff]+")
_LATIN_WORD = re.compile(r"[a-z0-9']+")
_ARABIZI_DIGIT = re.compile(r"[a-z][2357-9]|[2357-9][a-z]")
_GERMAN_DIGRAPH = re.compile(r"(?<=[a-z])([aou])e")


def _spellings(folded: str) -> list[str]:
    """``folded`` plus, for transliterated text, the spelling the training data mostly uses."""
    german = _GERMAN_DIGRAPH.sub(r"\1", folded)  # "muede" meets "müde" (folded to "mude")
    variants = [german]
    if not _CYRILLIC.search(folded) and RUSSIAN_LATIN_WORDS.intersection(
        _LATIN_WORD.findall(folded)
    ):
        variants.append(latin_to_cyrillic(folded))
    return variants


def _skeletons(folded: str) -> list[str]:
    """Consonant skeletons of Arabic words, or of Arabizi ones, so the two scripts meet."""
    if "\u0600" <= max(folded, default=" "):
        words = _ARABIC_WORD.findall(folded)
        if words:
            return [s for s in map(arabic_skeleton, words) if len(s) >= 2]
    words = _LATIN_WORD.findall(folded)
    if _ARABIZI_DIGIT.search(folded) or len(ARABIZI_STOPWORDS.intersection(words)) >= 2:
        return [s for s in map(arabizi_skeleton, words) if len(s) >= 2]
    return []


def features(text: str, hints: Iterable[str] = ()) -> list[int]:
    """Hashed feature buckets of ``text`` and the lexicons' ``hints`` (deduplicated)."""
    folded = fold(text)
    if len(folded) > _HEAD_CHARS + _TAIL_CHARS:
        folded = folded[:_HEAD_CHARS] + " " + folded[-_TAIL_CHARS:]
    names: list[str] = [f"L {hint}" for hint in hints]
    for number, spelling in enumerate(_spellings(folded)):
        tokens = _TOKEN.findall(spelling)
        names += [f"w {t}" for t in tokens]
        names += [f"b {a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
        if tokens and number == 0:  # how a message opens and ends tells a question from a plea
            names += [f"s {tokens[0]}", f"s {' '.join(tokens[:2])}", f"e {tokens[-1]}"]
        joined = " " + " ".join(t for t in tokens if t != "?") + " "
        for n in _NGRAMS:
            names += [joined[i : i + n] for i in range(len(joined) - n + 1)]
    names += [f"k {skeleton}" for skeleton in _skeletons(folded)]
    return list({crc32(name) & _MASK for name in map(str.encode, dict.fromkeys(names))})


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class TrainingMessage:
    """One line of a training file."""

    text: str
    label: str
    urgent: bool
    language: str
    hostile: bool = False


def load_training(directory: Path = TRAINING_DIR) -> list[TrainingMessage]:
    """Every training message, files in path order (so training is reproducible).

    A file's name is its language: ``training/en.yaml`` and ``training/more/en.yaml`` are both
    English.
    """
    messages: list[TrainingMessage] = []
    for path in sorted(directory.glob("**/*.yaml")):
        for row in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            messages.append(
                TrainingMessage(
                    str(row["text"]),
                    str(row["label"]),
                    bool(row.get("urgent")),
                    path.stem,
                    bool(row.get("hostile")),
                )
            )
    return messages


class RiskClassifier:
    """Probabilities per head for one message; weights are a sparse bucket -> row mapping."""

    def __init__(self, weights: dict[int, Sequence[float]], bias: Sequence[float]) -> None:
        self._weights = weights
        self._bias = tuple(bias)

    def probabilities(self, text: str, hints: Iterable[str] = ()) -> dict[str, float]:
        """``{head: probability}`` for every head in HEADS (``hints``: see lexicon_hints)."""
        return self.odds(features(text, hints))

    def odds(self, buckets: Sequence[int]) -> dict[str, float]:
        """``{head: probability}`` for a message's feature buckets."""
        if not buckets:
            return {head: 0.0 for head in HEADS}
        norm = 1.0 / math.sqrt(len(buckets))
        rows = [row for row in map(self._weights.get, buckets) if row is not None]
        sums = map(sum, zip(*rows, strict=True)) if rows else repeat(0.0)
        return {
            head: _sigmoid(total * norm + bias)
            for head, total, bias in zip(HEADS, sums, self._bias, strict=False)
        }

    # --- persistence -----------------------------------------------------------------------
    def dumps(self) -> str:
        """The weights as a JSON document (int16-quantised rows, base64)."""
        idx = array.array("i", [])
        vals = array.array("h", [])
        for key in sorted(self._weights):
            row = [max(-32767, min(32767, round(w * _SCALE))) for w in self._weights[key]]
            if any(row):  # a bucket whose weights all round to zero is left out
                idx.append(key)
                vals.extend(row)
        document = {
            "format": "testimony-bot risk classifier v2",
            "heads": list(HEADS),
            "hash_bits": _BITS,
            "scale": _SCALE,
            "training": {**_TRAIN, "positive_weight": list(_POSITIVE_WEIGHT)},
            "bias": [round(b, 6) for b in self._bias],
            "buckets": base64.b64encode(zlib.compress(idx.tobytes(), 9)).decode("ascii"),
            "weights": base64.b64encode(zlib.compress(vals.tobytes(), 9)).decode("ascii"),
        }
        return json.dumps(document, indent=1) + "\n"

    @classmethod
    def loads(cls, text: str) -> RiskClassifier:
        document = json.loads(text)
        if document.get("heads") != list(HEADS) or document.get("hash_bits") != _BITS:
            raise ValueError("classifier weights do not match this code (heads or hash bits)")
        idx = array.array("i")
        idx.frombytes(zlib.decompress(base64.b64decode(document["buckets"])))
        vals = array.array("h")
        vals.frombytes(zlib.decompress(base64.b64decode(document["weights"])))
        scale = float(document["scale"])
        width = len(HEADS)
        weights = {
            key: tuple(v / scale for v in vals[i * width : (i + 1) * width])
            for i, key in enumerate(idx)
        }
        return cls(weights, document["bias"])

    @classmethod
    def quantised(cls, other: RiskClassifier) -> RiskClassifier:
        """The classifier as it will be after a dumps/loads round trip."""
        return cls.loads(other.dumps())


def targets(message: TrainingMessage) -> list[float]:
    """What each head should say for ``message`` (urgent only with a category that can be)."""
    return [1.0 if message.label == head else 0.0 for head in CATEGORY_HEADS] + [
        1.0 if message.urgent and message.label in ("distress", "leaving", "family") else 0.0
    ]


def train(
    examples: Iterable[tuple[Sequence[int], Sequence[float]]],
    seed: int | None = None,
    **overrides: float,
) -> RiskClassifier:
    """Fit every head by SGD on (feature buckets, targets) pairs (deterministic per seed).

    Weights live in one dense list per head (a bucket's column is its first-seen index), so a
    step is a C-level sum plus one loop over the message's buckets per head; L2 shrinks a
    per-head scale instead of every weight. Steps whose error is below 1e-4 are skipped.
    """
    settings = {**_TRAIN, **overrides}
    rng = random.Random(settings["seed"] if seed is None else seed)
    epochs, rate, l2 = (int(settings["epochs"]), float(settings["rate"]), float(settings["l2"]))
    columns: dict[int, int] = {}
    rows: list[tuple[list[int], float, Sequence[float]]] = []
    for buckets, target in examples:
        if buckets:
            index = [columns.setdefault(b, len(columns)) for b in buckets]
            rows.append((index, 1.0 / math.sqrt(len(index)), target))
    width = len(HEADS)
    weights = [[0.0] * len(columns) for _ in range(width)]
    scale = [1.0] * width
    bias = [0.0] * width
    order = list(range(len(rows)))
    step = 0
    for _ in range(epochs):
        rng.shuffle(order)
        for k in order:
            index, norm, target = rows[k]
            step += 1
            lr = rate / (1.0 + step / len(rows))
            for head in range(width):
                column = weights[head]
                z = sum(map(column.__getitem__, index)) * scale[head] * norm + bias[head]
                error = _sigmoid(z) - target[head]
                if target[head] > 0.5:
                    error *= _POSITIVE_WEIGHT[head]
                scale[head] *= 1.0 - lr * l2
                if -1e-4 < error < 1e-4:
                    continue
                delta = lr * error * norm / scale[head]
                for j in index:
                    column[j] -= delta
                bias[head] -= lr * error * 0.1
                if scale[head] < 1e-3:  # fold the scale back in before it underflows
                    weights[head] = [w * scale[head] for w in column]
                    scale[head] = 1.0
    return RiskClassifier(
        {
            bucket: tuple(weights[h][j] * scale[h] for h in range(width))
            for bucket, j in columns.items()
        },
        bias,
    )


@lru_cache(maxsize=1)
def load_classifier(path: Path = WEIGHTS_PATH) -> RiskClassifier | None:
    """The stored classifier, or None when no weights file ships (the lexicons still work)."""
    if not path.exists():
        return None
    return RiskClassifier.loads(path.read_text(encoding="utf-8"))
