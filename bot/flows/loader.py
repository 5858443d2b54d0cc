"""Read and validate dialogs/ (flows, global transitions, strings, helplines) into a DialogSet."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bot.errors import FlowError, Problem
from bot.flows import vocabulary as vocab
from bot.flows.model import (
    BUTTON_ID_MAX,
    INTENTS,
    TRIGGER_KINDS,
    ActionSpec,
    ButtonSpec,
    DialogSet,
    Helpline,
    Helplines,
    StateSpec,
    Strings,
    TransitionSpec,
    placeholders,
)
from bot.yamlsource import YamlDocument, YamlSyntaxError, parse_yaml

BUTTON_TEXT_MAX = 64
STATE_KEYS = {"say", "do", "buttons", "on", "next", "checkpoint", "system"}
TRANSITION_KEYS = {"trigger", "do", "go", "when", "after"}


def read_dialog_files(directory: Path) -> dict[str, str]:
    """All YAML files under ``directory`` as {relative path: text}."""
    files: dict[str, str] = {}
    for path in sorted(directory.rglob("*.yaml")):
        files[path.relative_to(directory).as_posix()] = path.read_text(encoding="utf-8")
    return files


class _Collector:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.problems: list[Problem] = []

    def add(self, doc: YamlDocument, path: tuple[str | int, ...], message: str,
            severity: str = "error") -> None:
        self.problems.append(doc.problem(path, message, severity))

    def at(self, file: str, line: int, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(file, line, message, severity))  # type: ignore[arg-type]


def _parse_actions(raw: Any, doc: YamlDocument, path: tuple, out: _Collector,
                   string_keys: set[str]) -> tuple[ActionSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        out.add(doc, path, "`do` must be a list of actions")
        return ()
    actions: list[ActionSpec] = []
    for index, item in enumerate(raw):
        where = path + (index,)
        if isinstance(item, str):
            name, arg = item, None
        elif isinstance(item, dict) and len(item) == 1:
            name, arg = next(iter(item.items()))
        else:
            out.add(doc, where, f"an action is a name or {{name: argument}}, got {item!r}")
            continue
        if name not in vocab.ACTIONS:
            out.add(doc, where, f"unknown action {name!r} (known: {', '.join(vocab.ACTIONS)})")
            continue
        kind = vocab.ACTIONS[name]
        if kind is None and arg is not None:
            out.add(doc, where, f"action {name!r} takes no argument")
        elif kind == "string_key" and (not isinstance(arg, str) or arg not in string_keys):
            out.add(doc, where, f"unknown string key {arg!r} in {name}")
        elif kind == "reason" and arg not in vocab.REASONS:
            out.add(doc, where, f"{name} needs one of {', '.join(vocab.REASONS)}")
        elif kind == "bool" and not isinstance(arg, bool):
            out.add(doc, where, f"{name} needs true or false")
        elif kind == "feedback" and arg not in vocab.FEEDBACK:
            out.add(doc, where, f"{name} needs one of {', '.join(vocab.FEEDBACK)}")
        actions.append(ActionSpec(name, arg))
    return tuple(actions)


def _valid_trigger(trigger: Any) -> str | None:
    """None when valid, else the reason."""
    if not isinstance(trigger, str) or not trigger:
        return "a trigger must be a non-empty string"
    if trigger in TRIGGER_KINDS:
        return None
    kind, _, name = trigger.partition(":")
    if kind == "command" and name and (name == "unknown" or name.isidentifier()):
        return None
    if kind == "button" and name and len(name) <= BUTTON_ID_MAX and name.isidentifier():
        return None
    if kind == "intent" and name in INTENTS:
        return None
    return (f"unknown trigger {trigger!r} (text, media, timeout, command:NAME, button:ID, "
            f"intent:{'|'.join(INTENTS)})")


def _parse_transitions(raw: Any, doc: YamlDocument, path: tuple, out: _Collector,
                       string_keys: set[str]) -> tuple[TransitionSpec, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        out.add(doc, path, "`on` must be a list of transitions")
        return ()
    result: list[TransitionSpec] = []
    seen: set[tuple[str, str | None]] = set()
    for index, item in enumerate(raw):
        where = path + (index,)
        if not isinstance(item, dict):
            out.add(doc, where, "a transition is a mapping with trigger, do, go, when")
            continue
        for key in set(item) - TRANSITION_KEYS:
            out.add(doc, where + (key,), f"unknown key {key!r} in a transition")
        trigger = item.get("trigger")
        reason = _valid_trigger(trigger)
        if reason:
            out.add(doc, where, reason)
            continue
        when = item.get("when")
        if when is not None and str(when).lstrip("!") not in vocab.CONDITIONS:
            out.add(doc, where + ("when",), f"unknown condition {when!r}")
        if (trigger, when) in seen:
            out.add(doc, where, f"duplicate trigger {trigger!r} in the same state")
        seen.add((trigger, when))
        after = item.get("after")
        if trigger == "timeout":
            if not (isinstance(after, (int, float)) and after > 0) and (
                after not in vocab.TIMEOUT_SETTINGS
            ):
                out.add(doc, where, "a timeout needs `after`: seconds or a setting name")
        elif after is not None:
            out.add(doc, where, "`after` is only for timeout triggers")
        go = item.get("go")
        if go is not None and not isinstance(go, str):
            out.add(doc, where + ("go",), "`go` must be a state name")
            go = None
        result.append(
            TransitionSpec(
                trigger=trigger,
                actions=_parse_actions(item.get("do"), doc, where + ("do",), out, string_keys),
                target=go,
                when=when,
                after=after,
                file=doc.file,
                line=doc.line_of(where),
            )
        )
    return tuple(result)


def _parse_buttons(raw: Any, doc: YamlDocument, path: tuple, out: _Collector,
                   strings: Strings) -> tuple[tuple[ButtonSpec, ...], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        out.add(doc, path, "`buttons` must be a list of rows")
        return ()
    rows: list[tuple[ButtonSpec, ...]] = []
    for r, row in enumerate(raw):
        if not isinstance(row, list):
            out.add(doc, path + (r,), "each row of buttons must be a list")
            continue
        specs: list[ButtonSpec] = []
        for c, button in enumerate(row):
            where = path + (r, c)
            if not isinstance(button, dict) or "id" not in button or "text" not in button:
                out.add(doc, where, "a button is {id: ..., text: string key}")
                continue
            bid, key = str(button["id"]), button["text"]
            if len(bid) > BUTTON_ID_MAX or not bid.isidentifier():
                out.add(doc, where, f"button id {bid!r}: letters, digits, _; at most "
                        f"{BUTTON_ID_MAX} characters (callback_data is limited to 64 bytes)")
            if not strings.has(key):
                out.add(doc, where, f"unknown string key {key!r} for a button label")
            else:
                for lang, table in strings.by_language.items():
                    label = table.get(key)
                    if label is not None and not 1 <= len(label) <= BUTTON_TEXT_MAX:
                        out.add(doc, where, f"button label {key!r} in {lang} is {len(label)} "
                                f"characters; Telegram allows 1 to {BUTTON_TEXT_MAX}")
            specs.append(ButtonSpec(bid, key, doc.line_of(where)))
        rows.append(tuple(specs))
    return tuple(rows)


def _flatten(data: Any, prefix: str, out: dict[str, str], doc: YamlDocument,
             path: tuple, problems: _Collector) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            _flatten(value, f"{prefix}{key}.", out, doc, path + (key,), problems)
    elif isinstance(data, str):
        out[prefix[:-1]] = data
    else:
        problems.add(doc, path, f"string {prefix[:-1]!r} must be text, got {type(data).__name__}")


def _load_strings(files: Mapping[str, str], languages: Sequence[str], out: _Collector,
                  prefix: str) -> tuple[Strings, dict[str, YamlDocument]]:
    tables: dict[str, dict[str, str]] = {}
    docs: dict[str, YamlDocument] = {}
    for lang in languages:
        name = f"strings/{lang}.yaml"
        if name not in files:
            out.at(prefix + name, 1, f"missing string file for language {lang!r}",
                   "warning" if lang != "en" else "error")
            continue
        try:
            doc = parse_yaml(files[name], prefix + name)
        except YamlSyntaxError as err:
            out.problems.append(err.problem)
            continue
        docs[lang] = doc
        table: dict[str, str] = {}
        if not isinstance(doc.data, dict):
            out.add(doc, (), "a string file is a mapping of keys to texts")
        else:
            _flatten(doc.data, "", table, doc, (), out)
        tables[lang] = table
    strings = Strings(tables)
    english = tables.get("en", {})
    for lang, table in tables.items():
        doc = docs[lang]
        if lang == "en":
            continue
        for key in sorted(set(english) - set(table)):
            out.at(doc.file, 1, f"missing translation {key!r} (English is used)", "warning")
        for key in sorted(set(table) - set(english)):
            out.add(doc, tuple(key.split(".")), f"key {key!r} does not exist in English",
                    "warning")
        for key in sorted(set(table) & set(english)):
            if placeholders(table[key]) != placeholders(english[key]):
                out.add(doc, tuple(key.split(".")), f"placeholders of {key!r} differ from "
                        f"English: {sorted(placeholders(table[key]))} vs "
                        f"{sorted(placeholders(english[key]))}")
    return strings, docs


def _load_helplines(files: Mapping[str, str], out: _Collector, prefix: str,
                    languages: Sequence[str]) -> Helplines:
    name = "helplines.yaml"
    empty = Helplines({}, {}, ())
    if name not in files:
        out.at(prefix + name, 1, "missing helplines.yaml: people in distress need numbers")
        return empty
    try:
        doc = parse_yaml(files[name], prefix + name)
    except YamlSyntaxError as err:
        out.problems.append(err.problem)
        return empty
    data = doc.data if isinstance(doc.data, dict) else {}
    lines: dict[str, Helpline] = {}
    for line_id, raw in (data.get("lines") or {}).items():
        fields = ("name", "contact", "hours", "kind", "source")
        if not isinstance(raw, dict) or any(not raw.get(f) for f in fields):
            out.add(doc, ("lines", line_id), f"helpline {line_id!r} needs {', '.join(fields)}")
            continue
        if not str(raw["source"]).startswith("https://"):
            out.add(doc, ("lines", line_id, "source"), "a helpline source must be an https URL")
        lines[line_id] = Helpline(line_id, *(str(raw[f]) for f in fields))
    by_language: dict[str, tuple[str, ...]] = {}
    for lang, ids in (data.get("by_language") or {}).items():
        for index, line_id in enumerate(ids or []):
            if line_id not in lines:
                out.add(doc, ("by_language", lang, index), f"unknown helpline {line_id!r}")
        by_language[lang] = tuple(ids or [])
    for lang in languages:
        if lang not in by_language:
            out.at(doc.file, doc.line_of(("by_language",)),
                   f"no helplines listed for language {lang!r} (default used)", "warning")
    intl = data.get("international") or {}
    return Helplines(lines, by_language, tuple(data.get("default") or ()),
                     str(intl.get("name", "")), str(intl.get("url", "")))


def _check_graph(states: Mapping[str, StateSpec], initials: Mapping[str, str],
                 global_on: Iterable[TransitionSpec], out: _Collector) -> None:
    def targets(spec: StateSpec) -> list[tuple[str, str, int]]:
        found = [(spec.flow, t.target, t.line) for t in spec.on if t.target]
        if spec.next:
            found.append((spec.flow, spec.next, spec.line))
        return found

    def resolve(flow: str, target: str) -> str:
        if "." in target:
            return target
        if f"{flow}.{target}" in states:
            return f"{flow}.{target}"
        if target in initials:
            return f"{target}.{initials[target]}"
        return f"{flow}.{target}"

    for spec in states.values():
        for flow, target, line in targets(spec):
            if resolve(flow, target) not in states:
                out.at(spec.file, line, f"unknown target state {target!r}")
    for t in global_on:
        if t.target and resolve("", t.target) not in states:
            out.at(t.file, t.line, f"unknown target state {t.target!r}")
    # Reachability: from every flow's entry and global targets.
    reached: set[str] = set()
    frontier = [resolve("", t.target) for t in global_on if t.target]
    frontier += [f"welcome.{initials['welcome']}"] if "welcome" in initials else []
    frontier += [name for name, spec in states.items() if spec.system]
    while frontier:
        name = frontier.pop()
        if name in reached or name not in states:
            continue
        reached.add(name)
        frontier += [resolve(f, t) for f, t, _ in targets(states[name])]
    for name, spec in states.items():
        if name not in reached:
            out.at(spec.file, spec.line, f"state {name!r} is unreachable", "warning")
        if not spec.on and not spec.buttons and not spec.next and not spec.checkpoint:
            out.at(spec.file, spec.line, f"state {name!r} has no way out of its own "
                   "(no transitions, buttons or next); only global commands leave it",
                   "warning")
    # Automatic `next` chains must end: a loop would run forever with no user step.
    for name, spec in states.items():
        seen = [name]
        current = spec
        while current.next:
            nxt = resolve(current.flow, current.next)
            if nxt in seen:
                out.at(spec.file, spec.line, "automatic transitions loop forever: "
                       + " -> ".join(seen + [nxt]))
                break
            if nxt not in states:
                break
            seen.append(nxt)
            current = states[nxt]


def load_dialog_set(files: Mapping[str, str], languages: Sequence[str], *,
                    prefix: str = "dialogs/", strict: bool = False) -> tuple[DialogSet | None,
                                                                              list[Problem]]:
    """Validate ``files`` ({relative path: YAML text}); return the set (None on errors)."""
    out = _Collector(prefix)
    strings, _ = _load_strings(files, languages, out, prefix)
    keys = set(strings.by_language.get("en", {}))
    helplines = _load_helplines(files, out, prefix, languages)
    states: dict[str, StateSpec] = {}
    initials: dict[str, str] = {}
    global_on: tuple[TransitionSpec, ...] = ()
    if "global.yaml" in files:
        try:
            doc = parse_yaml(files["global.yaml"], prefix + "global.yaml")
            data = doc.data if isinstance(doc.data, dict) else {}
            global_on = _parse_transitions(data.get("on"), doc, ("on",), out, keys)
        except YamlSyntaxError as err:
            out.problems.append(err.problem)
    for name in sorted(n for n in files if n.startswith("flows/")):
        try:
            doc = parse_yaml(files[name], prefix + name)
        except YamlSyntaxError as err:
            out.problems.append(err.problem)
            continue
        data = doc.data
        if not isinstance(data, dict) or not isinstance(data.get("states"), dict):
            out.add(doc, (), "a flow file needs `flow`, `initial` and a `states` mapping")
            continue
        flow = data.get("flow")
        if not isinstance(flow, str) or not flow.isidentifier():
            out.add(doc, ("flow",), "`flow` must be a name (letters, digits, _)")
            continue
        if flow in initials:
            out.add(doc, ("flow",), f"flow {flow!r} is defined twice")
            continue
        initial = data.get("initial")
        if initial not in data["states"]:
            out.add(doc, ("initial",), f"initial state {initial!r} is not among the states")
            continue
        initials[flow] = initial
        for state_name, raw in data["states"].items():
            path = ("states", state_name)
            raw = raw or {}
            if not isinstance(raw, dict):
                out.add(doc, path, "a state is a mapping")
                continue
            for key in set(raw) - STATE_KEYS:
                out.add(doc, path + (key,), f"unknown key {key!r} in a state")
            say = raw.get("say") or []
            for index, key in enumerate(say):
                if key not in keys:
                    out.add(doc, path + ("say", index), f"unknown string key {key!r}")
            spec = StateSpec(
                flow=flow,
                name=str(state_name),
                say=tuple(say),
                actions=_parse_actions(raw.get("do"), doc, path + ("do",), out, keys),
                buttons=_parse_buttons(raw.get("buttons"), doc, path + ("buttons",), out,
                                       strings),
                on=_parse_transitions(raw.get("on"), doc, path + ("on",), out, keys),
                next=raw.get("next"),
                checkpoint=bool(raw.get("checkpoint", False)),
                system=bool(raw.get("system", False)),
                file=doc.file,
                line=doc.line_of(path),
            )
            offered = {b.id for row in spec.buttons for b in row} | vocab.DYNAMIC_BUTTONS
            global_buttons = {t.trigger[7:] for t in global_on if t.trigger.startswith("button:")}
            for t in spec.on:
                bid = t.trigger[7:] if t.trigger.startswith("button:") else None
                if bid and bid not in offered and bid not in global_buttons:
                    out.at(doc.file, t.line, f"button {bid!r} is never offered in state "
                           f"{spec.qualified!r}", "warning")
            states[spec.qualified] = spec
    for required in ("welcome", "ask", "crisis", "handoff"):
        if required not in initials:
            out.at(prefix + "flows/", 1, f"required flow {required!r} is missing")
    if states:
        _check_graph(states, initials, global_on, out)
    problems = out.problems
    failing = [p for p in problems if p.severity == "error" or strict]
    if failing:
        return None, problems
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    dialog_set = DialogSet(
        version=digest.hexdigest()[:10],
        states=states,
        initials=initials,
        global_on=global_on,
        strings=strings,
        helplines=helplines,
        sources=dict(files),
    )
    return dialog_set, problems


def load_dialogs(directory: Path, languages: Sequence[str], *, strict: bool = False) -> DialogSet:
    """Load dialogs/ from disk or raise FlowError with every problem."""
    prefix = directory.as_posix().rstrip("/") + "/"
    try:
        files = read_dialog_files(directory)
    except OSError as err:
        raise FlowError([Problem(prefix, 1, f"cannot read dialogs: {err}")]) from err
    dialog_set, problems = load_dialog_set(files, languages, prefix=prefix, strict=strict)
    if dialog_set is None:
        raise FlowError([p for p in problems if p.severity == "error" or strict])
    return dialog_set
