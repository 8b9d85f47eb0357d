"""The answer path. Every surface (CLI, web chat, Slack, eval) calls `answer()` and nothing else."""

from __future__ import annotations

import re

from assistant.corrections import apply as apply_corrections
from assistant.errors import UsageError
from assistant.index import minilm
from assistant.index.embedder import embed_queries
from assistant.index.keyword import unstemmed
from assistant.index.resources import resources
from assistant.models import Alternative, Answer, Citation, Hit, Side
from assistant.retrieval.retriever import DEFAULT_FUSION, Query, clauses, make_query, search
from assistant.settings import Settings
from assistant.text import clean, family, in_script, script
from assistant.verdict import rarity
from assistant.verdict.clauses import attribute
from assistant.verdict.topics import uncovered
from assistant.verdict.verdict import HEDGE, decide

QUOTE_LIMIT = 3  # citations for the verdict itself
FOREIGN_BELOW = 0.2  # the share of passages in the question's language under which it counts as foreign
POOL = 16  # chunks the verdict's ranker looks at (the first k of them are the evidence that is cited)
# A short question that leans on the previous one: 「那在VR科技公司呢?」, "what about company C?"
FOLLOW_UP = re.compile(
    r"^\s*(那|那麼|那么|還有|还有|如果|要是|換成|换成|and\b|what about|how about|in\b|at\b|for\b)|呢\s*[??]?\s*$", re.I
)


def _is_follow_up(question: str) -> bool:
    """Leans on the previous question: 「那在VR科技公司呢?」, "what about company C?". A short but
    complete question such as 「新媒體歸誰?」 stands alone."""
    return bool(FOLLOW_UP.search(question))


def answer(
    question: str,
    *,
    history: list[str] | None = None,
    settings: Settings | None = None,
    k: int | None = None,
    fusion: str = DEFAULT_FUSION,
    abstain: bool = True,
) -> Answer:
    """Which department owns the work in `question`, with verbatim citations, or a reasoned abstention.

    `history` holds the asker's earlier questions in this conversation (oldest first); a short
    follow-up such as 「那在VR科技公司呢?」 is read together with the last one.
    """
    if not isinstance(question, str):
        raise UsageError("the question must be text")
    store, embedder = resources(settings)
    settings = store.settings
    text = clean(question).strip()
    if len(text) > settings.max_question_chars:
        raise UsageError(
            f"the question is {len(text)} characters; keep it under {settings.max_question_chars}"
        )
    lang = script(text)
    taxonomy = store.taxonomy
    mentioned = [label for label, _ in taxonomy.mentions(text, loose=True)]
    # Department names in the question are handled as mentions, not as evidence: otherwise
    # 「展會供電要找生產技術部嗎?」 retrieves the chunk that *names* 生產技術部 instead of the one about 展會.
    stripped = taxonomy.strip(text) if mentioned else text
    # ... unless nothing but words most units' passages use is left: "Which team owns the Billing product?"
    # asks about Billing (KeywordIndex.generic).
    about_department = bool(mentioned) and all(w in store.generic for w in store.keyword.content_words(stripped))
    query = make_query(text if about_department else stripped, store)
    follow_up = bool(history and text and _is_follow_up(text))
    if follow_up:
        prev_text = clean(history[-1]).strip()
        prev_mentions = [label for label, _ in taxonomy.mentions(prev_text, loose=True)]
        previous = make_query(taxonomy.strip(prev_text) if prev_mentions else prev_text, store)
        query = Query(
            text=f"{previous.text} {text}",
            expansions=previous.expansions + query.expansions,
            company=query.company or previous.company,
            glossed=previous.glossed | query.glossed,
        )
        mentioned = mentioned or prev_mentions
    k = k or settings.k
    vector, parts = None, None
    if text and fusion != "keyword":  # the question and its clauses in one pass
        # A follow-up joined to the question before it is one question, not two clauses to match apart.
        split = [] if follow_up else clauses(query.text, store.keyword.content_words)
        vector, *parts = embed_queries(embedder, [query.text, *split])
    pool = search(store, embedder, query, max(k, POOL), fusion, vector, parts) if text else []
    raw = unstemmed(query.text, store.keyword.vocabulary)  # cut once: clauses, coverage, unit and rarity signals read it
    content = store.keyword.content_words(query.text, raw)
    if any(h.chunk.clauses for h in pool):
        pool = attribute(pool, set(content), store.keyword.content_words)
    hits = pool[:k]
    # An English question reads English passages closer through MiniLM: a signal for the ranker's choice.
    english: dict[str, float] = {}
    if lang == "en" and pool and store.english is not None and (model := minilm.model(settings.cache_dir)) is not None:
        english = store.english_similarities(model.embed([query.text])[0], [h.chunk.id for h in pool])
    coverage = store.keyword.coverage(query.text, query.glossed, content)
    # A question in another language than (nearly all of) the sources shares few words with them.
    cross = (1.0 - store.chinese_share if lang == "en" else store.chinese_share) < FOREIGN_BELOW
    yardstick = (store.meta.get("background") or {}).get(family(lang))
    verdict = decide(
        query, hits, taxonomy, mentioned, coverage, about_department, cross=cross, abstain=abstain,
        background=yardstick, pool=pool, offtopic=store.offtopic_similarity(vector),
        lexical=(store.meta.get("lexical") or {}).get(family(lang)),
        uncovered=uncovered(text, store.meta.get("topics")), english=english,
        # which unit the question is about, for the ranker (departments read from the documents only)
        profiles=store.unit_closeness(vector) if taxonomy.derived else None,
        words=store.word_owners(content, family(lang) if cross else "") if taxonomy.derived else None,
        rare=rarity.features(store.keyword.used(raw), settings.cache_dir),
    )

    if verdict.abstain:  # a correction (issue 12) may still answer what the documents do not
        return apply_corrections(Answer(
            question=text,
            department=None,
            confidence=0.0,
            answer=_abstain_text(verdict.abstain, lang, taxonomy),
            alternatives=[],
            abstained=True,
            reason=verdict.abstain,
            lang=lang,
            signals=verdict.features | {"candidates": verdict.candidates},
        ), store, embedder)

    citations: list[Citation] = []
    by_chunk: dict[str, int] = {}

    def cite(hit: Hit) -> int:
        c = hit.chunk
        if c.id not in by_chunk:
            citations.append(Citation(len(citations) + 1, c.id, c.source, c.section, (c.line_start, c.line_end), c.text,
                                      c.location))
            by_chunk[c.id] = len(citations)
        return by_chunk[c.id]

    dept = verdict.department
    backing = [h for label, hs in verdict.support.items() if taxonomy.is_under(label, dept) for h in hs]
    # Lead with a plain statement of the duty; a hedge ("some companies…") belongs to the depends part.
    backing.sort(key=lambda h: (bool(HEDGE.search(h.chunk.text)), h.chunk.owner != dept, -h.score))
    if not backing:  # named in the question only: cite where the text says what it does
        backing = [h for h in hits if dept in h.chunk.departments][:1]
    for h in backing[:QUOTE_LIMIT]:
        cite(h)
    sides = [Side(label, context, tuple(cite(h) for h in hs)) for label, context, hs in verdict.depends]
    alternatives = [Alternative(label, round(s / verdict.ranked[0][1], 3)) for label, s in verdict.ranked[:5]]
    ans = Answer(
        question=text,
        department=dept,
        confidence=verdict.confidence,
        answer=_answer_text(dept, sides, citations, lang, taxonomy),
        alternatives=alternatives,
        depends=sides,
        citations=citations,
        lang=lang,
        signals=verdict.features | {"candidates": verdict.candidates},
    )
    # A RACI row behind the answer names who is accountable (its A unit): shown beside the owner.
    accountable = next((h.chunk.accountable for h in backing[:QUOTE_LIMIT]
                        if h.chunk.accountable and h.chunk.owner == dept), None)
    if accountable and accountable != dept:
        ans.accountable = accountable
        shown = taxonomy.name(accountable, lang) if accountable in taxonomy else accountable
        ans.answer += f" (accountable: {shown})" if lang == "en" else f"（accountable: {shown}）"
    fixed = apply_corrections(ans, store, embedder)  # issue 12: a matching correction decides, cited first
    if fixed is not ans:
        return fixed  # quoted as written: an LLM never rephrases a correction
    if settings.llm:  # issue 7: an LLM may phrase it; assistant/llm.py validates it or falls back to `ans`
        from assistant.llm import phrase

        return phrase(ans, hits, verdict, taxonomy, settings)
    return ans


def _context_name(context: str, lang: str, contexts: dict | None) -> str:
    """「公司B: VR科技公司」 → "Company B (VR科技公司)" for English (the corpus's `contexts` words);
    一般/部分公司 → usually/some companies."""
    if lang != "en":
        return context or "一般"
    if contexts:
        m = re.match(rf"{re.escape(contexts['marker'])}\s*([A-Z])\s*[::]\s*(.+)", context or "")
        if m:
            return f"{(contexts.get('en') or contexts['marker']).capitalize()} {m.group(1)} ({m.group(2)})"
    return {"部分公司": "some companies", "一般": "usually"}.get(context, context or "usually")


def _first_sentence(quote: str, limit: int = 90) -> str:
    m = re.search(r"[。;;!?]", quote)
    cut = quote[: m.end()] if m else quote
    return cut if len(cut) <= limit else cut[:limit] + "…"


def _answer_text(dept: str, sides: list[Side], citations: list[Citation], lang: str, taxonomy) -> str:
    quote = _first_sentence(citations[0].quote) if citations else ""
    name = taxonomy.name(dept, lang)
    if sides and not any(s.context for s in sides):
        # An organisation's own documents give the work to more than one unit: name them, no "usually".
        refs = ["".join(f"[{i}]" for i in s.citations) for s in sides]
        if lang == "en":
            named = "; ".join(f"{taxonomy.name(s.department, lang)} {r}" for s, r in zip(sides, refs, strict=True))
            return f"The sources give this to more than one unit: {named}. Most likely {name}."
        named = ";".join(f"{taxonomy.name(s.department, lang)}{r}" for s, r in zip(sides, refs, strict=True))
        return in_script(f"資料把這項工作分給不只一個部門:{named}。最可能是{dept}。", lang)
    if sides:
        parts = []
        for s in sides:
            where = _context_name(s.context, lang, taxonomy.contexts)
            refs = "".join(f"[{i}]" for i in s.citations)
            parts.append(
                f"{where}: {taxonomy.name(s.department, lang)} {refs}"
                if lang == "en"
                else f"{where}:{taxonomy.name(s.department, lang)}{refs}"
            )
        if lang == "en":
            return f"It depends on how the company splits the work. Most likely {name}; the sources also say: " + "; ".join(parts) + "."
        return in_script(f"要看公司怎麼分工。最可能是{dept};資料中的說法:" + ";".join(parts) + "。", lang)
    if lang == "en":
        return f"This is {name}'s job. The source says: 「{quote}」 [1]"
    return in_script(f"這是{dept}的工作。原文:「{quote}」[1]", lang)


def _abstain_text(reason: str, lang: str, taxonomy) -> str:
    roots = taxonomy.roots()[:8]
    covered = "、".join(roots)
    if lang == "en":
        if reason == "injection":
            return "I only answer which department owns a piece of work, from the company's sources; I can't follow other instructions."
        if reason == "empty":
            return "Please ask a question in words, e.g. \"Who writes press releases?\""
        if not roots:  # no unit found in the documents: listing none would read as a bug
            return "The sources don't say who owns this, so I won't guess. I found no department named in them."
        return (
            "The sources don't say who owns this, so I won't guess. They cover the duties of: "
            + ", ".join(taxonomy.name(r, "en") for r in roots)
            + "."
        )
    if reason == "injection":
        text = "我只回答「某項工作歸哪個部門」,依據公司資料;其他指令恕不執行。"
    elif reason == "empty":
        text = "請用文字提問,例如「新聞稿歸誰管?」"
    elif not roots:
        text = "資料裡沒有說這件事歸誰,所以不猜。資料裡也沒有找到任何部門。"
    else:
        text = f"資料裡沒有說這件事歸誰,所以不猜。資料涵蓋的是這些部門的職責:{covered}。"
    return in_script(text, lang)
