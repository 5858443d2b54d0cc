"""Latin-script Russian and Arabic ("Arabizi") as users type them: to Cyrillic, to skeletons."""

from __future__ import annotations

import re

_RUSSIAN_DIGRAPHS = (
    ("shch", "щ"), ("sch", "щ"), ("yo", "ё"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"),
    ("sh", "ш"), ("ts", "ц"), ("ya", "я"), ("yu", "ю"), ("ja", "я"), ("ju", "ю"),
    ("ye", "е"), ("iy", "ий"), ("yy", "ый"), ("'", "ь"),
)
_RUSSIAN_LETTERS = str.maketrans({
    "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "j": "й",
    "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
    "u": "у", "f": "ф", "h": "х", "c": "ц", "y": "ы", "w": "в", "x": "кс", "q": "к",
})
_RUSSIAN_TOKEN = re.compile(r"[a-z']+")


_RUSSIAN_E_WORDS = frozenset("eto etot eta eti etom etogo etu etoy etih etim".split())
RUSSIAN_LATIN_WORDS = frozenset("""
eto etot kak chto shto ne ya ty my vy on ona oni bylo byl byla byli pravda tam tut esli uzhe
kogda pochemu zachem skolko mozhno nado ochen ili da net vse vsyo vsio tak eshche esche gde kto
menya tebe mne tebya nas vas ih ego ee chem razve voobshe voobshche privet spasibo pozhaluysta
""".split())


def _word_to_cyrillic(word: str) -> str:
    if word in _RUSSIAN_E_WORDS:
        return "э" + _word_to_cyrillic(word[1:])
    out: list[str] = []
    position = 0
    while position < len(word):
        for latin, cyrillic in _RUSSIAN_DIGRAPHS:
            if word.startswith(latin, position):
                out.append(cyrillic)
                position += len(latin)
                break
        else:
            out.append(word[position].translate(_RUSSIAN_LETTERS))
            position += 1
    return "".join(out)


def latin_to_cyrillic(text: str) -> str:
    """Transliterated Russian ("kak uehat ottuda") back to Cyrillic, word by word."""
    return _RUSSIAN_TOKEN.sub(lambda m: _word_to_cyrillic(m.group()), text.casefold())


# Both sides are reduced to a consonant skeleton with lenient classes, so that "rawateb",
# "rawatib" and "رواتب" all become "rtb". Vowels, alef, hamza, ain, waw and ya are dropped.
_ARABIC_SKELETON = str.maketrans({
    "ب": "b", "ت": "t", "ط": "t", "ث": "t", "ج": "j", "ح": "h", "ه": "h", "خ": "x",
    "د": "d", "ض": "d", "ذ": "d", "ر": "r", "ز": "z", "ظ": "z", "س": "s", "ص": "s",
    "ش": "S", "غ": "g", "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ا": "", "أ": "", "إ": "", "آ": "", "ء": "", "ئ": "", "ؤ": "", "ع": "", "ى": "",
    "ة": "", "و": "", "ي": "",
})
_ARABIZI_DIGRAPHS = (("sh", "S"), ("ch", "S"), ("kh", "x"), ("gh", "g"), ("th", "t"),
                     ("dh", "d"), ("ou", ""), ("ee", ""), ("oo", ""))
_ARABIZI_LETTERS = str.maketrans({
    "2": "", "3": "", "5": "x", "6": "t", "7": "h", "8": "g", "9": "k", "a": "", "e": "",
    "i": "", "o": "", "u": "", "w": "", "y": "", "q": "k", "g": "j", "p": "b", "v": "f",
    "c": "k", "'": "",
})
ARABIZI_TOKEN = re.compile(r"[a-z0-9']*[a-z][a-z0-9']*")
ARABIZI_STOPWORDS = frozenset("""
kan kano kanu kanou kanet kant fi fih fiha wala walla la la2 laa sa7 sah ino inno enno eno shu
sho shou esh eish eh ya w wa el al il l ana enta enti inta inti hal ma mesh mish msh hada hayda
hadi hay hek hik bas ktir kteer 3ala ala 3an an min men mn ba3d b3d kif keef kaif leh lesh lech
lay wen wein fen meen min mein ya3ni y3ni yani shi chi 7ada ahh hala2 halla2 ok
""".split())


def arabic_skeleton(word: str) -> str:
    """Consonant skeleton of a normalised Arabic word ("رواتب" → "rtb")."""
    if word.startswith("ال") and len(word) > 4:
        word = word[2:]
    return word.translate(_ARABIC_SKELETON)


def arabizi_skeleton(word: str) -> str:
    """Consonant skeleton of an Arabizi word ("rawateb" → "rtb", "el" prefix removed)."""
    word = word.casefold()
    for prefix in ("el-", "al-", "il-"):
        if word.startswith(prefix):
            word = word[len(prefix):]
    for latin, code in _ARABIZI_DIGRAPHS:
        word = word.replace(latin, code)
    skeleton = word.translate(_ARABIZI_LETTERS)
    return re.sub(r"(.)\1+", r"\1", skeleton)


def looks_latin(text: str) -> bool:
    """True when most letters of ``text`` are ASCII Latin."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isascii() for c in letters) > len(letters) / 2
