"""Text normalization shared by ingest and queries: width, case and Chinese script folding."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Invisible characters that only get in the way of matching (zero-width, BOM, bidi marks).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@lru_cache(maxsize=2)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    return _converter("t2s").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def clean(text: str) -> str:
    """Drop control and invisible characters and lone surrogates; keep everything a person typed."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    return _CONTROL.sub(" ", _INVISIBLE.sub("", text))


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def fold(text: str) -> str:
    """Matching form: NFKC (full/half width), lower case, Traditional script with variants folded.

    Going through Simplified first folds variant spellings the source mixes (關系/關係, 發布/發佈)
    onto one Traditional form, so the query and the corpus meet whichever the user typed.
    """
    text = unicodedata.normalize("NFKC", clean(text)).lower()
    return to_traditional(to_simplified(text))


def fold_simplified(text: str) -> str:
    """Like `fold` but ending in Simplified script: what the word segmenter was trained on."""
    return to_simplified(unicodedata.normalize("NFKC", clean(text)).lower())


def script(text: str) -> str:
    """Guess the writer's script: 'en', 'zh-Hans' or 'zh-Hant'."""
    cjk = _CJK.findall(text)
    # English words against Chinese characters: "Who owns 拉新?" is English, 「slogan誰定」 Chinese.
    if not cjk or 1.5 * len(_LATIN_WORD.findall(text)) > len(cjk):
        return "en"
    joined = "".join(cjk)
    simp = sum(a != b for a, b in zip(joined, to_traditional(joined), strict=False))
    trad = sum(a != b for a, b in zip(joined, to_simplified(joined), strict=False))
    return "zh-Hans" if simp > trad else "zh-Hant"


def is_chinese(text: str) -> bool:
    """Is this passage written in Chinese? (Code, names and URLs in it are Latin letters: a third of them
    against every Chinese character.)"""
    return sum("\u3400" <= ch <= "\u9fff" for ch in text) >= sum(ch.isascii() and ch.isalpha() for ch in text) / 3


def chinese_share(texts) -> float:
    """The share of these passages (the first 2000) that are Chinese: a corpus can be both (READMEs in
    English and Chinese), so a question is in a foreign language only if few of its passages share it."""
    sample = list(texts)[:2000]
    return sum(map(is_chinese, sample)) / len(sample) if sample else 0.0


def family(lang: str) -> str:
    """'en' or 'zh': similarity levels differ between English and Chinese questions, not between scripts."""
    return "en" if lang == "en" else "zh"


def in_script(text: str, lang: str) -> str:
    """Render Traditional-source text in the asker's script (quotes in citations stay verbatim)."""
    return to_simplified(text) if lang == "zh-Hans" else text


def has_content(text: str) -> bool:
    """True when the text has at least one letter, digit or CJK character."""
    return any(ch.isalnum() for ch in text)
