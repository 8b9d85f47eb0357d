"""Who the documents name that is no unit of theirs: the organisation itself (whose documents they are: a
title over every unit, a website's copyright footer) and the outside companies it hires."""

from __future__ import annotations

import re

from assistant.verdict.taxonomy import name_key as key

from . import forms
from .names import lexicon, words_re


def organisation(found: list, sources) -> str | None:
    """The found unit that is the organisation itself, if any (`found`: ingest/units.py's Units)."""
    return _titled(found) or _copyright_holder(found, sources)


def _titled(found: list) -> str | None:
    """The organisation itself when its name heads two or more files (the handbook's cover and "Brightwater
    Dental Group – Who to ask") or titles a page that holds the others (「临江市市场监督管理局」 over its 科,
    "Fenmoor Homes" over its directorates: three or more units under it and half of all units below it; a
    division's heading is no page title). It is whose documents they are, not whose job a thing is: an
    answer that names it says nothing."""
    titled = max(found, key=lambda u: u.pages, default=None)
    if titled and titled.pages >= 2:
        return titled.label
    units = {u.label: u for u in found}
    for u in found:
        children = sum(1 for o in found if o.parent == u.label)
        below = sum(1 for o in found if u.label in forms.lineage(units, o.label))
        if u.how == "title" and not u.parent and children >= 3 and below >= 0.5 * (len(found) - 1):
            return u.label
    return None


COPYRIGHT = re.compile(r"(?:(?:©|\(c\)|copyright|版权所有|版權所有)\s*)+(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?([^\s|,.][^\n|,.]{1,59}?)(?=\s*(?:\d{4}\b|[\n|,.]|$|all rights|版权所有|版權所有))", re.I)


def _copyright_holder(found: list, sources) -> str | None:
    """The organisation a website's footer names ("© Wyrebridge District Council 2024"), when it was read as
    a unit (its address block's heading): whose site it is, not a unit."""
    holders = {run for src in sources for m in COPYRIGHT.finditer(src.text) for run in _runs(m.group(1))}
    return next((u.label for u in found if set(_runs(u.label)) & holders), None)


def _runs(name: str) -> list[str]:
    """The name whole and in each script, without its company form: "Harbourlight Hotels Group Limited
    港灣之光酒店集團有限公司" is also "harbourlight hotels group" and 「港灣之光酒店集團」."""
    forms_at_end = re.compile(rf"(?:\s*(?:{words_re('company_forms').pattern}))+\W*$", re.I)
    parts = [name, *re.findall(r"[\u3400-\u9fff][\u3400-\u9fff\s]*|[A-Za-z][A-Za-z0-9&'.\s-]*", name)]
    return [k for k in (key(forms_at_end.sub("", p).strip()) for p in parts) if len(k) >= 2]


def outsiders(labels: set[str], texts: list[str]) -> set[str]:
    """The found units that are outside companies or clause readings (`outside`), the documents searched once
    for the words that mark an outsider and each name looked for only around them."""
    marks = re.compile(f"{words_re('outside_before').pattern}|{words_re('outside_after').pattern}", re.I)
    near = [t[max(0, m.start() - WINDOW) : m.end() + WINDOW] for t in texts for m in marks.finditer(t)]
    return {label for label in labels if outside(label, labels, near)}


WINDOW = 120  # characters either side of a marker: a name, a connector and a word fit in it


def outside(label: str, labels: set[str], texts: list[str]) -> bool:
    """An outside company ("Ferrisgate Secure Ltd", 「永晴交通股份有限公司」, "outsourced to Brindley FM"), or a
    unit's name read with the word that led it into a clause (「按安全环保部」 beside 安全环保部): no unit of its own."""
    if re.search(rf"(?:{words_re('company_forms').pattern})\W*$", label, re.I):
        return True
    if label[:1] in lexicon()["prepositions_zh"] and label[1:] in labels:
        return True
    name = re.escape(label)
    # "… to NAME", or "NAME = maintenance contractor" / "NAME (external)": a connector or a space (never a name
    # run into the next word: 「採購部廠商評鑑」 is 採購部's), at most one word, the marker ending the phrase (not
    # "Finance pay supplier invoices", "Security (vendor risk review)")
    marker = rf"(?:(?:our|an?|the)\s+)?(?:[\w-]+\s+|[\u4e00-\u9fff]{{1,4}})?(?:{words_re('outside_after').pattern})(?!\s*[A-Za-z])"
    said = re.compile(
        rf"(?:{words_re('outside_before').pattern})\s*{name}(?![A-Za-z0-9&])"
        rf"|(?<![A-Za-z0-9&]){name}(?:\s*(?:=|:|：|,|，|—|–|\bis\b|\bare\b|\(|（|是|为|為)\s*|\s+){marker}",
        re.I,
    )
    return any(said.search(t) for t in texts)
