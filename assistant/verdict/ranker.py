"""Learned choice among the departments the retrieved chunks point to.

Retrieval puts the right department among the owners of the top three chunks far more often than at
the very top, so the verdict scores every candidate department on signals of its chunks (how high,
how many, dense and keyword strength, whether the chunk names it, whether the question does, how
specific it is) with a conditional logit model fit on several corpora's dev cases (eval/calibration.py).
"""

from __future__ import annotations

import math
import statistics

from assistant.models import Hit
from assistant.verdict.taxonomy import Taxonomy

FEATURES = (
    "top", "sum", "first", "dense", "keyword", "count", "named", "mentioned", "checked", "depth", "parent", "below",
    "english", "profile", "profile_z", "words", "words_place",
)  # fmt: skip


def candidates(
    hits: list[Hit], taxonomy: Taxonomy, mentioned: list[str], yes_no: bool, english: dict[str, float] | None = None,
    profiles: dict[str, float] | None = None, words: dict[str, float] | None = None,
) -> dict[str, dict]:
    """Features of every department that owns one of `hits` (best first) or that the question names.
    `english`: MiniLM closeness of an English question to the English passages among `hits`; `profiles`:
    the question's closeness to each unit's mean passage (all units, Store.unit_closeness); `words`: which
    units' passages the question's words live in (Store.word_owners)."""
    if not hits:
        return {}
    profiles = profiles or {}
    spread = statistics.pstdev(profiles.values()) if len(profiles) > 1 else 0.0
    middle = statistics.fmean(profiles.values()) if profiles else 0.0

    def closeness(h: Hit) -> float:  # MiniLM where it read the passage, the multilingual cosine elsewhere
        return english.get(h.chunk.id, h.dense) if english else h.dense

    best_close = max(closeness(h) for h in hits) or 1e-9
    top = hits[0].score or 1e-9
    best_dense = max(h.dense for h in hits) or 1e-9
    best_kw = max(h.keyword for h in hits) or 0.0
    mine: dict[str, list[tuple[int, Hit]]] = {}
    for i, h in enumerate(hits):
        if h.chunk.owner:
            mine.setdefault(h.chunk.owner, []).append((i, h))
    for label in mentioned:
        if label in taxonomy and label not in mine:
            mine[label] = []
    nearest = max((profiles[lab] for lab in mine if lab in profiles), default=0.0)
    out: dict[str, dict] = {}
    for label, hs in mine.items():
        ancestors = taxonomy.ancestors(label) if label in taxonomy else []
        below = [
            h.score for other, ohs in mine.items() if other != label and other in taxonomy
            and label in taxonomy.ancestors(other) for _, h in ohs
        ]  # fmt: skip
        out[label] = {
            "top": max((h.score for _, h in hs), default=0.0) / top,
            "sum": min(3.0, sum(h.score for _, h in hs) / top),
            "first": 1.0 / (1 + min((i for i, _ in hs), default=len(hits))),
            "dense": max((h.dense for _, h in hs), default=0.0) / best_dense,
            "keyword": max((h.keyword for _, h in hs), default=0.0) / best_kw if best_kw else 0.0,
            "count": sum(1 for i, _ in hs if i < 8) / 8,
            # the chunk itself names the department (not only inherited from its page or heading)
            "named": sum(1 for _, h in hs if label in h.chunk.departments and _named_in(label, h, taxonomy)) / max(1, len(hs)),
            "mentioned": 1.0 if label in mentioned and not yes_no else 0.0,
            "checked": 1.0 if label in mentioned and yes_no else 0.0,
            "depth": min(3, len(ancestors)) / 3,
            "parent": 1.0 if any(o != label and o in taxonomy and label in taxonomy.ancestors(o) for o in mine) else 0.0,
            "below": min(3.0, sum(below) / top),
            # English question, English passages: leave-one-corpus-out dev 0.6993 -> 0.7034, the owner chosen
            # right +0.6 to +2.9 points on every derived corpus (docs/benchmarks.md, round 12)
            "english": max((closeness(h) for _, h in hs), default=0.0) / best_close,
            # how near the question is to the unit's passages as a whole, beside the other candidates and in
            # units of the spread over all units: a situation ("a CEO email asks for gift cards") meets the
            # unit whose duties it is about, not only the one passage sharing its words
            "profile": profiles[label] - nearest if label in profiles else 0.0,
            "profile_z": (profiles[label] - middle) / spread / 4 if label in profiles and spread else 0.0,
            # the question's rarer words live in this unit's passages (a tool's name in two passages, both the unit's).
            # With "profile": leave-one-corpus-out dev, derived corpora 0.6839 -> 0.6887, the owner chosen right
            # up on each of them; holdouts +2 of 930 (docs/benchmarks.md, round 20)
            "words": (words or {}).get(label, 0.0),
        }
    # ... and its place among the candidates by it (1, 1/2, 1/3, ...; none when the unit holds none of them):
    # "words" alone grows with a unit's passages, its order within one question does not.
    # Leave-one-corpus-out dev 0.7043 -> 0.7078 (derived corpora 0.6949 -> 0.6990); holdouts +1 of 270, shapes +2
    # of 540 (docs/benchmarks.md, round 24)
    by_words = sorted(out, key=lambda lab: -out[lab]["words"])
    for place, label in enumerate(by_words):
        out[label]["words_place"] = 1.0 / (1 + place) if out[label]["words"] > 0 else 0.0
    return out


def _named_in(label: str, hit: Hit, taxonomy: Taxonomy) -> bool:
    return any(lab == label for lab, _ in taxonomy.mentions(hit.chunk.text))


def rank(cands: dict[str, dict], model: dict) -> list[tuple[str, float]]:
    """Departments by the model's probability of being the owner (a softmax over the candidates: the
    model is fit as a choice among them, eval/calibration.py), best first."""
    z = {label: sum(w * f.get(name, 0.0) for name, w in model["weights"].items()) for label, f in cands.items()}
    top = max(z.values(), default=0.0)
    odds = {label: math.exp(max(-30.0, v - top)) for label, v in z.items()}
    total = sum(odds.values())
    return sorted(((label, o / total) for label, o in odds.items()), key=lambda kv: -kv[1])
