"""Labels of the inline results; `inline.*` keys in dialogs/strings override them when present."""

from __future__ import annotations

from bot.flows.model import Strings

_BUILTIN: dict[str, dict[str, str]] = {
    "inline.open_in_bot": {
        "en": "Open in the bot", "ar": "افتح في البوت", "fr": "Ouvrir dans le bot",
        "de": "Im Bot öffnen", "ru": "Открыть в боте", "tr": "Botta aç",
    },
    "inline.talk_privately": {
        "en": "Ask the bot privately", "ar": "اسأل البوت على انفراد",
        "fr": "Poser une question en privé", "de": "Den Bot privat fragen",
        "ru": "Спросить бота лично", "tr": "Bota özelden sor",
    },
}


def label(strings: Strings, key: str, language: str) -> str:
    """The text for ``key`` in ``language``: dialogs/strings first, then the built-in table."""
    if strings.has(key):
        return strings.get(key, language)
    table = _BUILTIN[key]
    return table.get(language) or table["en"]
