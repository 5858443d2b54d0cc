"""Match a user's question to testimony clips: BM25F on clip texts, example questions, topics."""

from __future__ import annotations

import heapq
from collections.abc import Collection
from dataclasses import dataclass
from operator import itemgetter

from bot.content._confidence import THRESHOLD, features, probability
from bot.content._index_build import build_language_index, clip_topics
from bot.content._language_index import (
    LanguageIndex,
    Query,
    denominator,
    gc_paused,
    script_languages,
)
from bot.content._text import analyzer, clean, strip_identifiers
from bot.content.schema import Clip, ContentIndex
from bot.content.tuning import MatcherTuning

_PATTERN_TOKENS = 8
_NOUN_CAPITALISING = frozenset({"de"})
_ROMANISED = frozenset({"ar", "ru"})  # languages also typed in plain Latin letters
_SHORTLIST = 40  # clips re-ranked with topic scores after the lexical stage


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



class Matcher:
    """Ranks the clips of a ContentIndex for a question in one of the index's languages."""

    def __init__(self, index: ContentIndex, tuning: MatcherTuning | None = None) -> None:
        self.index = index
        self.tuning = tuning or MatcherTuning()
        self._clips: list[Clip] = list(index.clips.values())
        self._number_of = {clip.id: n for n, clip in enumerate(self._clips)}
        self._topic_ids: list[str] = list(index.topics)
        with gc_paused():
            topics_by_rank = clip_topics(index, self._clips)
            self._by_language = {
                language: build_language_index(index, self._clips, language, self.tuning,
                                               topics_by_rank)
                for language in index.languages
            }

    def _pick_language(self, text: str, language: str) -> tuple[LanguageIndex, Query]:
        """The user's language index, or another one if it understands the text far better."""
        fuzzy = self.tuning.fuzzy_weight
        home = self._by_language.get(language) or next(iter(self._by_language.values()))
        query, coverage = home.query(text, fuzzy)
        if coverage >= self.tuning.backoff_coverage or not query:
            return home, query  # understood, or only function words of the user's language
        script = script_languages(text)
        accented = script is None and any(ch.isalpha() and ord(ch) > 127 for ch in text)
        for code, other in self._by_language.items():
            if other is home or (script is not None and code not in script):
                continue
            if accented and code in _ROMANISED:
                continue  # "ı", "é", "ü": Latin text of a language, not Arabizi or translit
            other_query, other_coverage = other.query(text, 0.0)
            if other_coverage > max(coverage, self.tuning.backoff_coverage):
                home, query, coverage = other, other_query, other_coverage
        return home, query

    def _topic_scores(self, lang_index: LanguageIndex, query: Query) -> dict[int, float]:
        """Topic relevance: BM25 on topic documents (title, description, their clips' text)."""
        scores = lang_index.topics.scores(query, denominator(lang_index.topics, query))
        return {n: self.tuning.topic_weight * s for n, s in scores.items()}

    def match(self, text: str, language: str, *, exclude: Collection[str] = (),
              limit: int = 3) -> MatchResult:
        """The best ``limit`` clips for ``text`` in ``language``, skipping ``exclude``."""
        return self._search(text, language, exclude, limit)[0]

    def _search(self, text: str, language: str, exclude: Collection[str], limit: int
                ) -> tuple[MatchResult, tuple[float, ...] | None]:
        """The match result and the confidence features of its best clip (None: no clip)."""
        tuning = self.tuning
        lang_index, query = self._pick_language(text, language)
        if not query:
            return MatchResult(language, (), False, ()), None
        # Stage 1: lexical score of every clip sharing a term (capped postings per term).
        lexical = lang_index.clips.scores(query, denominator(lang_index.clips, query))
        if tuning.clip_weight != 1.0:
            lexical = {n: tuning.clip_weight * v for n, v in lexical.items()}
        question_hits = lang_index.questions.scores(
            query, denominator(lang_index.questions, query))
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
        if not matches:
            return MatchResult(language, matches, False, suggested), None
        best = -ranked[0][1]
        vector = features(
            lang_index, query, best, lexical.get(best, 0.0), best_question.get(best, 0.0),
            [entry[0] for entry in ranked[:2]],
            {n: s / tuning.topic_weight for n, s in topic_by_number.items()}
            if tuning.topic_weight else {},
            bool(suggested) and matches[0].topic == suggested[0],
            lang_index.topic_words, lang_index.clip_title_words)
        confident = probability(vector) >= THRESHOLD
        return MatchResult(language, matches, confident, suggested), vector

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


def _drop_capitalised_names(text: str, language: str) -> str:
    """Drop capitalised words inside a sentence (likely personal names); keep acronyms.

    German capitalises every noun, and Arabic has no case, so both are left as they are.
    """
    if language in _NOUN_CAPITALISING:
        return text
    kept: list[str] = []
    sentence_start = True
    for token in text.split():
        word = token.strip("\"'«»“”()[]¿¡")
        name = (not sentence_start and word[:1].isalpha() and word[:1].isupper()
                and not word.isupper())
        if not name:
            kept.append(token)
        sentence_start = token.endswith((".", "!", "?", "…", ":"))
    return " ".join(kept)


def question_pattern(text: str, language: str) -> str:
    """A normalised, identifier-free pattern of ``text`` for the content-gap report.

    URLs, e-mails, @names, phone numbers, numbers and capitalised names inside a sentence
    are dropped, then stopwords; the remaining stems keep their order, at most eight.
    """
    text = _drop_capitalised_names(strip_identifiers(clean(text)), language)
    return " ".join(analyzer(language).terms(text)[:_PATTERN_TOKENS])
