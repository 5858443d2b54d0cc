"""Build one language's search structures from the clip index, analysing each text once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from bot.content._bm25 import BM25Index, weigh
from bot.content._language_index import LanguageIndex
from bot.content._text import Analyzer, analyzer
from bot.content._translit import arabic_skeleton
from bot.content.schema import Clip, ContentIndex
from bot.content.tuning import MatcherTuning

# Postings kept per term (the best ones): bounds the work of a query on a large index.
_CLIP_POSTINGS = 160
_QUESTION_POSTINGS = 64


@dataclass
class _Texts:
    """The terms of every text of one language: topics' and clips' (per clip, per question)."""

    topic_titles: list[list[str]]
    topic_descriptions: list[list[str]]
    titles: list[list[str]]
    summaries: list[list[str]]
    transcripts: list[list[str]]
    questions: list[list[list[str]]]


def _analyse(index: ContentIndex, clips: Sequence[Clip], language: str,
             lang_analyzer: Analyzer) -> _Texts:
    """Terms of the topics' titles and descriptions, of the clips' titles, then of each clip's
    example questions, summary and transcript in ``language``; each text analysed once, in the
    order the analyzer has always seen them (its stem cache is the Arabizi lookup's source)."""
    terms = lang_analyzer.terms
    found = _Texts([], [], [], [], [], [])
    for topic in index.topics.values():
        found.topic_titles.append(terms(topic.title_in(language)))
        found.topic_descriptions.append(terms(topic.description_in(language)))
    found.titles = [terms(clip.title.get(language, "")) for clip in clips]
    for clip in clips:
        found.questions.append([terms(q) for q in clip.example_questions.get(language, ())])
        found.summaries.append(terms(clip.summary.get(language, "")))
        found.transcripts.append(terms(clip.transcript.get(language, "")))
    return found


def _clip_documents(texts: _Texts, tuning: MatcherTuning) -> list[tuple[Counter[str], float]]:
    """One BM25F document per clip: title, summary, transcript and questions, weighted."""
    weights = (tuning.title_field, tuning.summary_field, tuning.transcript_field,
               tuning.question_field)
    return [weigh(zip(fields, weights, strict=True)) for fields in zip(
        texts.titles, texts.summaries, texts.transcripts, map(_joined, texts.questions),
        strict=True)]


def _question_documents(texts: _Texts) -> tuple[list[tuple[Counter[str], float]], list[int]]:
    """One document per example question, and the number of the clip asking each."""
    documents: list[tuple[Counter[str], float]] = []
    owner: list[int] = []
    for number, questions in enumerate(texts.questions):
        for question in questions:
            documents.append((Counter(question), float(len(question))))
            owner.append(number)
    return documents, owner


def _topic_documents(index: ContentIndex, clips: Sequence[Clip], texts: _Texts
                     ) -> list[tuple[Counter[str], float]]:
    """One document per topic: its title and description, the texts of its clips (those
    of clips where it is a secondary topic at half weight)."""
    primary: dict[str, list[str]] = {topic_id: [] for topic_id in index.topics}
    secondary: dict[str, list[str]] = {topic_id: [] for topic_id in index.topics}
    for clip, title, summary, transcript, questions in zip(
            clips, texts.titles, texts.summaries, texts.transcripts, texts.questions,
            strict=True):
        parts = (title, summary, transcript, *questions)
        for rank, topic_id in enumerate(clip.topics):
            aggregate = (primary if rank == 0 else secondary)[topic_id]
            for part in parts:
                aggregate.extend(part)
    return [weigh([(title, 30.0), (description, 20.0),
                   (primary[topic_id], 1.0), (secondary[topic_id], 0.5)])
            for topic_id, title, description in zip(
                index.topics, texts.topic_titles, texts.topic_descriptions, strict=True)]


def _joined(parts: list[list[str]]) -> list[str]:
    """The terms of all ``parts`` in one list (the one part itself when there is one)."""
    return parts[0] if len(parts) == 1 else [term for part in parts for term in part]


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
                         tuning: MatcherTuning) -> LanguageIndex:
    """The search structures of ``language``."""
    lang_analyzer = analyzer(language)
    texts = _analyse(index, clips, language, lang_analyzer)
    question_docs, question_owner = _question_documents(texts)
    clip_index = BM25Index(_clip_documents(texts, tuning), max_postings=_CLIP_POSTINGS)
    return LanguageIndex(
        skeletons=_skeleton_map(lang_analyzer, clip_index) if language == "ar" else {},
        title_terms=frozenset(chain.from_iterable(texts.topic_titles)),
        analyzer=lang_analyzer,
        clips=clip_index,
        questions=BM25Index(question_docs, b=0.3, max_postings=_QUESTION_POSTINGS),
        question_owner=question_owner,
        topics=BM25Index(_topic_documents(index, clips, texts), b=0.3),
        topic_words=frozenset(chain.from_iterable(
            (*texts.topic_titles, *texts.topic_descriptions))),
        clip_title_words=frozenset(chain.from_iterable(texts.titles)),
    )
