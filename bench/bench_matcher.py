"""Benchmark the clip matcher on a generated 10,000-clip, six-language index."""

from __future__ import annotations

import argparse
import gc
import itertools
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content._stopwords import STOPWORDS  # noqa: E402
from bot.content.matcher import Matcher  # noqa: E402
from bot.content.schema import REQUIRED_TOPIC_IDS, Clip, ContentIndex, Topic  # noqa: E402

LANGUAGES = ("en", "ar", "fr", "de", "ru", "tr")
_ALPHABETS = {
    "en": "abcdefghijklmnoprstuvwy", "fr": "abcdeéèfghilmnoprstuvàç",
    "de": "abcdefghiklmnoprstuwzäöüß", "tr": "abcçdefgğhıiklmnoöprsştuüvyz",
    "ru": "абвгдежзийклмнопрстуфхцчшщыьэюя", "ar": "ابتثجحخدذرزسشصضطظعغفقكلمنهوية",
}
_TOPIC_EXTRA = ("smuggling", "prisons", "hospitals")


def _rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class _Vocabulary:
    """Zipf-distributed invented words plus real function words of one language."""

    def __init__(self, language: str, size: int, rng: random.Random) -> None:
        letters = _ALPHABETS[language]
        invented = {"".join(rng.choice(letters) for _ in range(rng.randint(3, 10)))
                    for _ in range(size)}
        self.words = sorted(invented) + sorted(STOPWORDS[language])
        rng.shuffle(self.words)
        self.cumulative = list(itertools.accumulate(1.0 / (rank + 1)
                                                    for rank in range(len(self.words))))
        self.rng = rng

    def text(self, count: int) -> str:
        return " ".join(self.rng.choices(self.words, cum_weights=self.cumulative, k=count))


VOCABULARY_SIZE = 20_000  # invented words per language


def _vocabularies(seed: int, size: int = VOCABULARY_SIZE) -> dict[str, _Vocabulary]:
    rng = random.Random(seed)
    return {lang: _Vocabulary(lang, size, rng) for lang in LANGUAGES}


def generate_index(clip_count: int, seed: int = 7,
                   vocabulary_size: int = VOCABULARY_SIZE) -> ContentIndex:
    """A synthetic ContentIndex: every clip titled and summarised in all six languages,
    with transcripts and example questions in three subtitle languages."""
    rng = random.Random(seed)
    vocab = _vocabularies(seed, vocabulary_size)
    topic_ids = (*REQUIRED_TOPIC_IDS, *_TOPIC_EXTRA)
    topics = {
        topic_id: Topic(id=topic_id, title={lang: vocab[lang].text(2) for lang in LANGUAGES},
                        description={lang: vocab[lang].text(10) for lang in LANGUAGES})
        for topic_id in topic_ids
    }
    clips: dict[str, Clip] = {}
    for number in range(clip_count):
        subtitles = ("en", *rng.sample(LANGUAGES[1:], 2))
        clip = Clip.model_construct(
            id=f"clip-{number}",
            title={lang: vocab[lang].text(6) for lang in LANGUAGES},
            summary={lang: vocab[lang].text(35) for lang in LANGUAGES},
            transcript={lang: vocab[lang].text(90) for lang in subtitles},
            topics=tuple(rng.sample(topic_ids, rng.randint(1, 3))),
            example_questions={lang: [vocab[lang].text(7) for _ in range(2)]
                               for lang in subtitles},
            languages=("ar",), subtitles=subtitles, duration_s=60, content_warning="none",
            audience="general", telegram_file_id=None,
        )
        clips[clip.id] = clip
    return ContentIndex(sample=True, languages=LANGUAGES, topics=topics, clips=clips)


def _queries(count: int, seed: int, vocabulary_size: int = VOCABULARY_SIZE
             ) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    vocab = _vocabularies(7, vocabulary_size)  # the index's words, drawn anew
    for words in vocab.values():
        words.rng = rng
    queries = []
    for _ in range(count):
        lang = rng.choice(LANGUAGES)
        text = vocab[lang].text(rng.randint(2, 14))
        if rng.random() < 0.1:  # a typo
            position = rng.randrange(len(text))
            text = text[:position] + text[position + 1:]
        queries.append((lang, text))
    return queries


def _reference_loop_s() -> float:
    """CPU seconds of a fixed pure-Python loop: how fast this machine runs Python right now
    (on a shared machine the same build takes twice as long when a neighbour is busy)."""
    started = time.process_time()
    sum(range(10_000_000))
    return time.process_time() - started


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    """Print build time, per-query latency percentiles and RSS growth."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clips", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args()
    started = time.perf_counter()
    index = generate_index(args.clips)
    generated = time.perf_counter() - started
    gc.collect()
    reference = _reference_loop_s()
    rss_before = _rss_kib()
    started, started_cpu = time.perf_counter(), time.process_time()
    matcher = Matcher(index)
    build, build_cpu = time.perf_counter() - started, time.process_time() - started_cpu
    gc.collect()
    rss_built = _rss_kib()
    queries = _queries(args.queries, seed=11)
    for lang, text in queries[:50]:  # warm the stem caches like a running bot
        matcher.match(text, lang)
    latencies: list[float] = []
    cpu_latencies: list[float] = []
    for lang, text in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        matcher.match(text, lang, exclude=("clip-1", "clip-2"))
        cpu_latencies.append((time.thread_time() - started_cpu) * 1000)
        latencies.append((time.perf_counter() - started) * 1000)
    rss_after = _rss_kib()
    print(f"matcher benchmark: {args.clips} clips x {len(LANGUAGES)} languages, "
          f"{args.queries} queries (python {sys.version.split()[0]})")
    load = Path("/proc/loadavg").read_text().split()[0]
    print(f"  (wall clock, and CPU time of this process; 1-minute load average {load})")
    rows = [
        ("reference loop, CPU (machine speed)", f"{reference:.3f} s"),
        ("index generation (not timed target)", f"{generated:.2f} s"),
        ("index build (Matcher(index)), wall", f"{build:.2f} s"),
        ("index build (Matcher(index)), CPU", f"{build_cpu:.2f} s"),
    ]
    for label, values in (("wall", latencies), ("CPU", cpu_latencies)):
        rows += [
            (f"query latency p50, {label}", f"{statistics.median(values):.3f} ms"),
            (f"query latency p95, {label}", f"{_percentile(values, 0.95):.3f} ms"),
            (f"query latency p99, {label}", f"{_percentile(values, 0.99):.3f} ms"),
            (f"query latency max, {label}", f"{max(values):.3f} ms"),
        ]
    rows += [
        ("RSS growth, build", f"{(rss_built - rss_before) / 1024:.1f} MiB"),
        ("RSS growth, queries", f"{(rss_after - rss_built) / 1024:.1f} MiB"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value:>12}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
