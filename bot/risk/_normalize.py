"""Text folding shared by messages and lexicon patterns: case, marks, Arabic letters, repeats."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u00ad\u061c\u0640\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_CHAR_MAP = str.maketrans(
    {
        "\u0671": "\u0627",  # alef wasla -> alef
        "\u0629": "\u0647",  # ta marbuta -> ha
        "\u0649": "\u064a",  # alef maqsura -> ya
        "\u06cc": "\u064a",  # farsi yeh -> ya
        "\u06a9": "\u0643",  # keheh -> kaf
        "\u0621": "",  # lone hamza
        "\u0131": "i",  # turkish dotless i
        "\u060c": ",",
        "\u061b": ";",
        "\u061f": "?",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)
_MARKS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
    "\u0670\u06d6-\u06ed\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)
_REPEATS = re.compile(r"([^\W\d_])\1+")
_SPACES = re.compile(r"\s+")
# Spoken French glues the subject pronoun on: "jveux", "jme", "jsuis" -> "je veux", ...
_FRENCH_ELISION = re.compile(
    r"\bj'?(me|te|le|la|les|veux|veu|peux|peu|suis|sais|vais|arrive|crois|dois|fais|pense|comprends)\b"
)


def fold(text: str) -> str:
    """Fold ``text`` so spelling variants meet: 'Pleeease' -> 'please', 'أريد' -> 'اريد'.

    Case-folded, marks stripped (accents, umlauts, harakat, hamza seats), Arabic letter
    variants unified, invisible characters dropped, letter runs collapsed to one letter.
    Patterns go through the same function, so both sides agree.
    """
    text = _INVISIBLE.sub("", text.replace("\u200b", " ").replace("\u200c", " "))
    text = unicodedata.normalize("NFKD", text.casefold())
    text = _MARKS.sub("", text)
    text = text.translate(_CHAR_MAP)
    text = _REPEATS.sub(r"\1", text)
    text = _FRENCH_ELISION.sub(r"je \1", text)
    return _SPACES.sub(" ", text).strip()
