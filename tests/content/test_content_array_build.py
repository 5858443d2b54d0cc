"""The array-based index build gives what the per-text, dictionary-based build gave."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
from content_paths import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import Matcher, load_content_index
from bot.content import _bm25 as bm25_module
from bot.content import _text as text_module
from bot.content import _tokens as tokens_module
from bot.content._bm25 import BM25Index, weighted_postings
from bot.content._numbering import NumberedTexts
from bot.content._text import Analyzer, words, words_of_texts
from bot.content._tokens import split_and_number
from bot.content.schema import ContentIndex

LANGUAGES = ("en", "ar", "fr", "de", "ru", "tr")
_PIECES = ("war", "Fighters", "the", "and", "l'État", "Straße", "KADINLAR", "пошёл", "и",
           "الأطْفَال", "والمقاتلين", "ﬁght", "\u200b", " ", "  ", "\n", ".", "'", "_", "12",
           "@abu_x", "www.x.com", "+49 170 1234567", "😀", "a", "I", "\x00")
_texts = st.lists(st.sampled_from(_PIECES), max_size=10).map("".join)


def _weigh(fields: Sequence[tuple[Sequence[str], float]]) -> tuple[Counter[str], float]:
    """A document's weighted term counts and length, field after field (the original)."""
    counts: Counter[str] = Counter()
    length = 0.0
    for terms, weight in fields:
        for term, count in Counter(terms).items():
            counts[term] += weight * count
        length += weight * len(terms)
    return counts, length


def _postings(index: BM25Index) -> dict[str, tuple[float, list[int], list[float]]]:
    """Every term's idf and kept (documents, impacts)."""
    found = {}
    for term in index.vocabulary():
        docs, impacts = index.postings(term) or ((), ())
        found[term] = (index.idf(term), list(docs), list(impacts))
    return found


def _texts_of(found: NumberedTexts) -> list[list[str]]:
    """The tokens of each text of ``found``."""
    return [[found.distinct[n] for n in found.numbers[start:end]]
            for start, end in zip(found.starts, found.ends, strict=True)]


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(_texts, max_size=12), language=st.sampled_from(LANGUAGES))
def test_terms_of_texts_match_text_by_text_analysis(texts: list[str], language: str) -> None:
    one_by_one, batched = Analyzer(language), Analyzer(language)
    expected = [one_by_one.terms(text) for text in texts]
    found = batched.terms_of_texts(texts)
    assert _texts_of(found) == expected
    assert list(batched.stems_seen()) == list(one_by_one.stems_seen())


def test_terms_of_texts_fall_back_to_text_by_text_when_a_cache_overflows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "_STEM_CACHE_LIMIT", 5)
    texts = ["the fighters were paid a salary", "salary houses promised wives",
             "fighters houses cars money", "money promised never came", ""] * 2
    one_by_one, batched = Analyzer("en"), Analyzer("en")
    expected = [one_by_one.terms(text) for text in texts]
    found = batched.terms_of_texts(texts)
    assert _texts_of(found) == expected
    assert list(batched.stems_seen()) == list(one_by_one.stems_seen())


# Texts for the token-by-token analysis: punctuation, digits, apostrophes, URLs, e-mails,
# phone numbers, mixed scripts, invisible and combining characters, every kind of whitespace
# (ASCII whitespace separates tokens, other whitespace does not), Turkish I/İ, French
# elisions, compatibility characters, long tokens, lone surrogates, NUL; and any text at all.
_TOKEN_PIECES = (
    "war", "Fighters", "the", "I", "İ", "İSTANBUL", "KADINLAR", "ılık", "Iraq", "l'homme,",
    "L'ÉTAT", "qu'il", "jusqu’à", "d`abord", "aujourd'hui", "don't", "'", "’", "`", "l",
    "Straße", "Mädchen", "пошёл", "Ёлка", "الأطْفَال", "والمقاتلين", "كـتاب", "ﷺ", "ﬁ", "ﬁght",
    "ΐ", "Σ", "ς", "e\u0301", "\u0301", "\u0307", "\u200b", "\u00ad", "\u200f", "\ufeff",
    "\x00", " ", " ", " ", "  ", "\n", "\t", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\xa0",
    "\u2028", "\u3000", ".", ",", "?", "!", "-", "_", "(", ")", "«", "»", "@", "/", "12",
    "٣", "１", "²", "Ⅻ", "+49 170", "1234567", "(030) 123-45", "@abu_x", "me@x.org",
    "www.x.com", "X.COM", "https://t.me/x", "x.com/a", "a.b", "t.me", "😀", "ß" * 20,
    "я" * 20, "\ud800", "a", "é",
)
_token_texts = st.one_of(
    st.lists(st.sampled_from(_TOKEN_PIECES), max_size=14).map("".join),
    st.text(max_size=30),
    st.lists(st.one_of(st.sampled_from(_TOKEN_PIECES), st.text(max_size=4)), max_size=8
             ).map(" ".join),
)


@settings(max_examples=400, deadline=None)
@given(texts=st.lists(_token_texts, max_size=10), language=st.sampled_from(LANGUAGES))
def test_words_of_texts_equal_the_words_of_each_text(texts: list[str], language: str
                                                     ) -> None:
    found = words_of_texts(texts, language)
    expected = [words(text, language) for text in texts]
    assert _texts_of(found) == expected
    assert found.distinct == list(dict.fromkeys(word for text in expected for word in text))
    assert found.numbers.dtype == np.int32
    assert found.ends.dtype == np.int64


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_token_texts, max_size=10), language=st.sampled_from(LANGUAGES))
def test_terms_of_texts_equal_the_terms_of_each_text(texts: list[str], language: str
                                                     ) -> None:
    one_by_one, batched = Analyzer(language), Analyzer(language)
    expected = [one_by_one.terms(text) for text in texts]
    assert _texts_of(batched.terms_of_texts(texts)) == expected
    assert list(batched.stems_seen()) == list(one_by_one.stems_seen())


@pytest.mark.parametrize("language", LANGUAGES)
def test_words_of_plain_texts_are_found_token_by_token(
        language: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Punctuation, apostrophes, elisions, Turkish I/İ, invisible characters and mixed
    scripts keep a text on the token-by-token path; digits and identifiers do not."""
    whole: list[str] = []
    monkeypatch.setattr(text_module, "words", lambda text, lang: whole.append(text) or
                        words(text, lang))
    plain = ["L'homme, qu'il VIT", "İSTANBUL Iraq ılık", "sal\u200bary (war) — «peace»",
             "Straße пошёл الأطْفَال Σ", "jusqu’à d`abord aujourd'hui!", ""]
    identifiers = ["call +49 170 1234567 now", "see www.x.com", "in 1990"]
    found = words_of_texts(plain + identifiers, language)
    assert _texts_of(found) == [words(text, language) for text in plain + identifiers]
    assert sorted(set(whole) & set(plain + identifiers)) == sorted(identifiers)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_token_texts, max_size=10))
def test_split_and_number_splits_as_bytes_split(texts: list[str]) -> None:
    found = split_and_number(texts)
    if any("\x00" in text for text in texts):
        assert found is None
        return
    assert found is not None
    split = [text.encode("utf-8", "surrogatepass").split() for text in texts]
    assert _texts_of(found) == split
    assert found.distinct == list(dict.fromkeys(token for text in split for token in text))


def test_split_and_number_gives_up_when_distinct_tokens_share_a_hash(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens_module, "_MIX", (np.uint64(0), np.uint64(0)))
    texts = ["war and peace", "peace", "x" * 40 + " " + "x" * 41]
    assert split_and_number(texts) is None
    assert split_and_number(["war war", "war"]) is not None  # one token: no collision
    found = words_of_texts(texts, "en")
    assert _texts_of(found) == [words(text, "en") for text in texts]


_field_documents = st.lists(  # documents of three fields, terms from a small vocabulary
    st.tuples(*[st.lists(st.sampled_from("abcdefg"), max_size=6)] * 3), min_size=1,
    max_size=40)


@pytest.mark.parametrize("dense", [True, False])
@settings(max_examples=100, deadline=None)
@given(documents=_field_documents, keep=st.integers(1, 6),
       weights=st.sampled_from(((3.0, 2.0, 1.0), (30.0, 1.0, 0.5), (0.7, 1.3, 2.0))))
def test_weighted_postings_give_the_index_of_weighed_documents(
        documents: list[tuple[list[str], ...]], keep: int, weights: tuple[float, ...],
        dense: bool) -> None:
    terms = sorted({term for fields in documents for field in fields for term in field})
    number = {term: n for n, term in enumerate(terms)}
    tokens = [(number[term], doc, field) for doc, fields in enumerate(documents)
              for field, words in enumerate(fields) for term in words]
    term_numbers, docs, fields = (np.array([t[i] for t in tokens], dtype=np.int64)
                                  for i in range(3))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bm25_module, "_DENSE_COUNT_CELLS", 10**9 if dense else 0)
        postings = weighted_postings(terms, term_numbers, docs, fields, weights,
                                     len(documents))
    found = BM25Index.from_postings(postings, b=0.3, max_postings=keep)
    expected = BM25Index([_weigh(list(zip(fields, weights, strict=True)))
                          for fields in documents], b=0.3, max_postings=keep)
    assert _postings(found) == _postings(expected)
    assert found.unknown_idf == expected.unknown_idf


def _reference_indexes(index: ContentIndex, language: str) -> list[BM25Index]:
    """The clip, question and topic indexes of ``language`` built text by text from
    dictionaries, as the matcher first built them (default tuning weights)."""
    lang = Analyzer(language)
    clips = list(index.clips.values())
    titles = [lang.terms(clip.title.get(language, "")) for clip in clips]
    questions = [[lang.terms(q) for q in clip.example_questions.get(language, ())]
                 for clip in clips]
    summaries = [lang.terms(clip.summary.get(language, "")) for clip in clips]
    transcripts = [lang.terms(clip.transcript.get(language, "")) for clip in clips]
    clip_index = BM25Index([_weigh([(t, 3.0), (s, 2.0), (r, 1.0), ([w for q in qs for w in q],
                                                                   2.0)])
                            for t, s, r, qs in zip(titles, summaries, transcripts, questions,
                                                   strict=True)], max_postings=160)
    question_index = BM25Index([(Counter(q), float(len(q))) for qs in questions for q in qs],
                               b=0.3, max_postings=64)
    primary = {topic_id: [] for topic_id in index.topics}
    secondary = {topic_id: [] for topic_id in index.topics}
    for clip, title, summary, transcript, qs in zip(clips, titles, summaries, transcripts,
                                                     questions, strict=True):
        for rank, topic_id in enumerate(clip.topics):
            for part in (title, summary, transcript, *qs):
                (primary if rank == 0 else secondary)[topic_id].extend(part)
    topic_index = BM25Index([_weigh([(lang.terms(topic.title_in(language)), 30.0),
                                     (lang.terms(topic.description_in(language)), 20.0),
                                     (primary[topic_id], 1.0), (secondary[topic_id], 0.5)])
                             for topic_id, topic in index.topics.items()], b=0.3)
    return [clip_index, question_index, topic_index]


def test_matcher_indexes_equal_the_text_by_text_build() -> None:
    index = load_content_index(REPO_ROOT / "content_index.yaml", LANGUAGES,
                               repo_root=REPO_ROOT, check_media=False)
    matcher = Matcher(index)
    for language, built in matcher._by_language.items():  # noqa: SLF001
        expected = _reference_indexes(index, language)
        for found, reference in zip((built.clips, built.questions, built.topics), expected,
                                    strict=True):
            assert _postings(found) == _postings(reference)
