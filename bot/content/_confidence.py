"""Whether the matcher's best clip answers the question: features and a tiny logistic model.

The model was fitted by ``bench/eval_matcher.py --fit`` on tests/eval/matcher_dev.yaml and the
fixtures tests/content/fixtures/{calibration,offtopic}.yaml (label: the best clip is on a gold
topic). Its features are shares and normalised scores, so they do not depend on the index size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

from bot.content._language_index import LanguageIndex, Query

FEATURE_NAMES = (
    "score",      # final score of the best clip (lexical + topic part), ~[0, 1.5]
    "lexical",    # its lexical part: clip BM25F + best example question
    "question",   # its best example question's normalised BM25
    "margin",     # (first - second) / first
    "cover",      # share of the question's idf mass found in the best clip
    "cover_exact",  # the same, counting only terms spelled as in the index
    "rare",       # idf of the rarest term found in the best clip, in units of a unique term
    "evidence",   # indexed idf mass of the question, in units of a rare term (capped at 3)
    "known",      # share of the question's idf mass that the index knows at all
    "topic",      # normalised BM25 of the best topic document
    "agree",      # 1 when the topic the best clip answers is the topic scorer's first
    "terms",      # log(1 + number of content terms)
    "matched",    # log(1 + number of its terms found in the best clip)
    "topical",    # share of the question's idf mass on words of topic titles and descriptions
    "asked",      # share of the question's idf mass on words of the clips' example questions
    "domain",     # rarest topical, asked or clip-title term found, in units of a unique term
)

# Fitted coefficients (intercept first, then one per feature) and the decision threshold.
# `bench/eval_matcher.py --fit --l2 0.03`; cross-validated at 0.45 on dev + fixtures: confident
# on 85% of correct answers, 49% of wrong ones and 8% of off-topic messages.
_WEIGHTS: tuple[float, ...] = (
    -5.4241,  # intercept
    +0.5220, +0.8058, +3.9462, +0.6365,  # score, lexical, question, margin
    -1.0113, +1.0277, +0.6766, +0.5196,  # cover, cover_exact, rare, evidence
    -0.7316, +0.4974, -0.2392, +0.7897,  # known, topic, agree, terms
    +1.2721, +1.0669, +0.1394, +0.9508,  # matched, topical, asked, domain
)
THRESHOLD = 0.45


def features(lang_index: LanguageIndex, query: Query, best: int, lexical: float,
             question: float, scores: Sequence[float], topic_scores: Mapping[int, float],
             agree: bool, topic_words: AbstractSet[str], title_words: AbstractSet[str]
             ) -> tuple[float, ...]:
    """The feature vector of a match: ``best`` is the best clip's number, ``scores`` the
    final scores of the ranked clips, ``topic_scores`` the unweighted topic scores."""
    clips = lang_index.clips
    unique = clips.unknown_idf or 1.0
    asked_terms = lang_index.questions
    total = covered = exact = rare = known = topical = asked = domain = 0.0
    matched = 0
    for term, weight in query:
        idf = clips.idf(term)
        total += idf
        entry = clips.postings(term)
        if entry is None:
            continue
        known += idf * weight
        in_topic, in_asked = term in topic_words, term in asked_terms
        topical += idf * weight * in_topic
        asked += idf * weight * in_asked
        if in_topic or in_asked or term in title_words:
            domain = max(domain, weight * idf / unique)
        if best in entry[0]:
            matched += 1
            covered += idf * weight
            if weight >= 1.0:
                exact += idf
            rare = max(rare, weight * idf / unique)
    first = scores[0] if scores else 0.0
    second = scores[1] if len(scores) > 1 else 0.0
    evidence = min(lang_index.evidence(query), 3.0)
    return (
        first, lexical, question,
        (first - second) / first if first > 0 else 0.0,
        covered / total if total else 0.0,
        exact / total if total else 0.0,
        rare, evidence,
        known / total if total else 0.0,
        max(topic_scores.values(), default=0.0),
        1.0 if agree else 0.0,
        math.log1p(len(query)),
        math.log1p(matched),
        topical / total if total else 0.0,
        asked / total if total else 0.0,
        domain,
    )


def probability(vector: Sequence[float], weights: Sequence[float] = _WEIGHTS) -> float:
    """The model's probability that the best clip answers the question."""
    z = weights[0] + sum(w * x for w, x in zip(weights[1:], vector, strict=True))
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
