"""Hashed n-gram logistic classifier that backs up the lexicons: per-category and urgent odds.

Features are character n-grams (2-5, across word boundaries) of the folded text plus word
unigrams and bigrams, hashed with CRC-32 into 2**20 buckets and scaled to unit length. Each head
(distress, leaving, family, request, urgent) is a one-vs-rest logistic regression trained by
``python -m bot.risk.train_classifier`` on ``bot/risk/training/*.yaml`` and stored sparsely
(only buckets seen in training) in ``classifier_weights.txt``: a JSON document (the file is
``.txt`` so the wheel's package-data picks it up). Pure Python, no numpy; about 0.1 ms a message.
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
_NGRAMS = (2, 3, 4, 5)
_TRAIN = {"epochs": 15, "rate": 3.0, "l2": 1e-5, "seed": 13}


def features(text: str) -> list[int]:
    """Hashed feature buckets of ``text`` (deduplicated, in first-seen order)."""
    folded = fold(text)
    if len(folded) > _HEAD_CHARS + _TAIL_CHARS:
        folded = folded[:_HEAD_CHARS] + " " + folded[-_TAIL_CHARS:]
    tokens = _TOKEN.findall(folded)
    names: list[str] = [f"w {t}" for t in tokens]
    names += [f"b {a} {b}" for a, b in zip(tokens, tokens[1:], strict=False)]
    if tokens:  # how a message opens and ends tells a topic question from a plea
        names += [f"s {tokens[0]}", f"s {' '.join(tokens[:2])}", f"e {tokens[-1]}"]
    joined = " " + " ".join(t for t in tokens if t != "?") + " "
    for n in _NGRAMS:
        names += [joined[i : i + n] for i in range(len(joined) - n + 1)]
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
                    str(row["text"]), str(row["label"]), bool(row.get("urgent")), path.stem
                )
            )
    return messages


class RiskClassifier:
    """Probabilities per head for one message; weights are a sparse bucket -> row mapping."""

    def __init__(self, weights: dict[int, Sequence[float]], bias: Sequence[float]) -> None:
        self._weights = weights
        self._bias = tuple(bias)

    def probabilities(self, text: str) -> dict[str, float]:
        """``{head: probability}`` for every head in HEADS."""
        buckets = features(text)
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
        keys = sorted(self._weights)
        idx = array.array("i", keys)
        vals = array.array("h", [])
        for key in keys:
            vals.extend(max(-32767, min(32767, round(w * _SCALE))) for w in self._weights[key])
        document = {
            "format": "testimony-bot risk classifier v1",
            "heads": list(HEADS),
            "hash_bits": _BITS,
            "scale": _SCALE,
            "training": _TRAIN,
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


def _targets(message: TrainingMessage) -> list[float]:
    return [1.0 if message.label == head else 0.0 for head in CATEGORY_HEADS] + [
        1.0 if message.urgent and message.label in ("distress", "leaving", "family") else 0.0
    ]


def train(
    messages: Iterable[TrainingMessage], seed: int | None = None, **overrides: float
) -> RiskClassifier:
    """Fit every head by SGD with lazy L2 (deterministic for a given message order and seed)."""
    data = [(features(m.text), _targets(m)) for m in messages]
    settings = {**_TRAIN, **overrides}
    rng = random.Random(settings["seed"] if seed is None else seed)
    width = len(HEADS)
    weights: dict[int, list[float]] = {}
    bias = [0.0] * width
    epochs, rate, l2 = (int(settings["epochs"]), float(settings["rate"]), float(settings["l2"]))
    order = list(range(len(data)))
    step = 0
    for _ in range(epochs):
        rng.shuffle(order)
        for k in order:
            buckets, target = data[k]
            if not buckets:
                continue
            step += 1
            lr = rate / (1.0 + step / len(data))
            norm = 1.0 / math.sqrt(len(buckets))
            rows = [weights.setdefault(b, [0.0] * width) for b in buckets]
            sums = [0.0] * width
            for row in rows:
                for i in range(width):
                    sums[i] += row[i]
            grads = [_sigmoid(sums[i] * norm + bias[i]) - target[i] for i in range(width)]
            for i in range(width):
                bias[i] -= lr * grads[i] * 0.1
            shrink = 1.0 - lr * l2
            deltas = [lr * g * norm for g in grads]
            for row in rows:
                for i in range(width):
                    row[i] = row[i] * shrink - deltas[i]
    return RiskClassifier({k: tuple(v) for k, v in weights.items()}, bias)


@lru_cache(maxsize=1)
def load_classifier(path: Path = WEIGHTS_PATH) -> RiskClassifier | None:
    """The stored classifier, or None when no weights file ships (the lexicons still work)."""
    if not path.exists():
        return None
    return RiskClassifier.loads(path.read_text(encoding="utf-8"))
