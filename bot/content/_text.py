"""Per-language text normalisation, tokenisation and stemming for the clip matcher."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import is_

import snowballstemmer

from bot.content._stopwords import STOPWORDS

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
        new = dict.fromkeys(compress(tokens, map(is_, found, repeat(None))))
        if (len(self._cache) + len(new) <= _STEM_CACHE_LIMIT
                and len(self._terms) + len(new) <= 2 * _STEM_CACHE_LIMIT):
            for word in new:
                self._term(word)
            return list(map(self._terms.get, tokens))
        # A cache will be cleared midway: look each word up again after the previous one.
        known, term = self._terms.get, self._term
        return [stem if (stem := known(token)) is not None else term(token) for token in tokens]


_ANALYZERS: dict[str, Analyzer] = {}


def analyzer(language: str) -> Analyzer:
    """The shared Analyzer of ``language`` (any code works; unknown ones are not stemmed)."""
    found = _ANALYZERS.get(language)
    if found is None:
        found = _ANALYZERS[language] = Analyzer(language)
    return found
