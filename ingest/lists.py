"""Units a list or a labelled line names: each item opens with a unit's name and goes on with its duties.

How duty lists without a heading per unit are written: a public body's regulation (「（二）政策法规处。负责
起草……」), a labelled line (「人事处：负责……」, "Human Resources: responsible for recruiting …") or a list
("2. Data Engineering — maintains the warehouse …"). The verbs that open duties are in lexicon.yaml.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .names import DETERMINERS, DETERMINERS_ZH, NUMBERING, is_cjk_unit, lexicon, name_like


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    def alternation(name: str) -> str:
        return "|".join(re.escape(str(v)) for v in sorted(lexicon()[name], key=len, reverse=True))

    zh = alternation("duty_verbs_zh")
    numbered_zh = re.compile(rf"\s*[。：:，,．.、]?\s*(?:{zh})")
    labelled_zh = re.compile(rf"\s*[：:]\s*(?:{zh})")  # unnumbered: 「人事处：负责……」
    # "Finance: handles …", "Data Engineering — maintains …", "Legal - the team responsible for …"
    en = re.compile(
        rf"^([A-Z][\w&'/.-]*(?:[ \t]+[\w&'/.-]+){{0,4}}?)[ \t]*(?::|[ \t]—|[ \t]–|[ \t]-{{1,2}})[ \t]*"
        rf"(?:(?:the|a)[ \t]+(?:\w+[ \t]+){{0,2}}?)?(?:is[ \t]+|are[ \t]+)?(?:{alternation('duty_verbs_en')})\b",
        re.IGNORECASE,
    )
    return numbered_zh, labelled_zh, en


def listed_units(text: str) -> list[str]:
    """Unit names that open list items or labelled lines followed by their duties, in order."""
    numbered_zh, labelled_zh, en = _patterns()
    roles = {str(w).lower() for w in lexicon()["role_words"]}
    found = []
    for line in text.split("\n"):
        numbered = NUMBERING.match(line)
        rest = line[numbered.end() :] if numbered else re.sub(r"^[\s*•·+-]+", "", line)
        run = re.match(r"[\u4e00-\u9fff]{2,16}", rest)
        if run:
            # the shortest unit name the duties follow: 「食品生产安全监督管理科。分析……」, not 「…监督」+「管理」
            for end in range(2, len(run.group(0)) + 1):
                name = rest[:end]
                if is_cjk_unit(name) and name[0] not in DETERMINERS_ZH and (numbered_zh if numbered else labelled_zh).match(rest, end):
                    found.append(name)
                    break
            continue
        m = en.match(re.sub(r"[*_`]+", "", rest))
        if m:
            name = m.group(1).strip()
            words = name.split()
            # a person's role ("Hiring manager: approves …") or a sentence's opening ("The form: …") is no unit
            if name_like(name) and words[-1].lower() not in roles and words[0].lower() not in DETERMINERS:
                found.append(name)
    return found
