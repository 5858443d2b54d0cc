"""Lexicon files: load one YAML per language, validate with file:line problems, compile."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import Problem, ValidationFailed
from bot.risk._normalize import fold
from bot.risk._scripts import (
    SCRIPTS,
    factor_pattern,
    restrict_to_script,
    top_level_alternatives,
)
from bot.yamlsource import YamlDocument, YamlSyntaxError, load_yaml

CATEGORIES = ("distress", "leaving", "family", "request")
CUE_SECTIONS = CATEGORIES + ("urgent", "hostile")
PATTERN_LISTS = (
    "negators", "post_negators", "negation_exceptions", "informational", "third_person"
)  # fmt: skip
_KNOWN_KEYS = {
    "language",
    "macros",
    "clitics",
    "translit",
    "no_repair",
    *CUE_SECTIONS,
    *PATTERN_LISTS,
}
_MACRO = re.compile(r"\{([^\W\d]\w*)\}")
_GAP = re.compile(r" ?\.\. ?")
_STEM = re.compile(r"(?<=[^\W\d_])\*")
_WORD_FRAGMENT = re.compile(r"(?<![\\\w])([^\W\d_]{5,})(\*)?(?![\w?*+{])")
_DANGLING_GAP = re.compile(r"(?:\(\?:\[\^ \]\+ \)\{\d*,?\d*\}|\.\. ?)$")
_UMLAUTS = {"ä": "(?:ae|a)", "ö": "(?:oe|o)", "ü": "(?:ue|u)"}
_CYRILLIC_TO_LATIN = {
    "а": "a", "б": "b", "в": "(?:v|w)", "г": "g", "д": "d", "е": "(?:ye|je|e)",
    "ж": "(?:zh|j|z)", "з": "z", "и": "(?:i|y|j)", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "(?:u|ou)", "ф": "f",
    "х": "(?:kh|h|x)", "ц": "(?:ts|tz|c)", "ч": "(?:ch|4)", "ш": "(?:sh|w)",
    "щ": "(?:shch|sch|sh|w)", "ъ": "", "ы": "(?:y|i)", "ь": "'?", "э": "e",
    "ю": "(?:yu|ju|iu|u)", "я": "(?:ya|ja|ia|a)",
}  # fmt: skip

MARKERS = {"!": "negation_ok", "~": "weak", "^": "urgent", "?": "soft"}


class LexiconError(ValidationFailed):
    """A lexicon file under bot/risk/lexicons/ is invalid."""


def _restricted(body: str, script: str) -> str | None:
    """``body`` cut down to one script; the whole body if the cut does not compile."""
    try:
        restricted = restrict_to_script(body, script)
        return None if restricted is None else factor_pattern(restricted)
    except (IndexError, AttributeError):
        return body


def _bounded(body: str) -> re.Pattern[str]:
    """Compile ``body`` so that it starts and ends at word edges (one check, hoisted)."""
    return re.compile(rf"(?<![^\W_])(?:{body})(?!\w)")


@dataclass(frozen=True)
class Cue:
    """One lexicon pattern: where it is written and how a match counts."""

    regex: re.Pattern[str]
    section: str
    language: str
    source: str
    line: int
    weight: float = 1.0
    urgent: bool = False
    negation_ok: bool = False
    soft: bool = False  # yields to another category that also applies (e.g. fear for a son)


@dataclass
class CompiledSection:
    """A section's cues joined in one regex per script; ``cue_at`` tells which cue matched."""

    regexes: dict[str, re.Pattern[str]]
    cues: list[Cue]

    def cues_at(self, text: str, start: int) -> Iterator[tuple[Cue, re.Match[str]]]:
        """Every cue that matches ``text`` at ``start``, in lexicon order, with its match."""
        for cue in self.cues:
            match = cue.regex.match(text, start)
            if match is not None:
                yield cue, match


@dataclass
class Lexicon:
    """One language's compiled cues plus the words used for spelling repair."""

    language: str
    sections: dict[str, CompiledSection]
    negators: re.Pattern[str] | None
    post_negators: re.Pattern[str] | None
    negation_exceptions: re.Pattern[str] | None
    informational: re.Pattern[str] | None
    third_person: re.Pattern[str] | None
    no_repair: str | None = None
    words: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)


@dataclass
class _Builder:
    doc: YamlDocument
    language: str
    macros: dict[str, str]
    clitics: str
    translit: bool
    problems: list[Problem]
    words: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)

    def expand(self, source: str, path: tuple[str | int, ...], depth: int = 0) -> str | None:
        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in self.macros:
                raise KeyError(name)
            return "(?:" + self.macros[name] + ")"

        text = source
        for _ in range(10):
            try:
                expanded = _MACRO.sub(substitute, text)
            except KeyError as err:
                self.problems.append(self.doc.problem(path, f"unknown macro {{{err.args[0]}}}"))
                return None
            if expanded == text:
                return text
            text = expanded
        self.problems.append(self.doc.problem(path, "macros nest more than 10 deep"))
        return None

    def to_regex(self, source: str, path: tuple[str | int, ...]) -> str | None:
        expanded = self.expand(source, path)
        if expanded is None:
            return None
        if self.language == "de":
            for umlaut, alternatives in _UMLAUTS.items():
                expanded = expanded.replace(umlaut, alternatives)
        folded = fold(expanded)
        if any(_DANGLING_GAP.search(part) for part in top_level_alternatives(folded)):
            self.problems.append(
                self.doc.problem(
                    path, f"a word gap ends an alternative in {source!r}: it never matches"
                )
            )
            return None
        for fragment, star in _WORD_FRAGMENT.findall(folded):
            (self.stems if star else self.words).add(fragment)
        body = _GAP.sub(r" (?:[^ ]+ ){0,3}", _STEM.sub(r"\\w*", folded))
        variants = [body]
        if self.translit:
            latin = "".join(_CYRILLIC_TO_LATIN.get(ch, ch) for ch in body)
            if latin != body:
                variants.append(latin)
        joined = "|".join(f"(?:{v})" for v in variants)
        regex = f"{self.clitics}(?:{joined})"
        try:
            compiled = _bounded(regex)
        except re.error as err:
            self.problems.append(self.doc.problem(path, f"bad pattern {source!r}: {err}"))
            return None
        if compiled.groups:
            self.problems.append(
                self.doc.problem(path, f"use (?:...) not capturing groups in {source!r}")
            )
            return None
        return regex

    def pattern_list(self, key: str) -> re.Pattern[str] | None:
        items = self.doc.data.get(key) or []
        if not isinstance(items, list):
            self.problems.append(self.doc.problem((key,), f"{key} must be a list of patterns"))
            return None
        parts = []
        for index, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                self.problems.append(self.doc.problem((key, index), "expected a pattern string"))
                continue
            regex = self.to_regex(item, (key, index))
            if regex is not None:
                parts.append(regex)
        return _bounded("|".join(parts)) if parts else None

    def section(self, key: str) -> CompiledSection | None:
        items = self.doc.data.get(key) or []
        if not isinstance(items, list):
            self.problems.append(self.doc.problem((key,), f"{key} must be a list of patterns"))
            return None
        cues: list[Cue] = []
        parts: dict[str, list[str]] = {script: [] for script in SCRIPTS}
        for index, item in enumerate(items):
            path = (key, index)
            if not isinstance(item, str) or not item.strip():
                self.problems.append(self.doc.problem(path, "expected a pattern string"))
                continue
            flags = set()
            source = item.strip()
            while source and source[0] in MARKERS:
                flags.add(MARKERS[source[0]])
                source = source[1:].lstrip()
            regex = self.to_regex(source, path)
            if regex is None:
                continue
            cue = Cue(
                regex=_bounded(regex),  # served from re's cache: to_regex compiled it
                section=key,
                language=self.language,
                source=source,
                line=self.doc.line_of(path),
                weight=0.5 if "weak" in flags else 1.0,
                urgent="urgent" in flags,
                negation_ok="negation_ok" in flags,
                soft="soft" in flags,
            )
            for script in SCRIPTS:
                restricted = _restricted(regex, script)
                if restricted is not None:
                    parts[script].append(restricted)
            cues.append(cue)
        if not cues:
            return None
        regexes = {}
        for script, bodies in parts.items():
            if bodies:
                try:
                    regexes[script] = _bounded("|".join(bodies))
                except re.error:  # a rewrite went wrong: fall back to the full patterns
                    regexes[script] = _bounded("|".join(c.regex.pattern for c in cues))
        return CompiledSection(regexes, cues)


def _read_header(doc: YamlDocument, problems: list[Problem]) -> tuple[str, dict[str, str]]:
    data = doc.data
    language = data.get("language")
    if not isinstance(language, str) or not language:
        problems.append(doc.problem(("language",), "language: must be a language code"))
        language = "?"
    for key in data:
        if key not in _KNOWN_KEYS:
            problems.append(doc.problem((key,), f"unknown key {key!r}"))
    macros = data.get("macros") or {}
    if not isinstance(macros, dict):
        problems.append(doc.problem(("macros",), "macros must map names to patterns"))
        macros = {}
    clean: dict[str, str] = {}
    for name, value in macros.items():
        if not isinstance(value, str) or not _MACRO.fullmatch("{" + str(name) + "}"):
            problems.append(doc.problem(("macros", name), f"bad macro {name!r}"))
            continue
        clean[name] = value
    return language, clean


def load_lexicon(path: Path, display_name: str | None = None) -> Lexicon:
    """Load and compile one lexicon file; raise LexiconError listing every problem."""
    try:
        doc = load_yaml(path, display_name)
    except YamlSyntaxError as err:
        raise LexiconError([err.problem]) from err
    if not isinstance(doc.data, dict):
        raise LexiconError([doc.problem((), "a lexicon file must be a mapping")])
    problems: list[Problem] = []
    language, macros = _read_header(doc, problems)
    clitics = doc.data.get("clitics") or ""
    builder = _Builder(doc, language, macros, f"(?:{clitics})?" if clitics else "",
                       bool(doc.data.get("translit")), problems)  # fmt: skip
    sections = {}
    for key in CUE_SECTIONS:
        compiled = builder.section(key)
        if compiled is not None:
            sections[key] = compiled
        elif key in CATEGORIES:
            problems.append(doc.problem((key,), f"category {key!r} has no patterns"))
    lists = {key: builder.pattern_list(key) for key in PATTERN_LISTS}
    no_repair = doc.data.get("no_repair")
    if no_repair is not None:
        try:
            re.compile(no_repair)
        except (re.error, TypeError) as err:
            problems.append(doc.problem(("no_repair",), f"bad no_repair pattern: {err}"))
    if problems:
        raise LexiconError(problems)
    return Lexicon(language=language, sections=sections, words=builder.words,
                   stems=builder.stems, no_repair=no_repair, **lists)  # fmt: skip
