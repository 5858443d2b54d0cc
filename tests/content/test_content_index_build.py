"""The fast index build analyses text exactly as the plain, one-text-at-a-time path does."""

from __future__ import annotations

import math
import random
import re
import unicodedata
from array import array

import pytest
from content_paths import REPO_ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content import Matcher, load_content_index
from bot.content import _text as text_module
from bot.content._bm25 import BM25Index
from bot.content._text import (
    _ARABIC_FOLD,
    _ARABIC_LETTER,
    _ARABIC_MARKS,
    _FRENCH_ELISION,
    _INVISIBLE,
    Analyzer,
    normalise,
    strip_identifiers,
    words,
)
from bot.content.schema import ContentIndex

LANGUAGES = ("en", "ar", "fr", "de", "ru", "tr")
# Pieces that exercise every step of normalisation and the separator of joined texts.
_PIECES = (
    "war", "Fighters", "the", "and", "l'État", "qu'il", "Straße", "Mädchen", "KADINLAR",
    "İSTANBUL", "ılık", "пошёл", "Ёлка", "и", "الأطْفَال", "والمقاتلين", "الدولة", "كـتاب",
    "ﷺ", "ﬁght", "ΐ", "e\u0301", "\u0301", "\u0307", "\u200b", "\u00ad", "\u200f", "\x00",
    " ", " ", " ", "  ", "\n", "\t", "\u3000", ".", ",", "?", "!", "'", "’", "`", "_", "-",
    "(", ")", "@abu_x", "me@x.org", "www.x.com", "https://t.me/x", "x.com/a", "12", "+49 170",
    "1234567", "٣", "１", "😀", "a", "é", "ß", "I", "ё", "أ", "ى", "ک",
)
_texts = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


def _reference_normalise(text: str, language: str) -> str:
    """normalise() as it was written before the fast paths: every step, in order."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = strip_identifiers(text).replace("’", "'").replace("`", "'").replace("_", " ")
    if language == "tr":
        text = text.replace("I", "ı").replace("İ", "i")
    text = text.casefold()
    if language == "ar" or _ARABIC_LETTER.search(text):
        text = _ARABIC_MARKS.sub("", text).translate(str.maketrans(dict(_ARABIC_FOLD)))
    if language == "ru":
        text = text.replace("ё", "е")
    elif language == "fr":
        text = _FRENCH_ELISION.sub(" ", text)
    return text


@settings(max_examples=150, deadline=None)
@given(text=_texts, language=st.sampled_from(LANGUAGES))
def test_normalise_and_words_match_the_plain_steps(text: str, language: str) -> None:
    expected = _reference_normalise(text, language)
    assert normalise(text, language) == expected
    assert words(text, language) == re.findall(r"\w+", expected)


class _ReferenceAnalyzer(Analyzer):
    """terms() as first written: stem every kept word through the cache, text by text."""

    def terms(self, text: str) -> list[str]:
        stems = [self._cache.get(w) or self.stem(w) for w in words(text, self.language)
                 if w not in self.stopwords and len(w) > 1]
        return [s for s in stems if s not in self.stopword_stems]


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(_texts, max_size=8), language=st.sampled_from(LANGUAGES))
def test_memoised_terms_match_the_plain_analysis(texts: list[str], language: str) -> None:
    memoised, plain = Analyzer(language), _ReferenceAnalyzer(language)
    for text in [*texts, *texts]:  # the second time from the memo
        assert memoised.terms(text) == plain.terms(text)
    assert list(memoised.stems_seen()) == list(plain.stems_seen())


def test_memoised_terms_match_when_the_stem_cache_overflows(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "_STEM_CACHE_LIMIT", 5)
    texts = ["the fighters were paid a salary", "salary salary houses promised",
             "fighters houses wives cars money", "money promised never came", "fighters"] * 2
    memoised, plain = Analyzer("en"), _ReferenceAnalyzer("en")
    for text in texts:
        assert memoised.terms(text) == plain.terms(text)
        assert list(memoised.stems_seen()) == list(plain.stems_seen())


def _reference_postings(documents: list[tuple[dict[str, float], float]], keep: int,
                        b: float) -> dict[str, tuple[list[int], list[float]]]:
    """BM25Index's postings as first written: append per posting, then prune per term."""
    docs_of: dict[str, list[int]] = {}
    tfs_of: dict[str, list[float]] = {}
    for doc, (counts, _) in enumerate(documents):
        for term, tf in counts.items():
            docs_of.setdefault(term, []).append(doc)
            tfs_of.setdefault(term, []).append(tf)
    size = len(documents)
    average = sum(length for _, length in documents) / size
    norms = [1.2 * (1.0 - b + b * length / average) for _, length in documents]
    found = {}
    for term, docs in docs_of.items():
        idf = math.log(1.0 + (size - len(docs) + 0.5) / (len(docs) + 0.5))
        impacts = [idf * tf / (tf + norms[doc])
                   for doc, tf in zip(docs, tfs_of[term], strict=True)]
        if len(docs) > keep:
            order = sorted(range(len(docs)), key=impacts.__getitem__, reverse=True)[:keep]
            docs, impacts = [docs[i] for i in order], [impacts[i] for i in order]
        found[term] = (docs, list(array("f", impacts)))
    return found


_documents = st.lists(
    st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from((1, 2, 3, 0.5, 4.5, 7)),
                    min_size=1), min_size=1, max_size=60,
).map(lambda counts: [(c, float(sum(c.values()))) for c in counts])


@settings(max_examples=150, deadline=None)
@given(documents=_documents, keep=st.integers(1, 8), b=st.sampled_from((0.3, 0.75)))
def test_bm25_postings_match_the_plain_construction(
        documents: list[tuple[dict[str, float], float]], keep: int, b: float) -> None:
    index = BM25Index(documents, b=b, max_postings=keep)
    expected = _reference_postings(documents, keep, b)
    assert list(index.vocabulary()) == list(expected)
    for term, (docs, impacts) in expected.items():
        found = index.postings(term)
        assert found is not None
        assert (list(found[0]), list(found[1])) == (docs, impacts)


def _ranking(matcher: Matcher, questions: list[tuple[str, str]]) -> list[object]:
    return [matcher._search(text, language, (), 5) for text, language in questions]  # noqa: SLF001


def _postings_by_clip(matcher: Matcher) -> dict[tuple[str, str], dict[str, float]]:
    """(language, term) -> {clip id: impact}: the clip index without clip numbers."""
    found: dict[tuple[str, str], dict[str, float]] = {}
    for language, lang_index in matcher._by_language.items():  # noqa: SLF001
        for term in lang_index.clips.vocabulary():
            docs, impacts = lang_index.clips.postings(term) or ((), ())
            found[language, term] = {matcher._clips[doc].id: impact  # noqa: SLF001
                                     for doc, impact in zip(docs, impacts, strict=True)}
    return found


def test_index_built_twice_or_from_shuffled_clips_is_the_same() -> None:
    index = load_content_index(REPO_ROOT / "content_index.yaml", LANGUAGES,
                               repo_root=REPO_ROOT, check_media=False)
    questions = [("did they pay the fighters a salary", "en"), ("رواتب المقاتلين", "ar"),
                 ("Wie war das Leben dort?", "de"), ("kak uehat ottuda", "ru"),
                 ("les enfants soldats", "fr"), ("kadınlar ne yaptı", "tr")]
    matcher = Matcher(index)
    assert _ranking(Matcher(index), questions) == _ranking(matcher, questions)
    clips = list(index.clips.items())
    random.Random(5).shuffle(clips)
    shuffled = ContentIndex(sample=index.sample, languages=index.languages,
                            topics=index.topics, clips=dict(clips))
    assert _postings_by_clip(Matcher(shuffled)) == _postings_by_clip(matcher)
