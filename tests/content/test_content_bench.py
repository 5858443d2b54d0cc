"""bench/bench_matcher.py still runs: a tiny generated index answers generated queries."""

from __future__ import annotations

import importlib.util

from content_paths import REPO_ROOT

from bot.content import Matcher


def test_generated_index_is_searchable() -> None:
    spec = importlib.util.spec_from_file_location(
        "bench_matcher", REPO_ROOT / "bench" / "bench_matcher.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    index = bench.generate_index(60, vocabulary_size=500)
    matcher = Matcher(index)
    queries = bench._queries(30, seed=3, vocabulary_size=500)
    results = [matcher.match(text, lang) for lang, text in queries]
    assert len(index) == 60
    assert sum(bool(r.matches) for r in results) >= 20
