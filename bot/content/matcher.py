"""Match a user's question to testimony clips: BM25F on clip texts, example questions, topics."""

from __future__ import annotations

import gc
import heapq
from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter

from bot.content._bm25 import BM25Index, weigh
from bot.content._fuzzy import FuzzyVocabulary
from bot.content._text import Analyzer, analyzer
from bot.content._translit import (
    ARABIZI_STOPWORDS,
    ARABIZI_TOKEN,
    arabic_skeleton,
    arabizi_skeleton,
    latin_to_cyrillic,
    looks_latin,
)
from bot.content.schema import Clip, ContentIndex

_PATTERN_TOKENS = 8
_SHORTLIST = 40  # clips re-ranked with topic scores after the lexical stage


@dataclass(frozen=True)
class MatcherTuning:
    """The scorer's weights and threshold; defaults were tuned on tests/eval/matcher_dev.yaml."""

    clip_weight: float = 1.0
    question_weight: float = 1.0
    topic_weight: float = 0.5
    secondary_topic: float = 0.8
    not_subtitled: float = 0.85
    same_topic_discount: float = 0.8
    fuzzy_weight: float = 0.7
    backoff_coverage: float = 0.5
    confidence_threshold: float = 0.45   # top score needed to be confident
    confidence_evidence: float = 0.7     # indexed idf mass needed, in units of a rare term
    title_field: float = 3.0
    summary_field: float = 2.0
    transcript_field: float = 1.0
    question_field: float = 2.0
    topic_field: float = 1.0


@dataclass(frozen=True)
class ClipMatch:
    """One suggested clip: its score, its topics and the topic it answers."""

    clip_id: str
    score: float
    topic: str
    topics: tuple[str, ...]


@dataclass(frozen=True)
class MatchResult:
    """Ranked clips for a question; ``confident`` is False when the bot should show a menu."""

    language: str
    matches: tuple[ClipMatch, ...]
    confident: bool
    topics: tuple[str, ...] = ()   # topic ids ranked by relevance, for a menu

    @property
    def best(self) -> ClipMatch | None:
        """The top match, if any."""
        return self.matches[0] if self.matches else None


Query = list[tuple[str, float]]


@dataclass
class _LanguageIndex:
    """Everything needed to score a question written in one language."""

    analyzer: Analyzer
    clips: BM25Index
    questions: BM25Index
    question_owner: list[int]
    topics: BM25Index
    skeletons: dict[str, str] = field(default_factory=dict)  # Arabizi: skeleton -> stem
    fuzzy: FuzzyVocabulary = field(init=False)

    def __post_init__(self) -> None:
        self.fuzzy = FuzzyVocabulary(self.clips.vocabulary())

    def _romanised_terms(self, text: str) -> list[tuple[str, float]] | None:
        """Terms of Russian or Arabic typed in Latin letters; None for other text."""
        language = self.analyzer.language
        if language not in ("ru", "ar") or not looks_latin(text):
            return None
        if language == "ru":
            return [(term, 0.9) for term in self.analyzer.terms(latin_to_cyrillic(text))]
        found: list[tuple[str, float]] = []
        for token in ARABIZI_TOKEN.findall(text.casefold()):
            stem = self.skeletons.get(arabizi_skeleton(token))
            if token not in ARABIZI_STOPWORDS and stem is not None:
                found.append((stem, 0.8))
        return found

    def query(self, text: str, fuzzy_weight: float) -> tuple[Query, float]:
        """(term, weight) pairs of ``text`` and the share of its idf mass that is indexed;
        unknown terms are replaced by a close known term (``fuzzy_weight`` 0: not at all)."""
        weights: dict[str, float] = {}
        known = total = 0.0
        romanised = self._romanised_terms(text)
        pairs = romanised if romanised else [(t, 1.0) for t in self.analyzer.terms(text)]
        for term, weight in pairs:
            if fuzzy_weight and term not in self.clips:
                near = self.fuzzy.nearest(term)
                if near is not None:
                    term, weight = near, weight * fuzzy_weight
            idf = self.clips.idf(term)
            total += idf
            if term in self.clips:
                known += idf * weight
            weights[term] = max(weights.get(term, 0.0), weight)
        return list(weights.items()), (known / total if total else 0.0)


def _denominator(index: BM25Index, query: Query) -> float:
    return sum(weight * index.idf(term) for term, weight in query)


def _skeleton_map(lang_analyzer: Analyzer, clips: BM25Index) -> dict[str, str]:
    """Consonant skeleton of every Arabic word met so far -> the most common indexed stem."""
    best: dict[str, tuple[float, str]] = {}
    for word, stem in list(lang_analyzer.stems_seen()):
        if stem not in clips or word in lang_analyzer.stopwords:
            continue
        skeleton = arabic_skeleton(word)
        if len(skeleton) >= 2:
            key = (-clips.idf(stem), stem)
            if skeleton not in best or key > best[skeleton]:
                best[skeleton] = key
    return {skeleton: stem for skeleton, (_, stem) in best.items()}


def _build_language(index: ContentIndex, clips: Sequence[Clip], language: str,
                    tuning: MatcherTuning) -> _LanguageIndex:
    lang_analyzer = analyzer(language)
    terms = lang_analyzer.terms
    clip_docs: list[tuple[Counter[str], float]] = []
    question_docs: list[tuple[Counter[str], float]] = []
    question_owner: list[int] = []
    primary_text: dict[str, list[str]] = {topic_id: [] for topic_id in index.topics}
    secondary_text: dict[str, list[str]] = {topic_id: [] for topic_id in index.topics}
    for number, clip in enumerate(clips):
        question_terms = [terms(q) for q in clip.example_questions.get(language, [])]
        asked = [t for q in question_terms for t in q]
        title = terms(clip.title.get(language, ""))
        summary = terms(clip.summary.get(language, ""))
        transcript = terms(clip.transcript.get(language, ""))
        clip_docs.append(weigh([
            (title, tuning.title_field), (summary, tuning.summary_field),
            (transcript, tuning.transcript_field), (asked, tuning.question_field),
        ]))
        for question in question_terms:
            question_docs.append((Counter(question), float(len(question))))
            question_owner.append(number)
        for rank, topic_id in enumerate(clip.topics):
            aggregate = primary_text if rank == 0 else secondary_text
            for part in (title, summary, transcript, asked):
                aggregate[topic_id].extend(part)
    topic_docs = [
        weigh([(terms(topic.title_in(language)), 30.0),
               (terms(topic.description_in(language)), 20.0),
               (primary_text[topic_id], 1.0), (secondary_text[topic_id], 0.5)])
        for topic_id, topic in index.topics.items()
    ]
    clip_index = BM25Index(clip_docs)
    return _LanguageIndex(
        skeletons=_skeleton_map(lang_analyzer, clip_index) if language == "ar" else {},
        analyzer=lang_analyzer,
        clips=clip_index,
        questions=BM25Index(question_docs, b=0.3),
        question_owner=question_owner,
        topics=BM25Index(topic_docs, b=0.3),
    )


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of acyclic postings are allocated."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _script_languages(text: str) -> frozenset[str] | None:
    """Languages whose index can understand ``text``'s script (None: any)."""
    for char in text:
        if "\u0600" <= char <= "\u06ff":
            return frozenset({"ar"})
        if "\u0400" <= char <= "\u04ff":
            return frozenset({"ru"})
    return None


class Matcher:
    """Ranks the clips of a ContentIndex for a question in one of the index's languages."""

    def __init__(self, index: ContentIndex, tuning: MatcherTuning | None = None) -> None:
        self.index = index
        self.tuning = tuning or MatcherTuning()
        self._clips: list[Clip] = list(index.clips.values())
        self._number_of = {clip.id: n for n, clip in enumerate(self._clips)}
        self._topic_ids: list[str] = list(index.topics)
        with _gc_paused():
            self._by_language = {
                language: _build_language(index, self._clips, language, self.tuning)
                for language in index.languages
            }

    def _pick_language(self, text: str, language: str) -> tuple[_LanguageIndex, Query]:
        """The user's language index, or another one if it understands the text far better."""
        fuzzy = self.tuning.fuzzy_weight
        home = self._by_language.get(language) or next(iter(self._by_language.values()))
        query, coverage = home.query(text, fuzzy)
        if coverage >= self.tuning.backoff_coverage or not query:
            return home, query  # understood, or only function words of the user's language
        script = _script_languages(text)
        for code, other in self._by_language.items():
            if other is home or (script is not None and code not in script):
                continue
            other_query, other_coverage = other.query(text, 0.0)
            if other_coverage > max(coverage, self.tuning.backoff_coverage):
                home, query, coverage = other, other_query, other_coverage
        return home, query

    def _topic_scores(self, lang_index: _LanguageIndex, query: Query) -> dict[int, float]:
        """Topic relevance: BM25 on topic documents (title, description, their clips' text)."""
        scores = lang_index.topics.scores(query, _denominator(lang_index.topics, query))
        return {n: self.tuning.topic_weight * s for n, s in scores.items()}

    def match(self, text: str, language: str, *, exclude: Collection[str] = (),
              limit: int = 3) -> MatchResult:
        """The best ``limit`` clips for ``text`` in ``language``, skipping ``exclude``."""
        tuning = self.tuning
        lang_index, query = self._pick_language(text, language)
        if not query:
            return MatchResult(language, (), False, ())
        # Stage 1: lexical score of every clip sharing a term (capped postings per term).
        lexical = lang_index.clips.scores(query, _denominator(lang_index.clips, query))
        if tuning.clip_weight != 1.0:
            lexical = {n: tuning.clip_weight * v for n, v in lexical.items()}
        question_hits = lang_index.questions.scores(
            query, _denominator(lang_index.questions, query))
        best_question: dict[int, float] = {}
        owner = lang_index.question_owner
        for question, score in question_hits.items():
            number = owner[question]
            if score > best_question.get(number, 0.0):
                best_question[number] = score
        for number, score in best_question.items():
            lexical[number] = lexical.get(number, 0.0) + tuning.question_weight * score
        excluded = {self._number_of[c] for c in exclude if c in self._number_of}
        shortlist_size = max(limit * 4, _SHORTLIST)
        shortlist = heapq.nlargest(shortlist_size + len(excluded), lexical.items(),
                                   key=itemgetter(1))
        # Stage 2: add topic relevance, prefer subtitled clips, on the shortlist only.
        topic_by_number = self._topic_scores(lang_index, query)
        topic_scores = {self._topic_ids[n]: s for n, s in topic_by_number.items()}
        ranked: list[tuple[float, int, str]] = []
        for number, score in shortlist:
            if number in excluded:
                continue
            topics = self._clips[number].topics
            answered, topic_part = topics[0], topic_scores.get(topics[0], 0.0)
            for topic_id in topics[1:]:
                part = topic_scores.get(topic_id, 0.0) * tuning.secondary_topic
                if part > topic_part:
                    answered, topic_part = topic_id, part
            score += topic_part
            if language not in self._clips[number].subtitles:
                score *= tuning.not_subtitled
            ranked.append((score, -number, answered))
        ranked = self._diversify(ranked, limit)
        if len(ranked) < limit:
            taken = set(lexical) | excluded
            ranked.extend(self._topic_fill(topic_scores, language, exclude, taken,
                                           limit - len(ranked)))
        matches = tuple(
            ClipMatch(self._clips[-neg].id, round(score, 4), answered, self._clips[-neg].topics)
            for score, neg, answered in ranked[:max(limit, 0)]
        )
        suggested = tuple(sorted(topic_scores, key=lambda t: -topic_scores[t]))
        clip_index = lang_index.clips
        evidence = sum(w * clip_index.idf(t) for t, w in query if t in clip_index) / (
            clip_index.unknown_idf or 1.0)
        confident = (bool(matches) and matches[0].score >= tuning.confidence_threshold
                     and evidence >= tuning.confidence_evidence)
        return MatchResult(language, matches, confident, suggested)

    def _diversify(self, ranked: list[tuple[float, int, str]], limit: int
                   ) -> list[tuple[float, int, str]]:
        """The top ``limit`` entries, each clip's score discounted for every already chosen
        clip answering the same topic, so that near-ties show different aspects."""
        ranked.sort(reverse=True)
        pool = ranked[:max(limit * 4, limit)]
        chosen: list[tuple[float, int, str]] = []
        seen_topics: dict[str, int] = {}
        discount = self.tuning.same_topic_discount
        while pool and len(chosen) < limit:
            best = max(pool, key=lambda e: e[0] * discount ** seen_topics.get(e[2], 0))
            pool.remove(best)
            chosen.append(best)
            seen_topics[best[2]] = seen_topics.get(best[2], 0) + 1
        return chosen

    def _topic_fill(self, topic_scores: dict[str, float], language: str,
                    exclude: Collection[str], taken: set[int], wanted: int
                    ) -> list[tuple[float, int, str]]:
        """Clips of the best-scoring topics whose own texts did not match the question."""
        number_of = self._number_of
        filled: list[tuple[float, int, str]] = []
        for topic_id in sorted(topic_scores, key=lambda t: -topic_scores[t]):
            for clip_id in self.clips_for_topic(topic_id, language, exclude=exclude):
                number = number_of[clip_id]
                if number not in taken and len(filled) < wanted:
                    taken.add(number)
                    filled.append((topic_scores[topic_id] * 0.5,
                                   -number, topic_id))
        return filled

    def clips_for_topic(self, topic: str, language: str, *,
                        exclude: Collection[str] = ()) -> list[str]:
        """Clip ids tagged ``topic``: subtitled in ``language`` first, then primary-topic first."""
        ids = [clip_id for clip_id in self.index.clip_ids_for_topic(topic)
               if clip_id not in exclude]
        position = {clip_id: n for n, clip_id in enumerate(ids)}

        def order(clip_id: str) -> tuple[bool, bool, int]:
            clip = self.index.clip(clip_id)
            return (language not in clip.subtitles, clip.primary_topic != topic,
                    position[clip_id])

        return sorted(ids, key=order)


def question_pattern(text: str, language: str) -> str:
    """A normalised, identifier-free pattern of ``text`` for the content-gap report.

    URLs, e-mails, @names, phone numbers and numbers are dropped, then stopwords; the
    remaining stems keep their order, at most eight.
    """
    return " ".join(analyzer(language).terms(text)[:_PATTERN_TOKENS])
