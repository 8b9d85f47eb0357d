"""A unit's other names: its name in the other language written beside it (「前堂部 Front Office (FO)：」), its
acronym ("SRE"), and the full name a short label spells out ("QA/RA" is "Quality & Regulatory Affairs"). Each
folds the second name into one unit (forms.py does the folding) instead of leaving two units of one team.
"""

from __future__ import annotations

import re

from assistant.verdict.taxonomy import name_key as key

from . import glosses
from .forms import PURE_CJK, expanded, fold, lineage, repoint
from .names import CJK, lexicon


def short_for(short: str, name: str) -> bool:
    """ "QA/RA" is short for "Quality & Regulatory Affairs": capitals only, each a word's first letter, the
    first one the name's ("Payroll (HR)" is Payroll in HR, not HR)."""
    initials = [
        w[0].upper() for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in {"and", "of", "the", "for"}
    ]
    letters = re.sub(r"[/&.\s-]", "", short)
    return (
        bool(initials)
        and letters.isupper()
        and letters.isalpha()
        and letters[0] == initials[0]
        and set(letters) <= set(initials)
    )


def spelled_out(units: dict, by_alias: dict[str, str]) -> None:
    """A unit found first by its short form ("QA/RA" in a directory table) is labelled by its full name when
    the documents write that too (its heading "Quality & Regulatory Affairs (QA/RA)"; 「医保办」 written
    「医保办（医疗保险管理办公室）」 is 医疗保险管理办公室)."""
    for label in list(units):
        full = next(
            (a for a in units[label].aliases if short_for(label, a) and not short_for(a, label)), None
        ) or _cjk_full(units[label])
        if full is None or full in units:
            continue
        unit = units.pop(label)
        unit.aliases = [a for a in unit.aliases if a != full] + [label]
        unit.label = full
        units[full] = unit
        repoint(units, by_alias, label, full)


def _cjk_full(unit) -> str | None:
    """The one office a Chinese label ending in 办 shortens (医保办 < 医疗保险管理办公室); a page or heading keeps its name."""
    if unit.how in ("title", "heading") or not PURE_CJK.fullmatch(unit.label) or not unit.label.endswith(("办", "辦")):
        return None
    longer = [a for a in unit.aliases if PURE_CJK.fullmatch(a) and a.endswith(("办公室", "辦公室"))]
    found = [a for a in longer if expanded({a: type(unit)(a, None, [], "", "")}, unit.label) == a]
    return found[0] if len(found) == 1 else None


# A name in one script right beside its name in the other: 「前堂部 Front Office (FO)：」, 「包括薪酬組 Payroll 及…」,
# "Uniform Room 制服房". Only spaces between (「…前堂部。 Front Desk…」 is two sentences).
ZH_THEN_EN = re.compile(r"([\u3400-\u9fff]{2,24})[ \t]+([A-Z][\w&'’-]*(?:[ \t]+(?:&|and|of|the|[A-Z][\w&'’-]*)){0,5})")
EN_THEN_ZH = re.compile(r"([A-Z][\w&'’-]*(?:[ \t]+(?:&|and|of|the|[A-Z][\w&'’-]*)){0,5})[ \t]+([\u3400-\u9fff]{2,24})")


def bilingual(units: dict, by_alias: dict[str, str], sources) -> None:
    """A unit found under its Chinese name and again under its English one is one unit when the documents
    write the two names side by side, or when both name one business function under one parent; it keeps
    the name in the documents' main script, the other is its alias (its sub-units follow). Two units of
    one line (a division and its desk) are never merged."""
    text = "\n".join(s.text for s in sources)
    chinese = len(re.findall(r"[\u3400-\u9fff]", text)) > len(re.findall(r"[A-Za-z]+", text))
    pairs: list[tuple[str, str]] = []
    for pattern, zh_first in ((ZH_THEN_EN, True), (EN_THEN_ZH, False)):
        for m in pattern.finditer(text):
            zh, en = (m.group(1), m.group(2)) if zh_first else (m.group(2), m.group(1))
            # the unit's Chinese name ends the run (「包括薪酬組」), its English name starts the words after it
            a = next((by_alias[key(zh[i:])] for i in range(len(zh) - 1) if key(zh[i:]) in by_alias), None) if zh_first else \
                next((by_alias[key(zh[:j])] for j in range(len(zh), 1, -1) if key(zh[:j]) in by_alias), None)
            words = en.split()
            spans = range(len(words), 0, -1) if zh_first else range(len(words))
            b = next((by_alias[key(" ".join(words[:n] if zh_first else words[n:]))] for n in spans
                      if key(" ".join(words[:n] if zh_first else words[n:])) in by_alias), None)
            if a and b and a != b and a in units and b in units:
                pairs.append((a, b))
            elif a and not b and zh_first:
                _label(units, by_alias, a, en, text, m.end())
    _fold_pairs(units, by_alias, pairs, chinese)
    # 「資訊科技部」 and "Information Technology", both of the corporate office: one unit in two languages
    by_function: dict[tuple[int, str | None], list[str]] = {}
    for label, unit in units.items():
        f = glosses.function(label)
        if f is not None and unit.parent:  # under one known unit: two top-level pages may be two units
            by_function.setdefault((f, unit.parent), []).append(label)
    for same in by_function.values():
        zh = [lab for lab in same if PURE_CJK.fullmatch(lab)]
        en = [lab for lab in same if not re.search(r"[\u3400-\u9fff]", lab)]
        if len(zh) == 1 and len(en) == 1:
            _fold_pairs(units, by_alias, [(zh[0], en[0])], chinese)


LABEL_AFTER = re.compile(r"[ \t]*(?:[（(]([A-Z][A-Za-z&/]{1,6})[)）])?[ \t]*[：:]")


def _label(units: dict, by_alias: dict[str, str], unit: str, english: str, text: str, end: int) -> None:
    """「前堂部 Front Office (FO)：接待處、禮賓組……」: a line labelled by a unit's two names gives the English one,
    and its short form, as aliases (a name in a sentence, 「包括薪酬組 Payroll 及…」, needs both found as units)."""
    m = LABEL_AFTER.match(text, end)
    if not m or len(english.split()) > 5 or english.split()[-1].lower() in lexicon()["post_words_en"]:
        return
    for name in (english, m.group(1)):
        if name and key(name) not in by_alias and len(key(name)) >= 2:
            by_alias[key(name)] = unit
            units[unit].aliases.append(name)


def _fold_pairs(units: dict, by_alias: dict[str, str], pairs: list[tuple[str, str]], chinese: bool) -> None:
    for zh, en in pairs:
        zh, en = by_alias.get(key(zh), zh), by_alias.get(key(en), en)  # where earlier folds took them
        if zh == en or zh not in units or en not in units or zh in lineage(units, en) or en in lineage(units, zh):
            continue
        if not (PURE_CJK.fullmatch(zh) and not re.search(r"[\u3400-\u9fff]", en)):
            continue
        keep, form = (zh, en) if chinese else (en, zh)
        fold(units, by_alias, form, keep)


def acronyms(units: dict, by_alias: dict[str, str], sources) -> None:
    """"Site Reliability Engineering" is also "SRE" when the documents write SRE."""
    text = "\n".join(s.text for s in sources)
    for unit in units.values():
        words = [w for w in re.findall(r"[A-Za-z][\w'-]*", unit.label) if w.lower() not in {"and", "of", "the", "for"}]
        if len(words) < 2 or CJK.search(unit.label):
            continue
        acro = "".join(w[0] for w in words).upper()
        if len(acro) >= 3 and key(acro) not in by_alias and re.search(rf"(?<![A-Za-z]){acro}(?![A-Za-z])", text):
            by_alias[key(acro)] = unit.label
            unit.aliases.append(acro)
