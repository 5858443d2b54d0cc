"""Time RiskDetector.assess per message and print p50/p99 (target: p50 <= 2 ms with classifier).

Also prints the classifier's share: its load time and the p50 of the lexicons alone.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.risk import RiskDetector, load_risk_detector  # noqa: E402
from bot.risk._classifier import WEIGHTS_PATH, RiskClassifier  # noqa: E402
from bot.risk.evaluation import load_messages  # noqa: E402

SAMPLE_PATH = ROOT / "tests" / "eval" / "risk_dev.yaml"
FALLBACK = [
    "what did fighters eat in raqqa?",
    "I don't want to live anymore",
    "my son keeps watching their videos, what should I do?",
    "كيف كانت الحياة في الرقة؟",
    "je veux parler à un conseiller",
    "Wie kommt man da raus?",
    "как жили женщины в халифате?",
    "kadınlar orada nasıl yaşıyordu?",
]


def main() -> int:
    start = time.perf_counter()
    detector = load_risk_detector()
    load_ms = (time.perf_counter() - start) * 1000
    texts = [m.text for m in load_messages(SAMPLE_PATH)] if SAMPLE_PATH.exists() else FALLBACK
    texts.append("x" * 4096)
    for text in texts:  # warm-up: first calls fill the spelling-repair cache
        detector.assess(text)
    timings: list[float] = []
    cpu_timings: list[float] = []
    for _ in range(20):
        for text in texts:
            c0, t0 = time.thread_time(), time.perf_counter()
            detector.assess(text)
            timings.append((time.perf_counter() - t0) * 1000)
            cpu_timings.append((time.thread_time() - c0) * 1000)
    timings.sort()
    cpu_timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[int(len(timings) * 0.99) - 1]
    cpu_p50 = statistics.median(cpu_timings)
    cpu_p99 = cpu_timings[int(len(cpu_timings) * 0.99) - 1]
    cold = load_risk_detector()
    t0 = time.perf_counter()
    for text in texts:
        cold.assess(text)
    cold_ms = (time.perf_counter() - t0) * 1000 / len(texts)
    print(f"lexicon load {load_ms:.0f} ms; {len(texts)} messages x 20 runs")
    print(
        f"assess wall p50 {p50:.3f} ms, p99 {p99:.3f} ms, max {timings[-1]:.3f} ms; "
        f"cold-cache mean {cold_ms:.3f} ms"
    )
    print(f"assess CPU  p50 {cpu_p50:.3f} ms, p99 {cpu_p99:.3f} ms (excludes waiting for a core)")
    t0 = time.perf_counter()
    RiskClassifier.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    print(f"classifier load {(time.perf_counter() - t0) * 1000:.0f} ms (included above)")
    lexicons = RiskDetector(classifier=None)
    for text in texts:
        lexicons.assess(text)
    plain: list[float] = []
    for _ in range(5):
        for text in texts:
            t0 = time.perf_counter()
            lexicons.assess(text)
            plain.append((time.perf_counter() - t0) * 1000)
    print(f"lexicons alone: assess wall p50 {statistics.median(plain):.3f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
