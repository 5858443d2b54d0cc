"""Splits a lexicon regex by writing system, so Latin text never runs Arabic alternatives."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SCRIPTS = ("latin", "arabic", "cyrillic")
_SCRIPT_PROBES = {
    "latin": re.compile(r"[a-z]"),
    "arabic": re.compile("[\u0600-\u06ff]"),
    "cyrillic": re.compile("[\u0400-\u04ff]"),
}
_QUANTIFIER = re.compile(r"(?:[?*+]|\{\d*(?:,\d*)?\})\??")


def script_of(char: str) -> str | None:
    if "a" <= char <= "z":
        return "latin"
    if "\u0600" <= char <= "\u06ff":
        return "arabic"
    if "\u0400" <= char <= "\u04ff":
        return "cyrillic"
    return None


def scripts_in(text: str) -> set[str]:
    """Writing systems that occur in (folded) ``text``."""
    return {name for name, probe in _SCRIPT_PROBES.items() if probe.search(text)}


@dataclass
class _Group:
    opener: str  # "(?:", "(?=", "(?<!", ...
    alternatives: list[list[str | _Group]] = field(default_factory=list)
    quantifier: str = ""


def _parse(pattern: str, pos: int = 0) -> tuple[list[list[str | _Group]], int]:
    """Alternatives of ``pattern`` from ``pos`` up to the closing parenthesis (or the end)."""
    alternatives: list[list[str | _Group]] = [[]]
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            alternatives[-1].append(pattern[pos : pos + 2])
            pos += 2
        elif char == "[":
            end = pos + 1
            if end < len(pattern) and pattern[end] == "^":
                end += 1
            if end < len(pattern) and pattern[end] == "]":
                end += 1
            while pattern[end] != "]":
                end += 2 if pattern[end] == "\\" else 1
            alternatives[-1].append(pattern[pos : end + 1])
            pos = end + 1
        elif char == "(":
            opener = re.match(r"\((?:\?(?::|=|!|<=|<!|P<\w+>))?", pattern[pos:]).group(0)  # type: ignore[union-attr]
            inner, pos = _parse(pattern, pos + len(opener))
            quantifier = _QUANTIFIER.match(pattern, pos)
            group = _Group(opener, inner, quantifier.group(0) if quantifier else "")
            pos += len(group.quantifier)
            alternatives[-1].append(group)
        elif char == ")":
            return alternatives, pos + 1
        elif char == "|":
            alternatives.append([])
            pos += 1
        else:
            alternatives[-1].append(char)
            pos += 1
    return alternatives, pos


def _optional(quantifier: str) -> bool:
    return quantifier.startswith(("?", "*")) or quantifier.startswith(("{0", "{,"))


def _prune(alternatives: list[list[str | _Group]], script: str) -> list[str]:
    kept: list[str] = []
    for items in alternatives:
        out: list[str] = []
        possible = True
        for item in items:
            if isinstance(item, _Group):
                if item.opener not in ("(", "(?:"):
                    out.append(_render(item))
                    continue
                inner = _prune(item.alternatives, script)
                if inner:
                    out.append(f"{item.opener}{'|'.join(inner)}){item.quantifier}")
                elif not _optional(item.quantifier):
                    possible = False
                    break
            elif len(item) == 1 and script_of(item) not in (None, script):
                possible = False
                break
            else:
                out.append(item)
        if possible:
            kept.append("".join(out))
    return kept


def _render(group: _Group) -> str:
    body = "|".join("".join(i if isinstance(i, str) else _render(i) for i in alt)
                    for alt in group.alternatives)  # fmt: skip
    return f"{group.opener}{body}){group.quantifier}"


def restrict_to_script(pattern: str, script: str) -> str | None:
    """``pattern`` without the alternatives written in other scripts; None if nothing is left."""
    alternatives, _ = _parse(pattern)
    kept = _prune(alternatives, script)
    return "|".join(kept) if kept else None
