"""Telegram text rules: parse_mode parsing, length limits and inline keyboard validation.

Counting, as Telegram does it: the 4096 (text) and 1024 (caption) limits apply to the text
*after* entity parsing (tags and markup removed) and count Unicode code points. TDLib, which
the Bot API server runs on, checks bot messages with `utf8_length(text) > message_text_length_max`
(`MessageContent.cpp`), i.e. characters, not bytes and not UTF-16 units; surrounding
whitespace is trimmed before the check. Entity offsets and lengths, however, are in UTF-16
code units. callback_data is limited to 64 *bytes* of UTF-8.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from bot.emulator._errors import bad_request

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
_HTML_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler", "code": "code", "pre": "pre", "a": "text_link",
    "blockquote": "blockquote", "span": "spoiler", "tg-emoji": "custom_emoji",
}
_MARKDOWN_V2_RESERVED = set("_*[]()~`>#+-=|{}.!")


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, Telegram's unit for offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


class _TelegramHtml(HTMLParser):
    """Telegram's HTML subset: known tags only, properly nested, entities unescaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.plain: list[str] = []
        self.length = 0
        self.open: list[tuple[str, int, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_ENTITY_TYPES:
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        extra: dict[str, Any] = {}
        attributes = dict(attrs)
        if tag == "a":
            extra["url"] = attributes.get("href") or ""
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise bad_request('can\'t parse entities: Unsupported start tag "span"')
        self.open.append((tag, self.length, extra))

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            raise bad_request(
                f'can\'t parse entities: Unmatched end tag "{tag}"'
            )
        _, offset, extra = self.open.pop()
        if self.length > offset:
            self.entities.append(
                {"type": _HTML_ENTITY_TYPES[tag], "offset": offset,
                 "length": self.length - offset, **extra}
            )

    def handle_data(self, data: str) -> None:
        self.plain.append(data)
        self.length += utf16_length(data)


def _unclosed(text: str, index: int) -> Exception:
    offset = len(text[:index].encode("utf-8"))
    return bad_request(
        f"can't parse entities: Can't find end of the entity starting at byte offset {offset}"
    )


def _parse_markdown_v2(text: str) -> str:
    """Strip MarkdownV2 markup; reject unescaped reserved characters and unclosed entities."""
    plain: list[str] = []
    opened: dict[str, int] = {}  # marker -> index where it was opened
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length:
            plain.append(text[index + 1])
            index += 2
            continue
        code_marker = "```" if text.startswith("```", index) else "`" if char == "`" else None
        if code_marker is not None:
            if code_marker in opened:
                del opened[code_marker]
            elif not any(m in opened for m in ("`", "```")):
                opened[code_marker] = index
                newline = text.find("\n", index + 3)
                closing = text.find("```", index + 3)
                if code_marker == "```" and newline != -1 and (closing == -1 or newline < closing):
                    index = newline + 1  # skip the optional language name
                    continue
            else:
                plain.append(char)
                index += 1
                continue
            index += len(code_marker)
            continue
        if "`" in opened or "```" in opened:
            plain.append(char)
            index += 1
            continue
        marker = next((m for m in ("||", "__", "*", "_", "~") if text.startswith(m, index)), None)
        if marker is not None:
            if marker in opened:
                del opened[marker]
            else:
                opened[marker] = index
            index += len(marker)
            continue
        if char == "[":
            opened.setdefault("[", index)
        elif char == "]" and "[" in opened and text.startswith("(", index + 1):
            close = text.find(")", index + 2)
            if close == -1:
                raise _unclosed(text, index)
            del opened["["]
            index = close + 1
            continue
        elif char == ">" and (index == 0 or text[index - 1] == "\n"):
            pass
        elif char in _MARKDOWN_V2_RESERVED:
            raise bad_request(
                f"can't parse entities: Character '{char}' is reserved and must be escaped "
                "with the preceding '\\'"
            )
        else:
            plain.append(char)
        index += 1
    if opened:
        raise _unclosed(text, min(opened.values()))
    return "".join(plain)


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Apply `parse_mode`; return the plain text and its entities (HTML only)."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        parser = _TelegramHtml()
        parser.feed(text)
        parser.close()
        if parser.open:
            raise bad_request(
                "can't parse entities: Can't find end tag corresponding to start tag "
                f'"{parser.open[-1][0]}"'
            )
        return "".join(parser.plain), sorted(parser.entities, key=lambda e: e["offset"])
    if mode == "markdownv2":
        return _parse_markdown_v2(text), []
    if mode == "markdown":
        return "".join(c for c in text if c not in "*_`[]"), []
    if mode:
        raise bad_request("unsupported parse_mode")
    return text, []


def checked_text(text: str | None, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Message text after parsing, enforcing Telegram's empty / too long rules."""
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    plain, entities = parse_text(text, parse_mode)
    if not plain.strip():
        raise bad_request("message text is empty")
    if len(plain.strip()) > MAX_TEXT:
        raise bad_request("message is too long")
    return plain, entities


def checked_caption(
    caption: str | None, parse_mode: str | None
) -> tuple[str | None, list[dict[str, Any]]]:
    """A media caption after parsing, at most 1024 characters."""
    if caption is None or caption == "":
        return None, []
    plain, entities = parse_text(caption, parse_mode)
    if len(plain.strip()) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return plain, entities


def checked_reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate an InlineKeyboardMarkup (others pass through) like Telegram does."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: Object expected")
            if not str(button.get("text") or "").strip():
                raise bad_request("BUTTON_TEXT_INVALID") if "text" in button else bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode("utf-8")) <= (
                MAX_CALLBACK_DATA_BYTES
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            actions = {"callback_data", "url", "switch_inline_query", "web_app", "login_url",
                       "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
                       "callback_game", "pay", "copy_text"}
            if not actions & button.keys():
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
    return markup
