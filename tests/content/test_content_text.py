"""Per-language normalisation, stemming and language detection."""

from __future__ import annotations

import pytest

from bot.content import detect_language
from bot.content._text import analyzer, normalise

LANGUAGES = ("en", "ar", "fr", "de", "ru", "tr")


@pytest.mark.parametrize(("language", "left", "right"), [
    ("ar", "الدولة", "الدوله"),                 # ta marbuta / ha
    ("ar", "أطفال", "اطفال"),                   # alef with hamza
    ("ar", "الأطْفَال", "الاطفال"),              # diacritics
    ("ar", "الأطـــفال", "الاطفال"),              # tatweel
    ("ar", "والمقاتلين", "المقاتلين"),            # conjunction wa- before al-
    ("ar", "مستشفى", "مستشفي"),                 # alef maqsura
    ("ru", "пошёл", "пошел"),
    ("ru", "Ёлка", "елка"),
    ("de", "Flüchtlinge", "Fluechtlinge"),
    ("de", "Straße", "strasse"),
    ("de", "Kämpfer", "kaempfer"),
    ("tr", "KADINLAR", "kadınlar"),              # dotless I
    ("tr", "İSTANBUL", "istanbul"),              # dotted İ
    ("tr", "kadınlar", "kadinlar"),              # typed without Turkish letters
    ("tr", "maaş", "maas"),
    ("fr", "école", "ecole"),
    ("fr", "l'État", "etat"),                    # elision and accents
    ("en", "Fighters", "fighter"),
])
def test_spelling_variants_share_a_stem(language: str, left: str, right: str) -> None:
    lang = analyzer(language)
    assert lang.terms(left) == lang.terms(right) != []


def test_invisible_characters_and_identifiers_are_dropped() -> None:
    assert normalise("sal\u200bary\u200f", "en") == "salary"
    assert analyzer("en").terms("mail me@x.org or @abu_x, +49 170 1234567, see t.me/x") == [
        "mail", "see"]


@pytest.mark.parametrize(("text", "prior", "expected"), [
    ("Did the fighters really get paid?", None, "en"),
    ("Est-ce que les combattants étaient payés ?", "en", "fr"),
    ("Wie war das Leben dort wirklich?", "en", "de"),
    ("Savaşçılara maaş ödendi mi?", "en", "tr"),
    ("savascilara maas odendi mi", "de", "tr"),
    ("هل كانت هناك رواتب", "en", "ar"),
    ("Платили ли бойцам зарплату?", "tr", "ru"),
    ("ISIS كذب علينا", "en", "ar"),               # mixed script, Arabic dominant
    ("kan fi rawateb?", "ar", "ar"),              # Arabizi
    ("kak uehat ottuda esli uzhe tam", "ru", "ru"),  # transliterated Russian
    ("was the salary real", "ar", "en"),
    ("😀😀😀", "fr", "fr"),
    ("😀😀😀", None, "en"),
    ("12345", "tr", "tr"),
    ("", "de-AT", "de"),
    ("ok", "ru", "ru"),
    ("salut", "xx", "fr"),
    ("hello", "pt-BR", "en"),
])
def test_detect_language(text: str, prior: str | None, expected: str) -> None:
    assert detect_language(text, prior, LANGUAGES) == expected


def test_detect_language_only_answers_supported_languages() -> None:
    assert detect_language("Платили ли бойцам зарплату?", "fr", ("en", "fr")) == "fr"
    assert detect_language("hello there", None, ("de", "fr")) == "de"
