"""One unit written several ways, merged into one: 「社會課救助股」 is 社會課's 救助股, 「經建課」 is 「經濟建設課」
shortened, 「請先洽會計室」 is 會計室 with the words before it, and 品質部 is what 質量管理部 was called before
(othernames.py: a name in the other language, an acronym, a short label spelled out). Left apart, each form
would be a unit of its own: its passages and answers split from the unit's, and the compound's parent never set.
"""

from __future__ import annotations

import re

from assistant.verdict.taxonomy import name_key as key

from .names import CJK, FORMER, _suffixes, alias_leads, ends_in_unit_word, is_cjk_unit, words_re

# Words that end a run before a unit's name when a sentence was read as part of it: 「請先洽」, 「原由」,
# 「的品質部更名為」 (not 与/和/及: 「招聘与配置组」 is a name; not 经/交/为: 经营管理部, 交通科, 为民服务中心)
LEAD_IN = re.compile(r"[洽请請找向由的给給到否或]")
PURE_CJK = re.compile(r"[\u3400-\u9fff]+")


def merge(units: dict, by_alias: dict[str, str]) -> None:
    """Fold compounds, lead-ins and short forms into the unit they name (in place, parents kept)."""
    for label in sorted((lab for lab in units if PURE_CJK.fullmatch(lab)), key=len, reverse=True):
        if label in units:
            _compound(units, by_alias, label)
    for label in sorted(units, key=len):
        if label in units and units[label].how not in ("title", "heading"):
            full = expanded(units, label) if PURE_CJK.fullmatch(label) else _expanded_en(units, label)
            if full:
                fold(units, by_alias, label, full)


def renamed(units: dict, by_alias: dict[str, str], sources) -> None:
    """「品質部更名為質量管理部」, "the Interfaces team was renamed Integrations": the old name is the new unit's
    alias, and what the documents still say under it is the new unit's (lexicon.yaml `rename_markers`;
    `renamed_from_markers` name the old one after: "Integrations (formerly the Interfaces team)")."""
    from .prose import mention_at

    for markers, old_first in (("rename_markers", True), ("renamed_from_markers", False)):
        pattern = words_re(markers)
        for src in sources:
            for line in src.text.split("\n"):
                for m in pattern.finditer(line):
                    before = mention_at(line[: m.start()], by_alias, end=True)
                    after = mention_at(line[m.end() :], by_alias, end=False)
                    old, new = (before, after) if old_first else (after, before)
                    if (
                        old
                        and new
                        and old != new
                        and old in units
                        and new in units
                        and not _children(units, old)
                    ):
                        fold(units, by_alias, old, new)


def merged(units: dict, by_alias: dict[str, str], sources) -> None:
    """「撤销会计核算科和税务管理科，合并设立“核算税务科”」: the units the sentence names before the merge are the new
    unit's old names (lexicon.yaml `merge_markers`); a unit with sub-units there (「财务核算部下设的…」) is their parent,
    not merged."""
    from .prose import mention_at

    pattern = words_re("merge_markers")
    for src in sources:
        for line in src.text.split("\n"):
            for m in pattern.finditer(line):
                new = mention_at(line[m.end() :].lstrip(" “\"'「『"), by_alias, end=False)
                for old in named_in(re.split(r"[。；;!?！？]|\.\s", line[: m.start()])[-1], by_alias):
                    if new and old != new and old in units and new in units and not _children(units, old):
                        fold(units, by_alias, old, new)


def named_in(clause: str, by_alias: dict[str, str]) -> list[str]:
    """The known units a clause names, each by its longest name there (「会计核算科和税务管理科」: both; 「质量管理部计量室」
    is 计量室 only when 计量室 is known, not 质量管理部 too). A Chinese name counts anywhere, a Latin one as whole words
    ("TE" is not in "tenancy")."""
    text = key(clause)

    def within(k: str) -> bool:
        return k in text if CJK.search(k) else re.search(rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])", text) is not None

    found = [k for k in by_alias if len(k) >= 2 and within(k)]
    # in the order the units were found, not a set's: the order in which old names are folded into a unit
    # would otherwise change with Python's string hashing from one run to the next
    return list(dict.fromkeys(by_alias[k] for k in found if not any(k != o and k in o for o in found)))


def abbreviates(short: str, name: str) -> bool:
    """ "Sample Mgmt", "Instr. Eng.", "LabOps" shorten "Sample Management", "Instrument Engineering",
    "Lab Operations": word for word, each short word the long one's first letter and then some of its
    letters in order, one at least cut."""
    short = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", short)  # "LabOps", "InfoSec"
    cut = [w for w in re.split(r"[\s.]+", short.replace("&", " & ")) if w]
    whole = [w for w in re.split(r"[\s.]+", name.replace("&", " & ")) if w]
    if len(cut) != len(whole) or len(cut) < 2 or short.lower() == name.lower():
        return False
    pairs = list(zip((w.lower() for w in cut), (w.lower() for w in whole), strict=True))
    return all(c[0] == w[0] and _in_order(c, w) for c, w in pairs) and any(len(c) < len(w) for c, w in pairs)


def claimed(units: dict, by_alias: dict[str, str], clashes: list[tuple[str, str]], sources) -> None:
    """A unit whose parenthesis gives another unit's name as its own is that unit: 「四、门诊部（门诊办）」
    beside a table's 「门诊办」, 「医学影像科（原放射科）」, "People (formerly Human Resources)". A Chinese short
    name that starts as the unit does needs no more; otherwise the parenthesis must say so (简称, 原, formerly;
    "Payroll (HR)" is Payroll in HR, not HR)."""
    leads = f"{alias_leads().pattern}|{'|'.join(FORMER)}"
    text = "\n".join(src.text for src in sources)
    for label, name in clashes:
        other = by_alias.get(key(name))
        if label not in units or other not in units or other == label or other != name or _children(units, other):
            continue
        if other in lineage(units, label) or label in lineage(units, other):
            continue
        said = re.search(rf"{re.escape(label)}\s*[（(][^（()）]*?(?:{leads})[^（()）]*?{re.escape(name)}", text, re.I)
        if said or (PURE_CJK.fullmatch(name) and PURE_CJK.fullmatch(label) and name[0] == label[0]):
            fold(units, by_alias, other, label)


def _expanded_en(units: dict, short: str) -> str | None:
    """The one longer unit an English "X Team" is short for: its words but "Team" all in it ("Income Team" <
    "Income Management", within whose section it may be written), or the end of its name ("Contact Centre" <
    "Customer Contact Centre"; but "Estates Helpdesk" is a part of "Estates & Facilities", not its name);
    or the one it abbreviates word for word ("Sample Mgmt" < "Sample Management")."""
    spelled = [label for label in units if not PURE_CJK.fullmatch(label) and abbreviates(short, label)]
    if len(spelled) == 1:
        return spelled[0]
    words = short.split()
    if len(words) < 2 or not ends_in_unit_word(short):
        return None
    own = {w.lower() for w in words[:-1]}
    team = words[-1].lower() in ("team", "teams")
    found = []
    for label in units:
        if (
            label == short
            or PURE_CJK.fullmatch(label)
            or key(label) == key(short)
            or (not team and label in lineage(units, short))
        ):
            continue
        if (
            team
            and len(label.split()) >= len(words)
            and own <= {w.lower() for w in re.findall(r"[\w&'-]+", label)}
        ) or (not team and label.lower().endswith(" " + short.lower())):
            found.append(label)
    return found[0] if len(found) == 1 else None


def lineage(units: dict, label: str) -> list[str]:
    """`label`'s parent, its parent's parent, … (a loop in the parents ends it)."""
    out: list[str] = []
    up = units[label].parent if label in units else None
    while up and up not in out and up != label:
        out.append(up)
        up = units[up].parent if up in units else None
    return out


def _compound(units: dict, by_alias: dict[str, str], label: str) -> None:
    """「民政課自治股」 -> 自治股 under 民政課; 「經濟建設課工務股」 -> 工務股 under 經濟建設課, a unit the
    documents write only this way; 「請先洽會計室」 -> 會計室."""
    k = key(label)
    if len(k) != len(label):
        return
    tails = [
        (t, lab) for t, lab in by_alias.items() if lab != label and 2 <= len(t) < len(k) and k.endswith(t)
    ]
    if not tails:
        _under_head(units, by_alias, label)
        return
    tail_key, tail = max(tails, key=lambda tl: len(tl[0]))
    head = label[: len(label) - len(tail_key)]
    owner = by_alias.get(key(head))
    if owner and owner != tail:
        fold(units, by_alias, label, tail)
        adopt(units, tail, owner)
    elif LEAD_IN.search(head) and not is_cjk_unit(head):
        fold(units, by_alias, label, tail)
    elif len(head) >= 3 and is_cjk_unit(head):
        unit = units[label]
        units[head] = type(unit)(head, unit.parent, [], unit.source, unit.how)
        by_alias[key(head)] = head
        fold(units, by_alias, label, tail)
        adopt(units, tail, head)


def _under_head(units: dict, by_alias: dict[str, str], label: str) -> None:
    """「港營處行銷科」, 「財務處資金科」: a known unit, then a name the documents write only this way, is that
    name under the unit (the unit's name at least two characters, the rest a unit's name of three or more)."""
    k = key(label)
    for cut in range(len(k) - 3, 1, -1):
        owner = by_alias.get(k[:cut])
        tail = label[cut:]
        # not 「社工處處本部」: a tail that repeats the unit's own word (處本部, the 處's head office) names
        # nothing without it
        if owner and owner != label and is_cjk_unit(tail) and key(tail) not in by_alias and tail[0] != label[cut - 1]:
            unit = units[label]
            units[tail] = type(unit)(tail, None, [], unit.source, unit.how)
            by_alias[key(tail)] = tail
            fold(units, by_alias, label, tail)
            adopt(units, tail, owner)
            return


def expanded(units: dict, short: str) -> str | None:
    """The one longer unit `short` abbreviates: the same unit word at the end and its other characters in
    order, from the first (經建課 < 經濟建設課, 人资部 < 人力资源部), or its whole end (救助股 < 社會救助股)."""
    suffix = next((s for s in _suffixes() if short.endswith(s) and len(short) > len(s)), None)
    if suffix is None:
        return None
    stem = key(short[: -len(suffix)])
    found = []
    for label in units:
        for form in _forms(units[label], suffix):
            if form == short and label != short:  # 「门诊办」 is 门诊部, written 「门诊部（门诊办公室）」
                found.append(label)
                break
            if (
                label == short
                or not PURE_CJK.fullmatch(form)
                or len(form) <= len(short)
                or not form.endswith(suffix)
            ):
                continue
            other = key(form[: -len(suffix)])
            head = key(form[: len(form) - len(short)])
            # a short head naming no unit: 「社會」救助股, not 「超額訂單是否經」財務部
            whole_end = len(stem) >= 2 and other.endswith(stem) and len(head) <= 4 and not any(head == key(x) for x in units)
            if whole_end or (other[0] == stem[0] and _in_order(stem, other)):
                found.append(label)
                break
    return found[0] if len(found) == 1 else None


def _forms(unit, suffix: str) -> list[str]:
    """A unit's names to shorten; 「医疗保险管理办公室」 is shortened as 「…办」 (医保办), its office word cut."""
    names = [unit.label]
    if suffix in ("办", "辦"):
        offices = [n for n in names + unit.aliases if PURE_CJK.fullmatch(n) and n.endswith(("办公室", "辦公室"))]
        names += [n[:-2] for n in offices]
    return names


def _in_order(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


def _children(units: dict, label: str) -> bool:
    return any(u.parent == label for u in units.values())


def cased(units: dict, by_alias: dict[str, str]) -> None:
    """A unit found first in capitals ("FINANCE & OPERATIONS", a heading's style) is labelled as the documents
    write it elsewhere ("Finance & Operations")."""
    for unit in list(units.values()):
        written = next((a for a in unit.aliases if key(a) == key(unit.label) and not a.isupper()), None)
        if unit.label.isupper() and written:
            old = unit.label
            units[written] = units.pop(old)
            unit.label, unit.aliases = written, [a for a in unit.aliases if a != written]
            repoint(units, by_alias, old, written)


def adopt(units: dict, child: str | None, parent: str | None) -> None:
    """`parent` becomes `child`'s parent when it has none yet and that makes no loop."""
    if child and parent and child != parent and not units[child].parent and child not in lineage(units, parent):
        units[child].parent = parent


def fold(units: dict, by_alias: dict[str, str], form: str, into: str) -> None:
    """`form`'s names become `into`'s aliases; its parent and children follow."""
    gone, unit = units.pop(form), units[into]
    for name in (gone.label, *gone.aliases):
        if key(name) != key(unit.label) and name not in unit.aliases:
            unit.aliases.append(name)
    if unit.parent == form:
        unit.parent = gone.parent if gone.parent != into else None
    if gone.parent and not unit.parent and gone.parent != into:
        unit.parent = gone.parent
    repoint(units, by_alias, form, into)


def repoint(units: dict, by_alias: dict[str, str], old: str, new: str) -> None:
    """Names and children that pointed at `old` point at `new` (a unit never its own parent)."""
    for k, lab in list(by_alias.items()):
        if lab == old:
            by_alias[k] = new
    for other in units.values():
        if other.parent == old:
            other.parent = new if other.label != new else None
