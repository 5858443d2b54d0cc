"""Build one language's search structures from the clip index, analysing each text once.

All texts of the language are analysed in one batch into term numbers (one flat array, text
after text); the BM25 indexes are counted from those arrays, never from per-text term lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.content._bm25 import BM25Index, Postings, table_postings, weighted_postings
from bot.content._language_index import LanguageIndex
from bot.content._numbering import NumberedTexts
from bot.content._text import Analyzer, analyzer
from bot.content._translit import arabic_skeleton
from bot.content.schema import Clip, ContentIndex
from bot.content.tuning import MatcherTuning

# Postings kept per term (the best ones): bounds the work of a query on a large index.
_CLIP_POSTINGS = 160
_QUESTION_POSTINGS = 64
# A clip's fields in the clip index, in the order they are weighed.
_TITLE, _SUMMARY, _TRANSCRIPT, _QUESTION = range(4)
# A topic document's fields and weights: its title, its description, the texts of clips where
# it is the primary topic, of clips where it is a secondary one.
_TOPIC_WEIGHTS = (30.0, 20.0, 1.0, 0.5)
_OF_TOPIC = -1  # the "clip" of a topic's own title and description


@dataclass
class _Texts:
    """The analysed texts of one language (the topics' first: title, description, title...),
    and for every text the clip it belongs to, its field, and its number among the example
    questions (-1 for other texts)."""

    analysed: NumberedTexts
    clip_of: np.ndarray
    field_of: np.ndarray  # a clip field; for a topic's texts 0 (title) or 1 (description)
    question_of: np.ndarray
    topic_count: int
    clip_count: int

    def __post_init__(self) -> None:
        self.topic_tokens = int(self.analysed.ends[2 * self.topic_count - 1]
                                if self.topic_count else 0)  # the topics' texts' terms

    def per_term(self, per_text: np.ndarray) -> np.ndarray:
        """``per_text`` (a value per text) repeated for every term of each text."""
        return np.repeat(per_text, np.diff(self.analysed.ends, prepend=0))

    def words(self, chosen: np.ndarray) -> frozenset[str]:
        """The terms of the texts ``chosen`` (a flag per text)."""
        numbers = np.unique(self.analysed.numbers[self.per_term(chosen)])
        return frozenset(self.analysed.distinct[number] for number in numbers.tolist())


def _analyse(index: ContentIndex, clips: Sequence[Clip], language: str,
             lang_analyzer: Analyzer) -> _Texts:
    """Terms of the topics' titles and descriptions, of the clips' titles, then of each clip's
    example questions, summary and transcript in ``language``; each text analysed once, in the
    order the analyzer has always seen them (its stem cache is the Arabizi lookup's source)."""
    texts: list[str] = []
    for topic in index.topics.values():
        texts += (topic.title_in(language), topic.description_in(language))
    texts += [clip.title.get(language, "") for clip in clips]
    clip_of, field_of = [_OF_TOPIC] * len(texts), [0, 1] * len(index.topics)
    clip_of[len(field_of):] = range(len(clips))
    field_of += [_TITLE] * len(clips)
    for number, clip in enumerate(clips):
        questions = clip.example_questions.get(language, ())
        texts += (*questions, clip.summary.get(language, ""), clip.transcript.get(language, ""))
        clip_of += [number] * (len(questions) + 2)
        field_of += (*[_QUESTION] * len(questions), _SUMMARY, _TRANSCRIPT)
    field_array = np.array(field_of, dtype=np.int64)
    is_question = field_array == _QUESTION
    question_of = np.where(is_question, np.cumsum(is_question) - 1, -1)
    return _Texts(lang_analyzer.terms_of_texts(texts), np.array(clip_of, dtype=np.int64),
                  field_array, question_of, len(index.topics), len(clips))


def _clip_postings(texts: _Texts, tuning: MatcherTuning) -> Postings:
    """One BM25F document per clip: title, summary, transcript and questions, weighted."""
    first = texts.topic_tokens
    return weighted_postings(
        texts.analysed.distinct, texts.analysed.numbers[first:],
        texts.per_term(texts.clip_of)[first:], texts.per_term(texts.field_of)[first:],
        (tuning.title_field, tuning.summary_field, tuning.transcript_field,
         tuning.question_field), texts.clip_count)


def _question_postings(texts: _Texts) -> tuple[Postings, list[int]]:
    """One document per example question, and the number of the clip asking each."""
    question_of = texts.per_term(texts.question_of)
    of_question = question_of >= 0
    questions = question_of[of_question]
    owner = texts.clip_of[texts.question_of >= 0]
    return weighted_postings(texts.analysed.distinct, texts.analysed.numbers[of_question],
                             questions, np.zeros_like(questions), (1.0,), len(owner)
                             ), owner.tolist()


def clip_topics(index: ContentIndex, clips: Sequence[Clip]) -> list[np.ndarray]:
    """For each rank of a clip's topics (the primary topic first), the number of every
    clip's topic of that rank among the index's topics, -1 for a clip with fewer topics; the
    same for all languages."""
    topic_number = {topic_id: number for number, topic_id in enumerate(index.topics)}
    return [np.array([topic_number[clip.topics[rank]] if rank < len(clip.topics) else -1
                      for clip in clips], dtype=np.int64)
            for rank in range(max((len(clip.topics) for clip in clips), default=0))]


def _topic_postings(topics_by_rank: Sequence[np.ndarray], texts: _Texts) -> Postings:
    """One document per topic: its title and description, the texts of its clips (those
    of clips where it is a secondary topic at half weight)."""
    topics, fields = texts.topic_count, len(_TOPIC_WEIGHTS)
    first, numbers = texts.topic_tokens, texts.analysed.numbers.astype(np.int64)
    cells = len(texts.analysed.distinct) * topics * fields
    topic_texts = np.arange(2 * topics)
    lengths = np.diff(texts.analysed.ends[topic_texts], prepend=0)
    table = np.bincount((numbers[:first] * topics + np.repeat(topic_texts // 2, lengths))
                        * fields + np.repeat(topic_texts % 2, lengths), minlength=cells)
    clip_terms, clip_of = numbers[first:] * topics, texts.per_term(texts.clip_of)[first:]
    for rank, topic_of_clip in enumerate(topics_by_rank):
        keys = (clip_terms + topic_of_clip[clip_of]) * fields + (2 if rank == 0 else 3)
        if (topic_of_clip < 0).any():
            keys = keys[topic_of_clip[clip_of] >= 0]
        table += np.bincount(keys, minlength=cells)
    return table_postings(texts.analysed.distinct, table, _TOPIC_WEIGHTS, topics)


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


def build_language_index(index: ContentIndex, clips: Sequence[Clip], language: str,
                         tuning: MatcherTuning,
                         topics_by_rank: Sequence[np.ndarray] | None = None) -> LanguageIndex:
    """The search structures of ``language``; ``topics_by_rank``: clip_topics(index, clips),
    computed once for all languages."""
    if topics_by_rank is None:
        topics_by_rank = clip_topics(index, clips)
    lang_analyzer = analyzer(language)
    texts = _analyse(index, clips, language, lang_analyzer)
    question_postings, question_owner = _question_postings(texts)
    clip_index = BM25Index.from_postings(_clip_postings(texts, tuning),
                                         max_postings=_CLIP_POSTINGS)
    is_topic, is_title = texts.clip_of == _OF_TOPIC, texts.field_of == _TITLE
    return LanguageIndex(
        skeletons=_skeleton_map(lang_analyzer, clip_index) if language == "ar" else {},
        title_terms=texts.words(is_topic & is_title),
        analyzer=lang_analyzer,
        clips=clip_index,
        questions=BM25Index.from_postings(question_postings, b=0.3,
                                          max_postings=_QUESTION_POSTINGS),
        question_owner=question_owner,
        topics=BM25Index.from_postings(_topic_postings(topics_by_rank, texts), b=0.3),
        topic_words=texts.words(is_topic),
        clip_title_words=texts.words(~is_topic & is_title),
    )
