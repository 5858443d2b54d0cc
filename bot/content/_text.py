"""Per-language text normalisation, tokenisation and stemming for the clip matcher."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from itertools import compress, repeat
from operator import is_

import numpy as np
import snowballstemmer

from bot.content._numbering import (
    END_OF_TEXT,
    NumberedTexts,
    Numbering,
    expanded,
    number_token_lists,
    numbered,
)
from bot.content._stopwords import STOPWORDS
from bot.content._tokens import split_and_number

# Zero-width characters, bidi marks/embeddings/isolates, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u00ad\u061c\ufeff\u200b-\u200f\u202a-\u202e\u2060-\u206f]")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_MAYBE_IDENTIFIER = re.compile(r"[@\d/]|www\.|\.[a-z]")
_WORD = re.compile(r"\w+")  # digits are gone (strip_identifiers), "_" becomes a space
_IDENTIFIERS = re.compile(
    r"(?:https?://|www\.)\S+"                      # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                # e-mail addresses
    r"|@\w+"                                        # @usernames
    r"|\b[\w-]+\.(?:com|org|net|me|io|ru|tr|de|fr|info)(?:/\S*)?\b"  # bare domains
    r"|\+?\d[\d\s().-]{5,}\d"                       # phone numbers
    r"|\d+"                                         # any other number
)
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Letter variants folded to one letter: (variant, letter); no letter is itself a variant, so the
# order of the replacements does not matter (str.replace is far faster than str.translate here).
_ARABIC_FOLD = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ٱ", "ا"), ("ى", "ي"), ("ؤ", "و"),
                ("ئ", "ي"), ("ک", "ك"), ("ی", "ي"), ("ە", "ه"))
_TURKISH_FOLD = str.maketrans({"ı": "i", "ş": "s", "ğ": "g", "ç": "c", "ö": "o", "ü": "u",
                               "â": "a", "î": "i", "û": "u"})
_GERMAN_FOLD = (("ae", "a"), ("oe", "o"), ("ue", "u"), ("ä", "a"), ("ö", "o"), ("ü", "u"))
_FRENCH_ELISION = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_SNOWBALL_NAMES = {"en": "english", "ar": "arabic", "fr": "french", "de": "german",
                   "ru": "russian", "tr": "turkish"}
_STEM_CACHE_LIMIT = 200_000
# words_of_texts joins a few texts at a time, each followed by END_OF_TEXT, and splits them at
# once: a batch's tokens stay in the CPU cache while they are numbered.
_TEXTS_PER_SPLIT = 256


def clean(text: str) -> str:
    """NFKC-normalise and drop invisible characters (zero-width, bidi marks, BOM)."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))


def strip_accents(word: str) -> str:
    """Remove combining marks from Latin letters (é → e)."""
    if word.isascii():
        return word  # nothing to decompose, no combining mark
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_identifiers(text: str) -> str:
    """Replace URLs, e-mails, @names, phone numbers and numbers with spaces."""
    return _IDENTIFIERS.sub(" ", text) if _MAYBE_IDENTIFIER.search(text) else text


def normalise(text: str, language: str) -> str:
    """Casefold ``text`` with the orthographic folds of ``language`` applied before stemming."""
    text = unicodedata.normalize("NFKC", text)
    if not _letters_and_spaces(text):  # letters and spaces need none of these steps
        text = _drop_marks_and_identifiers(text)
    return _fold_letters(text, language)


def _letters_and_spaces(text: str) -> bool:
    """True when ``text`` is only letters and plain spaces: then it holds no invisible
    character, identifier, digit, apostrophe or underscore, and their steps can be skipped."""
    return text.replace(" ", "").isalpha()


def _drop_marks_and_identifiers(text: str) -> str:
    """Drop invisible characters and identifiers; unify apostrophes; "_" becomes a space."""
    text = strip_identifiers(_INVISIBLE.sub("", text))
    return text.replace("’", "'").replace("`", "'").replace("_", " ")


def _fold_letters(text: str, language: str) -> str:
    """Casefold, then the letter folds of ``language`` (and of Arabic, for Arabic letters)."""
    if language == "tr":
        text = text.replace("I", "ı").replace("İ", "i")
    text = text.casefold()
    if language == "ar" or (not text.isascii() and _ARABIC_LETTER.search(text)):
        text = _fold_arabic(_ARABIC_MARKS.sub("", text))
    if language == "ru":
        text = text.replace("ё", "е")
    elif language == "fr" and "'" in text:
        text = _FRENCH_ELISION.sub(" ", text)
    return text


def _fold_arabic(text: str) -> str:
    """Fold the Arabic letter variants (hamza forms, alef maqsura, Persian letters)."""
    for variant, letter in _ARABIC_FOLD:
        if variant in text:
            text = text.replace(variant, letter)
    return text


def words(text: str, language: str) -> list[str]:
    """Letter-only word tokens of ``text`` after normalisation (digits and emoji dropped)."""
    text = normalise(text, language)
    if text.replace(" ", "").isalnum():  # word characters between spaces: split is the same
        return text.split()
    return _WORD.findall(text)


def _spaced_words(text: str, language: str) -> str:
    """The words of ``text`` separated by spaces: its split() is ``words(text, language)``."""
    text = normalise(text, language)
    return text if text.replace(" ", "").isalnum() else " ".join(_WORD.findall(text))


def _raw_tokens(texts: Sequence[str]) -> NumberedTexts | None:
    """The tokens of ``texts`` split at ASCII whitespace, as UTF-8 bytes, numbered in order of
    first use; None when a text holds the end-of-text token itself."""
    found = split_and_number(texts)
    return found if found is not None else _raw_tokens_by_dict(texts)


def _raw_tokens_by_dict(texts: Sequence[str]) -> NumberedTexts | None:
    """_raw_tokens with bytes.split() and a dict (texts holding NUL, hash collisions)."""
    separator = f" {END_OF_TEXT} "
    batches = ((separator.join(texts[start:start + _TEXTS_PER_SPLIT]) + separator
                ).encode("utf-8", "surrogatepass").split()
               for start in range(0, len(texts), _TEXTS_PER_SPLIT))
    found = numbered(batches, END_OF_TEXT.encode())
    return found if len(found.ends) == len(texts) else None


def _token_words(token: str, language: str) -> list[str] | None:
    """``words(token, language)`` for a token of a text split at ASCII whitespace, or None
    when the text must be normalised whole because of it.

    normalise() acts on each such token alone unless the text may hold an identifier: NFKC
    never composes across ASCII whitespace, the other steps map characters one by one or match
    within a token (French elisions), and the Arabic folds change only Arabic letters. But an
    identifier may span tokens (a phone number holds spaces), hence None for a token where
    ``strip_identifiers`` would look for one.
    """
    text = unicodedata.normalize("NFKC", token)
    if not text.isalpha() and _MAYBE_IDENTIFIER.search(_INVISIBLE.sub("", text)):
        return None
    return words(token, language)


def words_of_texts(texts: Sequence[str], language: str) -> NumberedTexts:
    """The words of every text of ``texts`` (each text's are ``words(text, language)``).

    Texts are split at ASCII whitespace and each distinct token normalised once (see
    _token_words); a text holding a token that may be part of an identifier is normalised
    whole. Words are numbered in order of first use, as text after text would number them.
    """
    raw = _raw_tokens(texts)
    if raw is None:
        return _words_of_whole_texts(texts, language)
    numbering = Numbering()
    parts: list[list[int]] = []
    whole_tokens: list[bool] = []
    for token in raw.distinct:
        found = _token_words(token.decode("utf-8", "surrogatepass"), language)
        whole_tokens.append(found is None)
        parts.append([numbering[word] for word in found] if found is not None else [])
    if any(whole_tokens):
        text_of = np.repeat(np.arange(len(texts)), np.diff(raw.ends, prepend=0))
        whole = np.zeros(len(texts), dtype=bool)
        whole[text_of[np.array(whole_tokens, dtype=bool)[raw.numbers]]] = True
        return _with_whole_texts(texts, language, raw, parts, whole, text_of, numbering)
    # Walking the tokens in order of first use numbered the words in order of first use.
    numbers, ends = expanded(raw.numbers, parts)
    return NumberedTexts(list(numbering), numbers.astype(np.int32),
                         np.concatenate(([0], ends))[raw.ends])


def _with_whole_texts(texts: Sequence[str], language: str, raw: NumberedTexts,
                      parts: list[list[int]], whole: np.ndarray, text_of: np.ndarray,
                      numbering: Numbering) -> NumberedTexts:
    """words_of_texts when the texts flagged ``whole`` are normalised whole: their words
    and the other texts' tokens' ``parts`` (numbers in ``numbering``), renumbered in order of
    first use."""
    of_tokens = ~whole[text_of]
    numbers, ends = expanded(raw.numbers[of_tokens], parts)
    tokens_before = np.concatenate(([0], np.cumsum(of_tokens)))[raw.ends]
    counts = np.diff(np.concatenate(([0], ends))[tokens_before], prepend=0)
    whole_words = [[numbering[word] for word in words(texts[number], language)]
                   for number in np.flatnonzero(whole).tolist()]
    counts[whole] = [len(found) for found in whole_words]
    found = np.empty(int(counts.sum()), dtype=np.int64)
    from_tokens = np.repeat(~whole, counts)
    found[from_tokens] = numbers
    found[~from_tokens] = [number for numbers in whole_words for number in numbers]
    used, firsts = np.unique(found, return_index=True)
    order = used[np.argsort(firsts, kind="stable")]
    renumbered = np.zeros(len(numbering), dtype=np.int32)
    renumbered[order] = np.arange(len(order), dtype=np.int32)
    names = list(numbering)
    return NumberedTexts([names[number] for number in order.tolist()], renumbered[found],
                         np.cumsum(counts))


def _words_of_whole_texts(texts: Sequence[str], language: str) -> NumberedTexts:
    """words_of_texts normalising each text whole; words are split and numbered as UTF-8."""
    def batches() -> Iterable[list[bytes]]:
        for start in range(0, len(texts), _TEXTS_PER_SPLIT):
            yield "".join([f"{_spaced_words(text, language)} {END_OF_TEXT} "
                           for text in texts[start:start + _TEXTS_PER_SPLIT]]
                          ).encode("utf-8", "surrogatepass").split()
    found = numbered(batches(), END_OF_TEXT.encode())
    found.distinct = [word.decode("utf-8", "surrogatepass") for word in found.distinct]
    return found


def _fold_arabic_stem(stem: str) -> str:
    if len(stem) > 3 and stem[-1] in "هة":
        stem = stem[:-1]
    return stem.replace("ة", "ه")


def _fold_german_stem(stem: str) -> str:
    for old, new in _GERMAN_FOLD:
        stem = stem.replace(old, new)
    return stem.replace("ß", "ss")


_POST_FOLD: dict[str, Callable[[str], str]] = {
    "ar": _fold_arabic_stem,
    "tr": lambda stem: stem.translate(_TURKISH_FOLD),
    "de": _fold_german_stem,
    "fr": strip_accents,
    "en": strip_accents,
    "ru": lambda stem: stem,
}


def _strip_arabic_conjunction(word: str) -> str:
    for prefix in ("وال", "فال", "وبال", "ولل"):
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            return word[len(prefix) - 2:] if prefix.endswith("ال") else "لل" + word[len(prefix):]
    return word


class Analyzer:
    """Turns text of one language into stems: normalise, drop stopwords, stem, fold.

    Each distinct word is analysed once: ``_terms`` maps a normalised word to its stem, or to
    "" when the word is dropped (stopword, one letter, or a stem shared with a stopword).
    """

    def __init__(self, language: str) -> None:
        self.language = language
        algorithm = _SNOWBALL_NAMES.get(language)
        self._stemmer = snowballstemmer.stemmer(algorithm) if algorithm else None
        if hasattr(self._stemmer, "maxCacheSize"):
            self._stemmer.maxCacheSize = 0  # PyStemmer's own cache: ours is in front of it
        self._fold = _POST_FOLD.get(language, strip_accents)
        self.stopwords = frozenset(
            token for word in STOPWORDS.get(language, ()) for token in words(word, language)
        )
        self._cache: dict[str, str] = {}
        self._terms: dict[str, str] = {}
        self.stopword_stems = frozenset(self.stem(word) for word in self.stopwords)

    def stem(self, word: str) -> str:
        """Stem of one normalised word, cached."""
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        base = _strip_arabic_conjunction(word) if self.language == "ar" else word
        stemmed = self._stemmer.stemWord(base) if self._stemmer is not None else base
        if len(stemmed) < 3 <= len(base):
            stemmed = base[:4]  # the Turkish stemmer sometimes leaves one letter of a verb
        stemmed = self._fold(stemmed) or word
        if len(self._cache) > _STEM_CACHE_LIMIT:
            self._cache.clear()
            self._terms.clear()  # so that every word stemmed from now on is seen again
        self._cache[word] = stemmed
        return stemmed

    def stems_seen(self) -> Iterable[tuple[str, str]]:
        """(word, stem) pairs of the words stemmed so far (the stem cache)."""
        return self._cache.items()

    def _term(self, word: str) -> str:
        """The indexed stem of one normalised word, "" when it is dropped; memoised."""
        if word in self.stopwords or len(word) < 2:
            term = ""
        else:
            term = self.stem(word)
            if term in self.stopword_stems:
                term = ""
        if len(self._terms) > 2 * _STEM_CACHE_LIMIT:
            self._terms.clear()
        self._terms[word] = term
        return term

    def terms(self, text: str) -> list[str]:
        """Stems of the content words of ``text``, in order."""
        if not text:
            return []
        tokens = words(text, self.language)
        known = self._terms.get
        found = list(map(known, tokens))
        if None in found:
            found = self._look_up_new(tokens, found)
        return list(filter(None, found))

    def _look_up_new(self, tokens: list[str], found: list[str | None]) -> list[str | None]:
        """``found`` with the words it lacks analysed, in order of first use (as one by one)."""
        new = list(dict.fromkeys(compress(tokens, map(is_, found, repeat(None)))))
        if self._analyse_new(new):
            return list(map(self._terms.get, tokens))
        # A cache will be cleared midway: look each word up again after the previous one.
        known, term = self._terms.get, self._term
        return [stem if (stem := known(token)) is not None else term(token) for token in tokens]

    def _analyse_new(self, new: list[str]) -> bool:
        """Analyse ``new`` (distinct words not seen yet) in this order; False, having done
        nothing, when that would overflow a cache (one-by-one analysis would clear it midway
        and leave other words in it)."""
        if (len(self._cache) + len(new) > _STEM_CACHE_LIMIT
                or len(self._terms) + len(new) > 2 * _STEM_CACHE_LIMIT):
            return False
        for word in new:
            self._term(word)
        return True

    def terms_of_texts(self, texts: Sequence[str]) -> NumberedTexts:
        """``[self.terms(text) for text in texts]`` as numbers (see NumberedTexts); new words
        are analysed in the order those calls would meet them."""
        found = words_of_texts(texts, self.language)
        terms = self._terms_of_distinct(found.distinct)
        if terms is None:  # the caches would be cleared midway: text by text, as always
            return number_token_lists([self.terms(text) for text in texts])
        numbering = Numbering()
        term_of_word = np.array([numbering[term] if term else -1 for term in terms] or [-1],
                                dtype=np.int32)
        numbers = term_of_word[found.numbers]
        kept = numbers >= 0
        kept_before = np.concatenate(([0], np.cumsum(kept, dtype=np.int64)))
        return NumberedTexts(list(numbering), numbers[kept], kept_before[found.ends])

    def _terms_of_distinct(self, words: list[str]) -> list[str] | None:
        """The term of each of ``words`` (distinct; "" when dropped), the new ones analysed in
        this order; None when that would overflow a cache."""
        known = self._terms
        if not self._analyse_new([word for word in words if word not in known]):
            return None
        return list(map(known.__getitem__, words))


_ANALYZERS: dict[str, Analyzer] = {}


def analyzer(language: str) -> Analyzer:
    """The shared Analyzer of ``language`` (any code works; unknown ones are not stemmed)."""
    found = _ANALYZERS.get(language)
    if found is None:
        found = _ANALYZERS[language] = Analyzer(language)
    return found
