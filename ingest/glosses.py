"""A derived unit's name in the other language, from general business-function names (glosses.yaml).

Employees name units in their own language: "IT looks after door access, right?" over a 部门职责 document
whose unit is 信息技术部, 「这个找市场部吧?」 over an English handbook with a Marketing team. A unit whose
name is a function's name (less its unit word) gets the other language's names of that function as
aliases, so such a question names it too, and an English reader sees "Finance (财务部)".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.text import fold

from .names import CJK, lexicon


@lru_cache(maxsize=1)
def _functions() -> list[tuple[list[str], list[str]]]:
    raw = yaml.safe_load(Path(__file__).with_name("glosses.yaml").read_text(encoding="utf-8"))
    return [([str(e) for e in f["en"]], [str(z) for z in f["zh"]]) for f in raw["functions"]]


@lru_cache(maxsize=1)
def _unit_words() -> tuple[list[str], re.Pattern]:
    suffixes = sorted((fold(str(s)) for s in lexicon()["unit_suffixes_zh"]), key=len, reverse=True)
    words = "|".join(re.escape(str(w)) for w in sorted(lexicon()["unit_words_en"], key=len, reverse=True))
    return suffixes, re.compile(rf"^(?:(?:{words})\s+)?(.*?)(?:\s+(?:{words}))?$", re.IGNORECASE)


def _stem(label: str) -> str:
    """The function a unit's name names: 财务部 -> 财务, "Legal team" -> legal, 办公室 -> 办公室."""
    suffixes, latin = _unit_words()
    name = fold(label).strip()
    if CJK.search(name):
        for s in suffixes:
            if name.endswith(s) and len(name) > len(s):
                return name[: -len(s)]
        return name
    m = latin.match(name)
    return (m.group(1) if m else name).strip()


def function(label: str) -> int | None:
    """Which business function a unit's name names (an index into glosses.yaml), in either language."""
    stem, whole = _stem(label), fold(label).strip()
    if CJK.search(label):
        return _by_zh().get(stem, _by_zh().get(whole))
    return _by_en().get(stem)


@lru_cache(maxsize=1)
def _by_zh() -> dict[str, int]:
    return {fold(z): i for i, (_, zhs) in enumerate(_functions()) for z in zhs}


@lru_cache(maxsize=1)
def _by_en() -> dict[str, int]:
    return {fold(e): i for i, (ens, _) in enumerate(_functions()) for e in ens}


def glosses(units: dict[str, str | None]) -> dict[str, list[str]]:
    """{label: names in the other language} for the units (label: parent) that name a business function.
    A name two units would share goes to the one above the other (采购部 over its 采购科 both read
    "Procurement"), and to neither when they are not in one line."""
    offered: dict[str, list[str]] = {}
    for label in units:
        i = function(label)
        if CJK.search(label):
            names = _functions()[i][0] if i is not None else []
        else:
            first = _functions()[i][1][0] if i is not None else ""
            names = [first + "部", first + "团队"] if first else []
        if names:
            offered[label] = names

    def above(a: str, b: str) -> bool:  # a is an ancestor of b
        seen, p = set(), units.get(b)
        while p and p not in seen:
            if p == a:
                return True
            seen.add(p)
            p = units.get(p)
        return False

    claimants: dict[str, list[str]] = {}
    for label, names in offered.items():
        for n in names:
            claimants.setdefault(fold(n), []).append(label)
    taken = {fold(lab).strip() for lab in units}
    out: dict[str, list[str]] = {}
    for label, names in offered.items():
        for n in names:
            rivals = [o for o in claimants[fold(n)] if o != label]
            if fold(n) not in taken and all(above(label, o) for o in rivals):
                out.setdefault(label, []).append(n)
    return out
