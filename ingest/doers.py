"""Whose work a sentence describes: the unit it names as its subject, or hands the work to.

"Legal owns contracts", 「由市场部负责」, "goes to Payroll", "— Support sends those", "Owned by the Marketing
team"; a unit only listed, in an aside or in a later clause is no doer. The words are in ingest/lexicon.yaml.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.text import fold
from assistant.verdict.taxonomy import Taxonomy

from .names import CLAUSE as ARTICLE  # 「第五条」, 「第七條 財務處掌理事項如下」: a regulation's article
from .names import NUMBERING

BARE_NAME = re.compile(r"(?:the\s+)?(.{2,60}?)\s*[.。!！]?\s*", re.I)
ENUM = re.compile(r"^\s*(?:\d+\s*[.、)).]|[((]\d+[))]|第.步\s*[::]|[①-⑳])\s*")
# "就是常說的X" / "即X": the text names the department a duty belongs to.
NAMES_OWNER = re.compile(r"(?:就是常說的|就是常说的|也就是|即)\s*$")
# Where a later clause starts: a unit named after it is not the subject of the sentence's first duty.
CLAUSE_BREAK = re.compile(r"[；;。]|\bbut\b|\bhowever\b|但是?|不过|不過|然而")
# A sentence that ends by naming a unit after "is"/":"/"—" gives it the work it started with.
ENDS_WITH = re.compile(r"(?:\bis|\bare|[:：—–-])\s*(?:the\s+)?$", re.I)
SUBJECT_LEADS = re.compile(r"由|下[设設]|另[设設]|其中|本")  # words before a unit that still make it the subject
LEAD_WINDOW = 12  # a department named this close to the start of a sentence is its subject
HANDOFF_OPENS = 16  # "Owned by the X team": a name this close to the start, after a hand-off phrase


# Markdown's link and emphasis marks around a name: "Owned by the [Marketing team](/teams/marketing)"
# reads as "Owned by the  Marketing team …" (the same length, so a name's offset still holds).
MARKUP = re.compile(r"\]\([^)\s]*\)|[\[\]*`]")


def _plain(sentence: str) -> str:
    return MARKUP.sub(lambda m: " " * len(m.group()), sentence)


def owner(sentence: str, mentions: list[tuple[str, int]], taxonomy: Taxonomy) -> tuple[str | None, bool]:
    """(department, named up front) for a sentence: the one it names first (or as 'known as X'), else
    the one it hands the work to ("goes to Payroll", 「由市场部负责」, "— Support sends those")
    outside parentheses. Only a name up front carries over to the lines that follow."""
    sentence = _plain(sentence)
    numbering = ENUM.match(sentence) or ARTICLE.match(sentence)  # 「第七條 財務處掌理事項如下」 opens with its unit
    skip = len(numbering.group(0)) if numbering else 0
    skip += len(sentence) - len(sentence.lstrip("-*+• \t"))
    bare = BARE_NAME.fullmatch(sentence[skip:])
    named = taxonomy.resolve(bare.group(1)) if bare and mentions else None
    if named:
        return named, True  # an FAQ's answer that is only a name: "The Health & Safety Office."
    # A curated taxonomy names few, distinct units; names read from documents are surer as the subject.
    window = 2 if taxonomy.derived else LEAD_WINDOW
    # a numbered item that opens with a unit's name: 「（四）食品生产安全监督管理科。分析……」
    numbered = NUMBERING.match(sentence)
    for label, pos in mentions:
        # 「依品保部判定結果……」: a Chinese word before a found name makes it no subject (but 「由X」, 「下設X」)
        led = not (taxonomy.derived and re.search(r"[\u3400-\u9fff]", SUBJECT_LEADS.sub("", sentence[skip:pos])))
        if (pos - skip <= window and led) or (numbered and pos == numbered.end()):
            return label, True
        if NAMES_OWNER.search(sentence[:pos]):
            return label, True
    open_mentions = [
        (i, label, pos) for i, (label, pos) in enumerate(mentions)
        # an aside, or a later clause: 「…；计量器具的校准不在此列，由计量室负责」, "… — but X owns"
        if not (_in_parens(sentence, pos) or CLAUSE_BREAK.search(sentence[:pos]))
    ]
    for i, label, pos in open_mentions:
        before = sentence[max(0, pos - 16) : pos]
        rest = _after_name(sentence[pos : pos + 60], taxonomy)
        closing = ENDS_WITH.search(before) and not re.search(r"[\w\u3400-\u9fff]", rest)
        # "goes to X", 「由X负责」, "X owns", "… is IT Helpdesk.", "Dashboards and data access: Data & Analytics."
        passive = PASSIVE_BY.search(before) and not THING_AFTER.match(rest)
        if _handoff().search(before) or passive or _agent().match(rest) or closing:
            return _specific(label, pos, mentions[i:], taxonomy), False
    if open_mentions and _not_us().search(sentence):
        # "Not us: …": the work is the last unit's the sentence names
        i, label, pos = open_mentions[-1]
        return _specific(label, pos, mentions[i:], taxonomy), False
    return None, False


def with_doers(pieces: list[tuple[int, int]], text: str, taxonomy: Taxonomy) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """`pieces` of a line with each sentence that says whose the one before it is joined to it, and
    {index: that unit} for the joined ones: the passage then quotes the owner it is answered with
    (leave-one-corpus-out dev 0.7178 -> 0.7174 against two chunks; the quote is the point)."""
    doers = _passive_doers([text[s:e] for s, e in pieces], taxonomy) if len(pieces) > 1 else {}
    out: list[tuple[int, int]] = []
    joined: dict[int, str] = {}
    n = 0
    while n < len(pieces):
        if n in doers:
            joined[len(out)] = doers[n]
            out.append((pieces[n][0], pieces[n + 1][1]))
            n += 2
        else:
            out.append(pieces[n])
            n += 1
    return out, joined


def _passive_doers(sentences: list[str], taxonomy: Taxonomy) -> dict[int, str]:
    """{i: unit} for a sentence that names no doer and is followed, in the same line, by one that opens by
    handing work to a unit: "`#launches` – what ships this week. Owned by the Marketing team and …",
    「…形成经营周报。由市场部负责。」: the second sentence says whose the first one is."""
    out = {}
    for i in range(1, len(sentences)):
        mentions = taxonomy.mentions(sentences[i])
        if not mentions or mentions[0][1] > HANDOFF_OPENS:
            continue
        if _handoff().search(_plain(sentences[i][: mentions[0][1]])) and not owner(
            sentences[i - 1], taxonomy.mentions(sentences[i - 1]), taxonomy
        )[0]:
            doer = owner(sentences[i], mentions, taxonomy)[0]
            if doer:
                out[i - 1] = doer
    return out


# Where one sentence's clauses part: 「工位由行政部准备，电脑及系统账号由信息技术部开通」, "…; Legal reviews …";
# an aside in parentheses is a clause of its own: 「出具8D报告（与客户的沟通由市场部负责）」.
CLAUSE = re.compile(r"\s*[（(]|[)）]?[，,；;。]\s*|[)）]\s*|\s+(?:while|whereas)\s+")


def clauses(sentence: str, owner: str | None, taxonomy: Taxonomy) -> tuple[tuple[int, int, str], ...]:
    """(start, end, doer) of each clause, when the sentence hands work to a unit other than its owner in a
    clause of its own; the answer then reads the clause the question is about. A doer is a unit the clause
    hands work to or names doing it (「由X」, "X owns"); a unit only listed (「诸如…社群运营…」) is none."""
    cuts = [0] + [p for m in CLAUSE.finditer(sentence) for p in (m.start(), m.end())] + [len(sentence)]
    out = []
    for a, b in zip(cuts[::2], cuts[1::2], strict=True):
        part = sentence[a:b]
        if not part.strip():
            continue
        doer, mentions = "", taxonomy.mentions(part)
        for i, (label, pos) in enumerate(mentions):
            if _handoff().search(part[max(0, pos - 16) : pos]) or _agent().match(_after_name(part[pos : pos + 60], taxonomy)):
                doer = _specific(label, pos, mentions[i:], taxonomy)
                break
        out.append((a, b, doer))
    return tuple(out) if len(out) > 1 and any(d and d != owner for _, _, d in out) else ()


def _specific(label: str, pos: int, following: list[tuple[str, int]], taxonomy: Taxonomy) -> str:
    """"Finance & Accounting (Payroll)": the more specific of the names right after `label`."""
    near = [lab for lab, p in following if p - pos <= 40]
    return next((lab for lab in reversed(near) if label in taxonomy.ancestors(lab)), label)


def _after_name(after: str, taxonomy: Taxonomy) -> str:
    """The text right after the unit's name that starts `after`."""
    found = taxonomy.mentions(after)
    if not found or found[0][1] > 1:
        return after
    dep = taxonomy.departments.get(found[0][0])
    head = fold(after)
    names = sorted((fold(n) for n in ((dep.label, *dep.aliases) if dep else ())), key=len, reverse=True)
    for name in names:
        at = head.find(name)
        if 0 <= at <= 1:
            return after[at + len(name) :]
    return after


@lru_cache(maxsize=1)
def _agent() -> re.Pattern:
    """Verbs right after a name that make that unit the doer ("Legal owns", 「财务部负责」)."""
    from ingest.names import lexicon

    words = sorted((str(w) for w in lexicon()["agent_after"]), key=len, reverse=True)
    return re.compile(r"\s*(?:team\s+)?(?:" + "|".join(re.escape(w) for w in words) + r")(?![a-z])", re.I)


@lru_cache(maxsize=1)
def _not_us() -> re.Pattern:
    from ingest.names import lexicon

    return re.compile("|".join(re.escape(str(w)) for w in lexicon()["not_us"]), re.I)


@lru_cache(maxsize=1)
def _handoff() -> re.Pattern:
    """Phrases that hand a duty to the unit named right after them (ingest/lexicon.yaml)."""
    from ingest.names import lexicon

    words = sorted((str(w) for w in lexicon()["handoff_before"]), key=len, reverse=True)
    alt = "|".join(re.escape(w) if not w.isascii() else rf"(?<![A-Za-z]){re.escape(w)}" for w in words)
    return re.compile(rf"(?:{alt})\s*(?:the\s+)?$", re.I)


# Any passive's agent: "references are provided by HR", "cards are issued by Campus Security", unless the
# name only qualifies a thing ("triggered by the People & Culture starter form").
PASSIVE_BY = re.compile(r"(?<![A-Za-z])[a-z]{2,}(?:ed|en|wn|ne|nt|pt|lt|id|ld|ught)\s+by\s*(?:the\s+)?$", re.I)
THING_AFTER = re.compile(r"\s*(?!(?:and|or|to|on|in|at|for|from|within|who|which|so|when|if|before|after|using|through|with|"
                         r"by|as|via|once|until|team|teams)\b)[a-z]")


def _in_parens(sentence: str, pos: int) -> bool:
    before = sentence[:pos]
    return before.count("(") + before.count("（") > before.count(")") + before.count("）")
