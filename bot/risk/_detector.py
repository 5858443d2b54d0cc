"""RiskDetector: every language's lexicon weighs the cues; a small classifier adds what they miss.

The lexicons decide first, and what they saw (cues, negations, a topic question) is passed to
the classifier (bot/risk/_classifier.py, trained on bot/risk/training/) as features. The
classifier may drop a lexicon category it finds very unlikely (MODEL_VETO; never a firm distress
cue), and may add a category the lexicons did not find, or one of higher priority, when its
probability passes that category's bar (MODEL_THRESHOLDS, higher in topic questions, hostile
messages, and to replace a lexicon category); a category whose cue the lexicons dropped as
negated, quoted or about someone else is vetoed. Its urgency counts only with a category that
can be urgent. Each contribution is a cue such as "distress/model: 0.87".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from bot.errors import Problem
from bot.risk._classifier import RiskClassifier, load_classifier
from bot.risk._fuzzy import SpellingRepair
from bot.risk._lexicon import (
    CATEGORIES,
    CompiledSection,
    Cue,
    Lexicon,
    LexiconError,
    load_lexicon,
)
from bot.risk._model import CATEGORY_PRIORITY, RiskAssessment, RiskCategory
from bot.risk._normalize import fold
from bot.risk._scripts import scripts_in

DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "ar", "fr", "de", "ru", "tr")
DEFAULT_LEXICON_DIR = Path(__file__).with_name("lexicons")
HANDOFF_THRESHOLD = 0.99
#: Distress errs towards a human: one weak cue ("i'm scared", "suicide") is enough outside a
#: topic question (where weak cues are halved below this bar).
THRESHOLDS = {"distress": 0.49}
INFORMATIONAL_DAMPING = 0.5
#: Classifier bars per category (probability), found by
#: `python -m bot.risk.train_classifier --calibrate` on grouped out-of-fold training predictions
#: and tests/eval/risk_dev.yaml (never the held-out test splits).
MODEL_THRESHOLDS: dict[str, float] = {
    "distress": 0.25, "leaving": 0.25, "family": 0.35, "request": 0.25
}  # fmt: skip
MODEL_URGENT_THRESHOLD = 0.15
MODEL_URGENT_ALONE = 0.5
#: The classifier alone raises leaving, family or request only in a message of at least this
#: many words: an n-gram model reads almost nothing in "?" or "à plus", and chit-chat is
#: missing from its training. Distress is exempt ("kms", "i'm done"): err towards a human.
MODEL_MIN_WORDS = 3
#: Added to the bar in a topic question, in a hostile message, and to replace a lexicon category.
#: The topic margin is kept at 0.3 or more (calibration may only raise it): the training set
#: has no off-topic how-to questions, and below that "how do I fix my bike" reads as leaving.
MODEL_TOPIC_MARGIN = 0.3
MODEL_HOSTILE_MARGIN = 0.4
MODEL_OVERRIDE_MARGIN = 0.1
#: A lexicon category the classifier finds very unlikely (below this probability) is dropped:
#: most lexicon false alarms are topic questions that share a cue's words ("is this story
#: real?"). Distress only when its cues are all weak ("suicide" in a question), never a firm one.
MODEL_VETO: dict[str, float] = {"distress": 0.03, "leaving": 0.1, "family": 0.03, "request": 0.1}
#: A category found by weak cues only ("i'm so tired", "çok yorgunum") needs the classifier to
#: agree at least this much: everyday tiredness is not a crisis, sadness is left to the model.
MODEL_WEAK_VETO = 0.3
#: The classifier alone raises a category in a message of at most MODEL_SHORT_WORDS words only
#: from this probability on ("i am ok" is not distress; "i give up" still is).
MODEL_SHORT_WORDS = 3
MODEL_SHORT_BAR = 0.7
HINT_BONUS = 0.01
_PRE_WINDOW_TOKENS = 4
_WORDS = re.compile(r"[^\W\d_]+")
#: A plain request for a human is never urgent by itself; the three others can be.
_URGENT_CATEGORIES = ("distress", "leaving", "family")
#: Someone else's words in quotes: "he said 'i will kill myself'" is not about the writer.
_QUOTE_CHARS = frozenset("'\"«»“”„")
_QUOTED = re.compile(
    r"(?:(?<= )'[^']+ [^']+'(?=[ ,.;:!?])|\"[^\"]+\"|«[^»]+»|“[^”]+”|„[^“”]+[“”])"
)
_FIRST_PERSON = re.compile(
    r"(?<!\w)(?:i|i'm|im|me|my|myself|je|j'|moi|me|ma|mon|mes|ich|mich|mir|mein|meine|я|меня|мне|"
    r"мой|моя|ben|beni|bana|benim|انا|اني|ana|ena)(?!\w)"
)
_CLAUSE_BREAK = re.compile(
    r"[.,;:!?()\n]| but | mais | aber | но | а | ama | fakat | لكن | بس | bas "
)


def _bar(category: str) -> float:
    return THRESHOLDS.get(category, HANDOFF_THRESHOLD)


def _inside(match: re.Match[str], quoted: list[tuple[int, int]], cue: Cue) -> bool:
    """True when a category cue sits inside quotation marks (someone else's words)."""
    if cue.section in ("hostile", "urgent"):
        return False
    end = match.end()
    return any(q_start < end <= q_end for q_start, q_end in quoted)


def _regexes(section: CompiledSection, scripts: set[str]) -> Iterator[re.Pattern[str]]:
    for script in scripts:
        regex = section.regexes.get(script)
        if regex is not None:
            yield regex


@dataclass
class _Tally:
    """Scores and cues gathered over all lexicons for one message."""

    scores: dict[str, float] = field(default_factory=dict)
    firm: dict[str, float] = field(default_factory=dict)
    cues: list[str] = field(default_factory=list)
    spans: dict[str, list[tuple[int, int, float]]] = field(default_factory=dict)
    urgent_cue: bool = False
    #: Sections with a cue that was negated, quoted or about someone else (and so dropped).
    vetoed: set[str] = field(default_factory=set)

    def add(self, cue: Cue, match: re.Match[str], weight: float) -> None:
        """Count ``cue``; a stretch of text already counted (in another language) counts once."""
        section = cue.section
        start, end = match.span()
        spans = self.spans.setdefault(section, [])
        counted = max((w for s, e, w in spans if s < end and start < e), default=0.0)
        if weight <= counted:
            return
        spans.append((start, end, weight))
        self.scores[section] = self.scores.get(section, 0.0) + weight - counted
        if not cue.soft and cue.weight >= 1.0:  # weak cues yield like soft ones
            self.firm[section] = self.firm.get(section, 0.0) + weight - counted
        self.urgent_cue = self.urgent_cue or cue.urgent
        self.cues.append(f'{section}/{cue.language}: "{match.group(0).strip()}"')


@dataclass
class _LexiconVerdict:
    """The lexicons' verdict on one message, kept for the classifier to build on."""

    padded: str
    tally: _Tally
    category: RiskCategory | None
    urgent: bool
    hostile: bool
    informational: bool | None  # None: not computed yet


class RiskDetector:
    """Lexicon-based detector of reasons to hand a person to a counselor."""

    def __init__(
        self,
        languages: Sequence[str] = DEFAULT_LANGUAGES,
        lexicon_dir: Path | None = None,
        classifier: RiskClassifier | None | Literal["packaged"] = "packaged",
    ) -> None:
        directory = lexicon_dir or DEFAULT_LEXICON_DIR
        problems: list[Problem] = []
        self._lexicons: list[Lexicon] = []
        for language in languages:
            path = directory / f"{language}.yaml"
            try:
                self._lexicons.append(load_lexicon(path, f"{directory.name}/{path.name}"))
            except LexiconError as err:
                problems.extend(err.problems)
        if problems:
            raise LexiconError(problems)
        words = set().union(*(lex.words for lex in self._lexicons))
        stems = set().union(*(lex.stems for lex in self._lexicons))
        protected = "|".join(f"(?:{lex.no_repair})" for lex in self._lexicons if lex.no_repair)
        self._repair = SpellingRepair(words, stems, re.compile(protected) if protected else None)
        self._by_language = {lex.language: lex for lex in self._lexicons}
        self._plans: dict[
            frozenset[str], list[tuple[Lexicon, CompiledSection, re.Pattern[str]]]
        ] = {}
        self.languages = tuple(lex.language for lex in self._lexicons)
        self._classifier = load_classifier() if classifier == "packaged" else classifier

    def assess(self, text: str, language: str | None = None) -> RiskAssessment:
        """Assess one message; ``language`` (a hint) only breaks ties between languages."""
        verdict = self._lexicon_verdict(text, language)
        if verdict is None:
            return RiskAssessment(None, False, False, (), MappingProxyType({}))
        settled = verdict.category == CATEGORY_PRIORITY[0] and verdict.urgent  # nothing to add
        if self._classifier is None or settled:
            return self._combine(verdict, None)
        return self._combine(
            verdict, self._classifier.probabilities(text, self.lexicon_hints(verdict))
        )

    def lexicon_hints(self, verdict: _LexiconVerdict) -> list[str]:
        """What the lexicons saw, as classifier features: the classifier learns how far to
        trust a cue (and a negated one, or one in a topic question) from the training data."""
        tally = verdict.tally
        hints = list(tally.scores)
        hints += [f"{s} full" for s, v in tally.scores.items() if v >= HANDOFF_THRESHOLD]
        hints += [f"veto {s}" for s in tally.vetoed]
        if verdict.category is not None:
            hints.append(f"cat {verdict.category}")
        if verdict.informational is None:
            verdict.informational = self._informational(verdict.padded)
        if verdict.informational:
            hints.append("info")
        if verdict.hostile:
            hints.append("hostile")
        if tally.urgent_cue:
            hints.append("urgent cue")
        return sorted(hints)

    def _lexicon_verdict(self, text: str, language: str | None) -> _LexiconVerdict | None:
        """What the lexicons alone say (None for an empty message)."""
        normalized = self._repair.repair(fold(text))
        if not normalized:
            return None
        padded = f" {normalized} "
        tally = _Tally()
        quoted = [m.span() for m in _QUOTED.finditer(padded)] if _QUOTE_CHARS & set(padded) else []
        informational: bool | None = None  # computed on the first weak cue only
        for lex, section, regex in self._plan(frozenset(scripts_in(padded))):
            position = 0
            while (hit := regex.search(padded, position)) is not None:
                position = hit.start() + 1  # overlapping cues are weighed by the tally
                best: tuple[Cue, re.Match[str]] | None = None
                for cue, match in section.cues_at(padded, hit.start()):
                    if (best is None or cue.weight > best[0].weight) and not (
                        self._negated(cue, padded, match, language)
                        or self._about_others(cue, padded, match)
                        or _inside(match, quoted, cue)
                    ):
                        best = (cue, match)
                    elif best is None:
                        tally.vetoed.add(cue.section)
                if best is None:
                    continue
                cue, match = best
                weight = cue.weight
                if cue.weight < 1.0:
                    if informational is None:
                        informational = self._informational(padded)
                    if informational:
                        weight *= INFORMATIONAL_DAMPING
                bonus = HINT_BONUS if lex.language == language else 0.0
                tally.add(cue, match, weight + bonus)
        category = self._choose(tally.scores, tally.firm)
        urgent = category in _URGENT_CATEGORIES and (
            tally.urgent_cue
            or ("urgent" in tally.scores and tally.firm.get(category, 0.0) >= HANDOFF_THRESHOLD)
        )
        hostile = tally.scores.get("hostile", 0.0) >= HANDOFF_THRESHOLD
        return _LexiconVerdict(padded, tally, category, urgent, hostile, informational)

    def _combine(
        self, verdict: _LexiconVerdict, odds: Mapping[str, float] | None
    ) -> RiskAssessment:
        """The lexicon verdict, raised by the classifier where the lexicons found less.

        The classifier may add a category the lexicons did not find (or one of higher
        priority) when its probability passes that category's bar; the bar is higher in a
        topic question or a hostile message, and a category whose lexicon cue was negated,
        quoted or about someone else is vetoed. Urgency from the classifier needs a category
        that can be urgent. Cues say what the classifier contributed ("distress/model: 0.87").
        """
        tally, category, urgent = verdict.tally, verdict.category, verdict.urgent
        cues = list(tally.cues)
        if odds is not None:
            if category is not None and self._vetoed_by_model(verdict, odds):
                cues.append(f"{category}/model veto: {odds[category]:.2f}")
                category, urgent = None, False
                verdict = replace(verdict, category=None, urgent=False)
            raised = self._model_category(verdict, odds)
            if raised is not None:
                category = raised
                cues.append(f"{raised}/model: {odds[raised]:.2f}")
                urgent = verdict.urgent and raised in _URGENT_CATEGORIES
            # a time or means word from the urgent lexicon backs the classifier's urgency up;
            # without one it needs a higher bar
            urgent_bar = MODEL_URGENT_THRESHOLD if "urgent" in tally.scores else MODEL_URGENT_ALONE
            if not urgent and category in _URGENT_CATEGORIES and odds["urgent"] >= urgent_bar:
                urgent = True
                cues.append(f"urgent/model: {odds['urgent']:.2f}")
        return RiskAssessment(
            category=category,
            urgent=urgent,
            hostile=verdict.hostile,
            cues=tuple(cues),
            scores=MappingProxyType({k: round(v, 3) for k, v in tally.scores.items()}),
        )

    @staticmethod
    def _vetoed_by_model(verdict: _LexiconVerdict, odds: Mapping[str, float]) -> bool:
        """True when the classifier overrules the lexicons' category (see MODEL_VETO)."""
        category = verdict.category
        if category is None:
            return False
        firm_score = verdict.tally.firm.get(category, 0.0)
        if firm_score == 0.0 and odds[category] < MODEL_WEAK_VETO:
            return True
        if odds[category] >= MODEL_VETO[category]:
            return False
        return category != CATEGORY_PRIORITY[0] or firm_score < HANDOFF_THRESHOLD

    def _model_category(
        self, verdict: _LexiconVerdict, odds: Mapping[str, float]
    ) -> RiskCategory | None:
        """The category the classifier adds, if any (highest priority first)."""
        short = len(_WORDS.findall(verdict.padded)) < MODEL_MIN_WORDS
        current = verdict.category
        rank = CATEGORY_PRIORITY.index(current) if current is not None else len(CATEGORY_PRIORITY)
        margin = 0.0
        if verdict.hostile:
            margin += MODEL_HOSTILE_MARGIN
        for candidate in CATEGORY_PRIORITY[:rank]:
            if candidate in verdict.tally.vetoed or (short and candidate != CATEGORY_PRIORITY[0]):
                continue
            bar = MODEL_THRESHOLDS[candidate] + margin
            if len(_WORDS.findall(verdict.padded)) <= MODEL_SHORT_WORDS:
                bar = max(bar, MODEL_SHORT_BAR)  # "i am ok": few words, little evidence
            if current is not None:
                bar += MODEL_OVERRIDE_MARGIN
            if odds[candidate] < bar:
                continue
            if verdict.informational is None:
                verdict.informational = self._informational(verdict.padded)
            if verdict.informational and odds[candidate] < bar + MODEL_TOPIC_MARGIN:
                continue
            return candidate
        return None

    def _informational(self, padded: str) -> bool:
        """True for topic questions and third-person talk ("how did people escape?")."""
        return any(
            lex.informational is not None and lex.informational.search(padded)
            for lex in self._lexicons
        )

    def _plan(
        self, scripts: frozenset[str]
    ) -> list[tuple[Lexicon, CompiledSection, re.Pattern[str]]]:
        """The regexes to run for text written in ``scripts``, computed once per combination."""
        plan = self._plans.get(scripts)
        if plan is None:
            plan = [
                (lex, section, regex)
                for lex in self._lexicons
                for section in lex.sections.values()
                for regex in _regexes(section, set(scripts))
            ]
            self._plans[scripts] = plan
        return plan

    @staticmethod
    def _choose(scores: dict[str, float], firm: dict[str, float]) -> RiskCategory | None:
        """First category by priority; soft cues count only when no other category applies."""
        applies = [c for c in CATEGORY_PRIORITY if scores.get(c, 0.0) >= _bar(c)]
        if len(applies) > 1:
            firm_ones = [c for c in applies if firm.get(c, 0.0) >= _bar(c)]
            return firm_ones[0] if firm_ones else applies[0]
        return applies[0] if applies else None

    def _about_others(self, cue: Cue, padded: str, match: re.Match[str]) -> bool:
        """True when the word just before a distress/leaving cue names someone else.

        "why do people want to die" is a topic question; "I want to die" is not.
        """
        if cue.section not in ("distress", "leaving"):
            return False
        third_person = self._by_language[cue.language].third_person
        if third_person is None:
            return False
        if _FIRST_PERSON.search(match.group(0)):
            return False
        previous = padded[max(0, match.start() - 40) : match.start()].split()[-2:]
        if not previous or _FIRST_PERSON.fullmatch(previous[-1]):
            return False
        return any(third_person.fullmatch(token) for token in previous)

    def _negated(
        self, cue: Cue, padded: str, match: re.Match[str], hint: str | None = None
    ) -> bool:
        """True when a negator governs the match: before it in its clause, inside or after it.

        Cues that carry their own negation ("don't want to live") are only checked before.
        """
        if cue.section == "hostile":
            return False
        start, end = match.span()
        clause_start = 0
        for brk in _CLAUSE_BREAK.finditer(padded, max(0, start - 80), start):
            clause_start = brk.end()
        before_tokens = padded[clause_start:start].split()[-_PRE_WINDOW_TOKENS:]
        before = " " + " ".join(before_tokens) + " "
        inside = " " + match.group(0).strip() + " "
        after_tokens = _CLAUSE_BREAK.split(padded[end : end + 40], maxsplit=1)[0].split()[:2]
        after = " " + " ".join(after_tokens) + " "
        languages = {cue.language, hint} & self._by_language.keys()
        for lex in (self._by_language[language] for language in languages):
            windows = [(lex.negators, before)]
            if not cue.negation_ok:
                windows.append((lex.post_negators, after))
                if cue.section != "family":
                    windows.append((lex.negators, inside))
            exceptions = lex.negation_exceptions
            for negators, window in windows:
                if negators is None:
                    continue
                probe = exceptions.sub(" ", window) if exceptions is not None else window
                if window is inside:
                    found = negators.finditer(probe)
                    if any(not _own_words(cue, probe, negator) for negator in found):
                        return True
                elif negators.search(probe):
                    return True
        return False


def _own_words(cue: Cue, inside: str, negator: re.Match[str]) -> bool:
    """True when a negator inside a cue's match is written in the cue itself, with the word
    after it: "never born" in "wish i was never born", "nicht mehr" in "nicht mehr
    aufwachen". "want to (not) die" has no "not die" in its pattern: that one negates."""
    following = inside[negator.end():].split()[:1]
    if not following:
        return False
    phrase = f"{negator.group(0).strip()} {following[0]}"
    return re.search(rf"(?<![\w']){re.escape(phrase)}(?![\w'])", cue.regex.pattern) is not None


def load_risk_detector(languages: Sequence[str] = DEFAULT_LANGUAGES) -> RiskDetector:
    """The detector for the packaged lexicons, built once per process and language set.

    Raises LexiconError (a ValidationFailed) listing every problem with file:line.
    """
    return _cached_detector(tuple(languages))


@lru_cache(maxsize=8)
def _cached_detector(languages: tuple[str, ...]) -> RiskDetector:
    return RiskDetector(languages)


__all__ = ["CATEGORIES", "DEFAULT_LANGUAGES", "RiskDetector", "load_risk_detector"]
