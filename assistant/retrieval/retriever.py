"""Hybrid retrieval: dense (Chroma) and keyword (BM25) fused, with query normalization and expansion."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.index.embedder import check_dimension, embed_queries
from assistant.index.store import Store
from assistant.models import Hit
from assistant.text import clean, fold, fold_simplified

FUSIONS = ("weighted", "rrf", "dense", "keyword")
DEFAULT_FUSION = "weighted"
DENSE_WEIGHT = 0.5  # chosen on the eval set; see README "Retrieval"
CANDIDATES = 24  # per side, before fusion
RRF_K = 60
CLAUSE_BREAK = re.compile(r"[，,。？?！!；;]+|\.(?:\s+|$)")  # not the dot in example.com or v1.2
CLAUSE_WORDS = 2  # content words a clause needs to be searched on its own ("help??" is no topic; dev: 1 0.719, 2 0.721, 3 0.718)


@dataclass(frozen=True)
class Query:
    text: str  # what the user typed, cleaned
    expansions: tuple[str, ...]  # Chinese terms for English words (glossary)
    company: str | None  # a company block the question names, e.g. "公司B: VR科技公司"
    glossed: frozenset[str] = frozenset()  # English words the glossary understood


@lru_cache(maxsize=4)
def _glossary(path: str):
    """(English patterns, Chinese synonyms) from glossary.yaml, longest first."""
    import yaml

    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    english = []
    for term, zh in sorted((raw.get("terms") or {}).items(), key=lambda kv: -len(kv[0])):
        words = r"\s+".join(re.escape(w) for w in str(term).lower().split())
        english.append((re.compile(rf"(?<![a-z0-9]){words}(?:s|es)?(?![a-z0-9])"), tuple(zh or ())))
    chinese = sorted(((fold(k), tuple(v or ())) for k, v in (raw.get("synonyms") or {}).items()), key=lambda kv: -len(kv[0]))
    return tuple(english), tuple(chinese)


def _glossary_path(corpus: Path) -> Path | None:
    """The corpus's own glossary.yaml, if it has one: never another corpus's terms."""
    path = corpus / "glossary.yaml"
    return path if path.exists() else None


def glossary_terms(text: str, corpus: Path) -> tuple[tuple[str, ...], frozenset[str]]:
    """Chinese source terms for the English words in `text` (longest phrases first, each span once),
    and the English words that were understood."""
    path = _glossary_path(corpus)
    if path is None:
        return (), frozenset()
    english, chinese = _glossary(str(path))
    found: list[str] = []
    folded = fold(text)
    glossed: set[str] = set()
    for key, terms in chinese:
        if key in folded:
            found.extend(terms)
            glossed.add(fold_simplified(key))  # the keyword side sees Simplified words
            folded = folded.replace(key, " ")
    lowered = text.lower()
    if not re.search(r"[a-z]", lowered):
        return tuple(dict.fromkeys(found)), frozenset(glossed)
    for pattern, zh in english:
        for m in pattern.finditer(lowered):
            glossed.update(re.findall(r"[a-z0-9]+", m.group(0)))
        if pattern.search(lowered):
            found.extend(zh)
            lowered = pattern.sub(" ", lowered)
    return tuple(dict.fromkeys(found)), frozenset(glossed)


def find_company(text: str, expansions: tuple[str, ...], companies: list[str], contexts: dict | None = None) -> str | None:
    """Which example-organisation block (if any) the question is about: by its letter or its description.

    The words come from the corpus's taxonomy.yaml `contexts` (marker 公司, en "company"). A description
    counts when it comes with that word (公司A: VR科技公司 <- 「VR公司」, 「醫療那家公司」, "the healthcare
    company"), so 「廣告投放」 alone is not 互聯網廣告公司.
    """
    if not companies or not contexts:
        return None
    zh = fold(contexts["marker"])
    en = fold(contexts.get("en") or contexts["marker"])
    prefixes = [fold(p) for p in contexts.get("prefixes") or ()]
    folded = fold(text)
    extra = fold(" ".join(expansions))
    letter = re.search(rf"{re.escape(en)}\s*([a-z])\b", folded)
    says_company = zh in folded or en in folded
    parsed = []
    for company in companies:
        tag, _, desc = company.partition(":")
        tag_f, desc_f = fold(tag.strip()), fold(desc.strip())
        parsed.append((company, tag_f, desc_f))
    # The letter first (公司A, 「A公司」, "company A"): it is unambiguous.
    for company, tag_f, _ in parsed:
        tag_letter = tag_f[-1:] if tag_f[-1:].isascii() else ""
        if tag_f in folded or (letter and tag_letter == letter.group(1)):
            return company
        if tag_letter and re.search(rf"(?<![a-z]){tag_letter}\s*{re.escape(zh)}", folded):
            return company
    for company, _, desc_f in parsed:
        core = desc_f.removesuffix(zh)
        for p in prefixes:
            core = core.removeprefix(p)
        latin = "".join(re.findall(r"[a-z]+", core))
        if desc_f and desc_f in folded:
            return company
        words = f"({re.escape(zh)}|{re.escape(en)})"
        if says_company and core and (
            re.search(re.escape(core) + r".{0,4}" + re.escape(zh), folded)
            or (latin and re.search(rf"(?<![a-z]){latin}(?![a-z]).{{0,12}}{words}", folded))
            or (en in folded and (desc_f in extra or any(p + core in extra for p in prefixes) or (len(core) >= 3 and core in extra)))
        ):
            return company
    return None


def make_query(text: str, store: Store) -> Query:
    text = clean(text).strip()
    expansions, glossed = glossary_terms(text, store.settings.corpus)
    companies = list(store.companies)
    company = find_company(text, expansions, companies, store.taxonomy.contexts)
    return Query(text=text, expansions=expansions, company=company, glossed=glossed)


def clauses(text: str, content_words) -> list[str]:
    """The clauses of a question with CLAUSE_WORDS content words or more, when there are two such clauses:
    「主轴一直异响，班长说得停机检修，我应该报给哪个部门？」 gives the first two (the asking clause has none)."""
    parts = [p.strip() for p in CLAUSE_BREAK.split(text) if p.strip()]
    parts = [p for p in parts if len(content_words(p)) >= CLAUSE_WORDS]
    return parts if len(parts) >= 2 else []


def search(store: Store, embedder, query: Query, k: int, fusion: str = DEFAULT_FUSION,
           vector: list[float] | None = None, parts: list[list[float]] | None = None) -> list[Hit]:
    """The k best chunks for a query, best first (`vector`, `parts`: the embeddings of the query and of its
    `clauses`, when already made)."""
    n = max(CANDIDATES, k)
    dense: list[tuple[str, float]] = []
    keyword: list[tuple[str, float]] = []
    lower: dict[str, float] = {}
    if fusion != "keyword":
        if vector is None or parts is None:  # issue 7: the embedder's query prefix applies here
            vector, *parts = embed_queries(embedder, [query.text, *clauses(query.text, store.keyword.content_words)])
        check_dimension(store.meta, embedder, len(vector))  # a different vector space is an error, never mixed
        dense = store.dense(vector, n, parts)
    dense_by = dict(dense)
    if fusion != "dense":
        # The chunks the dense side found get their real BM25 score, and those only the keyword side
        # found their real cosine: a score missing from one side's top n is low, not zero
        # (leave-one-corpus-out dev 0.712 -> 0.715; docs/benchmarks.md, round 8).
        keyword, lower = store.keyword.search_and_score(query.text, n, list(query.expansions), also=dense_by)
        if dense:
            dense_by.update(store.similarities(vector, [cid for cid, _ in keyword if cid not in dense_by], parts))
    kw_by = dict(keyword) | lower
    scores: dict[str, float] = {}
    if fusion == "rrf":
        for ranked in (dense, keyword):
            for rank, (cid, _) in enumerate(ranked):
                scores[cid] = scores.get(cid, 0.0) + 1.0 / (RRF_K + rank)
    else:
        # Cosine is already on a 0..1-ish scale; BM25 is divided by its best score for this query,
        # with a floor so a query matching a single weak term does not look like a perfect match.
        top_kw = max([s for _, s in keyword], default=0.0)
        kw_scale = max(top_kw, 3.0)
        w = {"dense": 1.0, "keyword": 0.0}.get(fusion, DENSE_WEIGHT)
        for cid in dict.fromkeys([*dense_by, *kw_by]):
            scores[cid] = w * max(dense_by.get(cid, 0.0), 0.0) + (1 - w) * kw_by.get(cid, 0.0) / kw_scale
    if query.company:
        for cid in scores:
            if store.chunks[cid].company == query.company:
                scores[cid] *= 1.5
    # equal scores (one sentence in two files) in the chunk ids' order: the same answer in every process
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    if store.settings.reranker:  # issue 7: optional cross-encoder over the fused candidates (assistant/retrieval/rerank.py)
        from assistant.retrieval.rerank import rerank

        ranked = rerank(store.settings.reranker, query.text, ranked, store.chunks)
    ranked = ranked[:k]
    return [
        Hit(chunk=store.chunks[cid], score=s, dense=dense_by.get(cid, 0.0), keyword=kw_by.get(cid, 0.0))
        for cid, s in ranked
    ]
