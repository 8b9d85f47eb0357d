"""Business functions (IT support, legal, payroll, …) a question is about, and whether a corpus covers them.

The words come from topics.txt, a general lexicon in English and Chinese. Ingest counts how many distinct
words of each function the documents use; a question whose functions the documents never talk about is
one they do not cover, however close its wording comes to them: the scope model weighs that as one
signal among the retrieval ones (measured on leave-one-corpus-out dev, eval/calibration.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.text import fold_simplified

TOPICS_FILE = Path(__file__).with_name("topics.txt")
COVERED = 3  # distinct words of a function the documents must use for it to count as covered
LONGEST = 4  # words in the longest English term looked up
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[-/&.+'][a-z0-9]+)*")


@dataclass(frozen=True)
class Lexicon:
    """Every term, folded as text is folded before lookup, with its function."""

    latin: dict[str, str]  # "password reset" -> "it_support"
    chinese: dict[str, str]  # "报销" -> "finance_accounting" (Simplified; may hold Latin letters: "it服务台")
    lengths: tuple[int, ...]  # the lengths of the Chinese terms, longest first


@lru_cache(maxsize=1)
def lexicon(path: Path = TOPICS_FILE) -> Lexicon:
    """topics.txt read once: sets, not a compiled regex (an alternation of 2,500 terms takes ~70 ms to
    compile, a third of a cold `ask`)."""
    latin: dict[str, str] = {}
    chinese: dict[str, str] = {}
    function = ""
    # Folded as a whole (line breaks survive): one script conversion instead of 2,500 (~35 ms)
    for line in fold_simplified(path.read_text(encoding="utf-8")).splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            function = line[1:-1].strip()
            continue
        if line.isascii():
            latin.setdefault(" ".join(_LATIN_WORD.findall(line)), function)
        else:
            chinese.setdefault(line, function)
    latin.pop("", None)
    return Lexicon(latin, chinese, tuple(sorted({len(t) for t in chinese}, reverse=True)))


def topics(text: str, lex: Lexicon | None = None) -> dict[str, set[str]]:
    """{function: the distinct terms of it in `text`}: English words and phrases (a plural counts as its
    singular), Chinese terms anywhere in the Simplified-folded text."""
    lex = lex or lexicon()
    low = fold_simplified(text)
    found: dict[str, set[str]] = {}
    words = _LATIN_WORD.findall(low)
    for i in range(len(words)):
        for n in range(1, min(LONGEST, len(words) - i) + 1):
            phrase = " ".join(words[i : i + n])
            for form in (phrase, phrase[:-1] if phrase.endswith("s") else "", phrase[:-2] if phrase.endswith("es") else ""):
                function = lex.latin.get(form)
                if function:
                    found.setdefault(function, set()).add(form)
                    break
    if lex.chinese and not low.isascii():
        for i in range(len(low)):
            if low[i].isascii() and not low[i].isalnum():
                continue
            for n in lex.lengths:
                function = lex.chinese.get(low[i : i + n])
                if function:
                    found.setdefault(function, set()).add(low[i : i + n])
    return found


def presence(texts: Iterable[str]) -> dict[str, list[str]]:
    """{function: the distinct terms of it the documents use} (kept in the index metadata)."""
    lex = lexicon()
    seen: dict[str, set[str]] = {}
    for text in texts:
        for function, terms in topics(text, lex).items():
            seen.setdefault(function, set()).update(terms)
    return {function: sorted(terms) for function, terms in sorted(seen.items())}


def uncovered(question: str, covered: dict[str, list[str]] | None) -> float | None:
    """The share of the business functions a question is about that the documents never talk about (none of
    the question's terms of it is in them, and they use fewer than COVERED of its terms): 1.0 for "my VPN
    is down" over a marketing handbook. None when it names no function or the index does not know (built
    before topics were counted)."""
    if covered is None:
        return None
    asked = topics(question)
    if not asked:
        return None
    missing = [f for f, terms in asked.items() if len(covered.get(f) or ()) < COVERED and terms.isdisjoint(covered.get(f) or ())]
    return len(missing) / len(asked)
