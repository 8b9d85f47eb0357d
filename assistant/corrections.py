"""Corrections: "in our company this is X's job", said once and cited from then on.

A correction is one JSON line {id, question, department, note, who, when} in
`WHOSEJOB_HOME/corrections.jsonl` (or `WHOSEJOB_CORRECTIONS`). It decides the question it was made
for and the questions that mean the same (a paraphrase, the other Chinese script, English) and
nothing else. The answer path (`apply`) then answers with the correction's department, cites the
correction first (its note quoted verbatim, its author and date named) and, when the documents say
otherwise, shows the documents' department as the other side.

Matching, in order:
1. the same question up to width, case, script and punctuation (`fold`): always a match;
2. otherwise a score of three similarities between the question and the correction's question, each
   0..1, averaged: the cosine of their embeddings (the index's own embedder, on the folded text), the
   cosine of the embeddings of their *topics* (the content words without the "who does it" frame;
   English words read through the corpus glossary as the source's Chinese terms), and the overlap
   (Dice) of the topics' characters and character pairs. A match needs `THRESHOLD`, or
   `CROSS_THRESHOLD` between English and Chinese (embeddings of a sentence and its translation sit
   further apart than two sentences in one language), chosen so that no question of the eval sets
   and no same-topic-other-duty question matched (tests/test_corrections.py measures it on pairs it
   was not chosen on too; README "Corrections" has the figures).

The department comes only from the record's `department` field and must be a label the taxonomy
knows; the note is text that is quoted, never read for instructions.
"""

from __future__ import annotations

import difflib
import getpass
import json
import os
import re
import secrets
import tempfile
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from assistant.errors import UsageError
from assistant.models import Alternative, Answer, Citation, Side
from assistant.settings import Settings
from assistant.text import clean, fold, in_script, script

FIELDS = ("id", "question", "department", "note", "who", "when")
NOTE_MAX = 2000  # characters of a note
WHO_MAX = 100
THRESHOLD = 0.75  # same language (Chinese either script, or English both): see the module docstring
CROSS_THRESHOLD = 0.65  # an English question against a Chinese correction or the other way round
LOCK_TIMEOUT = 30.0  # seconds a writer waits for another one
NOTE_SHOWN = 120  # characters of the note in the answer text (the citation quotes it whole)
# English words that frame a "who does it" question rather than say what the work is.
_FRAME_WORDS = (
    "who whom whose which what where when why how do does did is are was were be been the a an of to for in on at "
    "our my we i you me it that this these those should can could would will shall ask talk about handle handles "
    "handled own owns owned belong belongs department departments team teams unit decide decides decided charge "
    "responsible responsibility job work set sets go contact ping look after take takes care usually normally "
    "company"
)
EN_FRAME = frozenset(_FRAME_WORDS.split())


@dataclass(frozen=True)
class Correction:
    id: str
    question: str
    department: str  # a canonical label of the taxonomy (checked when it is made and when it is used)
    note: str  # free text from the person who made it: quoted, never obeyed
    who: str
    when: str  # ISO 8601, UTC
    line: int = 0  # 1-based line in the corrections file: where its citation points

    def record(self) -> dict:
        return {k: getattr(self, k) for k in FIELDS}

    @property
    def date(self) -> str:
        return self.when[:10]


@dataclass(frozen=True)
class Match:
    correction: Correction
    department: str  # canonical label
    score: float  # 1.0 for the same question
    exact: bool


# --- the file --------------------------------------------------------------------------------------


def _lock(path: Path):
    from filelock import FileLock

    return FileLock(str(path) + ".lock", timeout=LOCK_TIMEOUT)


_cache: dict[str, tuple[tuple, list[Correction]]] = {}
_cache_lock = threading.Lock()


def _parse(text: str) -> list[Correction]:
    out = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except ValueError:
            continue  # a damaged line is skipped, never fatal
        if not isinstance(raw, dict) or not all(
            isinstance(raw.get(k), str) for k in ("id", "question", "department")
        ):
            continue
        out.append(
            Correction(
                id=raw["id"],
                question=raw["question"],
                department=raw["department"],
                note=str(raw.get("note") or ""),
                who=str(raw.get("who") or ""),
                when=str(raw.get("when") or ""),
                line=n,
            )
        )
    return out


def load(settings: Settings) -> list[Correction]:
    """Every correction, oldest first (re-read only when the file changed)."""
    path = settings.corrections_path
    try:
        st = path.stat()
    except FileNotFoundError:
        return []
    stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
    with _cache_lock:
        hit = _cache.get(str(path))
        if hit and hit[0] == stamp:
            return hit[1]
    try:
        items = _parse(path.read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        return []
    with _cache_lock:
        _cache[str(path)] = (stamp, items)
    return items


def default_who() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


def check_department(name: str, taxonomy) -> str:
    """The canonical label for `name` (a label or alias in any script), or a UsageError naming the nearest labels."""
    label = taxonomy.canonical(name or "")
    if label:
        return label
    names: dict[str, str] = {}
    for dep in taxonomy:
        for n in (dep.label, dep.en, *dep.aliases):
            names.setdefault(fold(n), dep.label)
    close = difflib.get_close_matches(fold(name or ""), list(names), n=8, cutoff=0.3)
    nearest = list(dict.fromkeys(names[c] for c in close))[:3]
    hint = f"; nearest: {', '.join(nearest)}" if nearest else ""
    raise UsageError(f"unknown department {name!r}{hint} (see `whosejob departments`)")


def add(
    settings: Settings, question: str, department: str, note: str = "", who: str | None = None, taxonomy=None
) -> Correction:
    """Append one correction (under the file lock, one whole line): safe from any number of writers.

    `department` must already be a known label when `taxonomy` is not given; with it, aliases resolve.
    """
    question = " ".join(clean(question or "").split())
    if not question:
        raise UsageError("the question of a correction is empty")
    if len(question) > settings.max_question_chars:
        raise UsageError(
            f"the question is {len(question)} characters; keep it under {settings.max_question_chars}"
        )
    if taxonomy is not None:
        department = check_department(department, taxonomy)
    if not department:
        raise UsageError("a correction needs a department")
    note = clean(note or "").strip()
    if len(note) > NOTE_MAX:
        raise UsageError(f"the note is {len(note)} characters; keep it under {NOTE_MAX}")
    who = " ".join(clean(who or default_who()).split())[:WHO_MAX] or "unknown"
    path = settings.corrections_path
    path.parent.mkdir(parents=True, exist_ok=True)
    with _lock(path):
        taken = {c.id for c in load(settings)}
        cid = secrets.token_hex(4)
        while cid in taken:
            cid = secrets.token_hex(4)
        when = datetime.now(UTC).isoformat(timespec="seconds")
        fix = Correction(cid, question, department, note, who, when)
        data = (json.dumps(fix.record(), ensure_ascii=False) + "\n").encode("utf-8")
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":  # a hand edit left no final newline
                data = b"\n" + data
            os.write(fd, data)  # one write of a whole line, O_APPEND
            os.fsync(fd)
        finally:
            os.close(fd)
    return replace(fix, line=_line_of(settings, cid))


def _line_of(settings: Settings, cid: str) -> int:
    return next((c.line for c in load(settings) if c.id == cid), 0)


def _rewrite(path: Path, text: str) -> None:
    """Replace the file in one rename: a reader sees the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(prefix=".corrections-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def remove(settings: Settings, cid: str) -> Correction:
    """Delete one correction by id (the earlier answer comes back); an unknown id is a UsageError."""
    path = settings.corrections_path
    if not path.exists():
        raise UsageError(f"no correction {cid!r}: there are no corrections yet ({path})")
    with _lock(path):
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
        found = None
        kept = []
        for line in lines:
            c = _parse(line)
            if c and c[0].id == cid and found is None:
                found = c[0]
                continue
            kept.append(line)
        if found is None:
            raise UsageError(f"no correction {cid!r} (see `whosejob corrections`)")
        text = "\n".join(kept)
        _rewrite(path, text if not text.strip() or text.endswith("\n") else text + "\n")
    return found


def export_cases(settings: Settings, out: Path, taxonomy) -> int:
    """Eval cases (eval/cases.jsonl schema) that pin each correction: its question → its department."""
    lines = []
    for c in load(settings):
        label = taxonomy.canonical(c.department)
        if not label:
            continue
        case = {
            "id": f"correction-{c.id}",
            "question": c.question,
            "departments": [label],
            "lang": script(c.question),
            "kind": "direct",
        }
        lines.append(json.dumps(case, ensure_ascii=False))
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _rewrite(out, "".join(line + "\n" for line in lines))
    return len(lines)


def citation_valid(cite: dict, path: Path, cache: dict[str, str] | None = None) -> bool:
    """A correction's citation is right when the line it names holds a correction whose note (or, with
    no note, its question) is the quote, word for word."""
    cache = {} if cache is None else cache
    key = f"correction:{path}"
    if key not in cache:
        try:
            cache[key] = path.read_text(encoding="utf-8")
        except OSError:
            cache[key] = ""
    start, end = cite["lines"]
    if start != end:
        return False
    found = [c for c in _parse(cache[key]) if c.line == start]
    return bool(found and cite["quote"]) and cite["quote"] == (found[0].note or found[0].question)


# --- matching ------------------------------------------------------------------------------------

_PUNCT = re.compile(r"[\W_]+")
_vectors: dict[tuple[str, str], np.ndarray] = {}
_topics: dict[tuple[str, str], str] = {}
_memo_lock = threading.Lock()
MEMO_MAX = 20_000


def same_question(a: str, b: str) -> bool:
    """Equal after width, case, script and punctuation are folded away (新媒體歸誰? = 新媒体归谁)."""
    ka = _PUNCT.sub("", fold(a))
    return bool(ka) and ka == _PUNCT.sub("", fold(b))


def topic(text: str, store) -> str:
    """What the question is about: its content words (the 'who does it' frame dropped), folded; an English
    question read through the corpus glossary as the source's Chinese terms when it has them."""
    from assistant.retrieval.retriever import glossary_terms

    key = (
        f"{store.settings.corpus}\n{store.meta.get('generation', '')}",
        text,
    )  # the vocabulary is the index's
    with _memo_lock:
        if key in _topics:
            return _topics[key]
    terms, _ = glossary_terms(text, store.settings.corpus)
    if script(text) == "en" and terms:
        out = fold(" ".join(terms))
    else:
        from assistant.index.keyword import stem

        frame = {stem(w) for w in EN_FRAME}  # content words come stemmed ("responsible" -> "respons")
        words = [w for w in store.keyword.content_words(text) if not (w.isascii() and w.lower() in frame)]
        out = fold(" ".join([*words, *terms])).strip() or fold(text)
    with _memo_lock:
        if len(_topics) > MEMO_MAX:
            _topics.clear()
        _topics[key] = out
    return out


def _grams(text: str) -> set[str]:
    out: set[str] = set()
    for w in text.split():
        if w.isascii():
            out.add(w)
        else:
            out.update(w)
            out.update(w[i : i + 2] for i in range(len(w) - 1))
    return out


def dice(a: str, b: str) -> float:
    """Overlap of two topics: characters and character pairs (whole words for Latin text)."""
    ga, gb = _grams(a), _grams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def _embed(embedder, texts: list[str]) -> np.ndarray:
    """Unit vectors, each text embedded once per process and embedder (one batched call for the new ones)."""
    from assistant.index.embedder import embed_array, spec_name

    name = spec_name(embedder)
    with _memo_lock:
        have = {t: _vectors.get((name, t)) for t in dict.fromkeys(texts)}
    todo = [t for t, v in have.items() if v is None]
    if todo:
        arr = np.asarray(embed_array(embedder, todo), dtype=np.float32)
        arr = arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12)
        have.update(zip(todo, arr, strict=True))
        with _memo_lock:
            if len(_vectors) > MEMO_MAX:
                _vectors.clear()
            _vectors.update(((name, t), have[t]) for t in todo)
    return np.stack([have[t] for t in texts])


def scores(question: str, others: list[str], store, embedder) -> list[float]:
    """The match score of `question` against each of `others` (see the module docstring)."""
    if not others:
        return []
    q_topic = topic(question, store)
    o_topics = [topic(o, store) for o in others]
    n = len(others)
    vecs = _embed(embedder, [fold(question), q_topic, *(fold(o) for o in others), *o_topics])
    whole = vecs[2 : 2 + n] @ vecs[0]
    about = vecs[2 + n :] @ vecs[1]
    overlap = np.array([dice(q_topic, t) for t in o_topics])
    return [float(x) for x in (np.clip(whole, 0, 1) + np.clip(about, 0, 1) + overlap) / 3]


def threshold(a: str, b: str) -> float:
    """The score two questions need to mean the same: lower between English and Chinese."""
    return CROSS_THRESHOLD if (script(a) == "en") != (script(b) == "en") else THRESHOLD


def match(question: str, store, embedder, items: list[Correction] | None = None) -> Match | None:
    """The correction that decides `question`, if any: the same question first (the latest one made),
    else the one whose score clears its threshold by the most. Records whose department the taxonomy
    does not know are skipped."""
    taxonomy = store.taxonomy
    items = load(store.settings) if items is None else items
    usable = [(c, label) for c in items if (label := taxonomy.canonical(c.department))]
    if not usable or not _PUNCT.sub("", fold(question)):
        return None
    for c, label in reversed(usable):
        if same_question(question, c.question):
            return Match(c, label, 1.0, True)
    # The two cosines are at most 1 each: a correction whose topic overlap leaves the score short of its
    # threshold even then cannot match, and when none can, nothing is embedded (most questions).
    q_topic = topic(question, store)
    reach = [
        (c, label)
        for c, label in usable
        if (2 + dice(q_topic, topic(c.question, store))) / 3 >= threshold(question, c.question)
    ]
    if not reach:
        return None
    got = scores(question, [c.question for c, _ in reach], store, embedder)
    margin = [g - threshold(question, c.question) for g, (c, _) in zip(got, reach, strict=True)]
    best = max(range(len(reach)), key=lambda i: (margin[i], i))
    if margin[best] < 0:
        return None
    c, label = reach[best]
    return Match(c, label, got[best], False)


# --- the answer ----------------------------------------------------------------------------------


def apply(ans: Answer, store, embedder) -> Answer:
    """`ans` (the documents' answer) as a matching correction decides it, or `ans` itself when none matches.

    Instructions aimed at the assistant and empty questions stay refused: a correction never turns them
    into answers.
    """
    if ans.reason in ("injection", "empty"):
        return ans
    if not load(store.settings):
        return ans
    m = match(ans.question, store, embedder)
    return corrected(ans, m, store.taxonomy, store.settings) if m else ans


def citation(c: Correction, settings: Settings, n: int = 1) -> Citation:
    """The correction as a source: the file, who made it and when, its line, the note verbatim."""
    section = f"correction {c.id} · {c.who} · {c.date}"
    return Citation(
        n,
        f"correction:{c.id}",
        settings.corrections_path.name,
        section,
        (c.line, c.line),
        c.note or c.question,
    )


def _side_names(lang: str) -> tuple[str, str]:
    if lang == "en":
        return "correction", "the documents"
    return in_script("本公司更正", lang), in_script("文件", lang)


def _clip(text: str, limit: int = NOTE_SHOWN) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def corrected(ans: Answer, m: Match, taxonomy, settings: Settings) -> Answer:
    c, dept, lang = m.correction, m.department, ans.lang
    docs = [] if ans.abstained else list(ans.citations)
    citations = [citation(c, settings), *(replace(d, id=d.id + 1) for d in docs)]
    doc_dept = None if ans.abstained else ans.department
    agree = doc_dept is None or taxonomy.is_under(doc_dept, dept) or taxonomy.is_under(dept, doc_dept)
    depends: list[Side] = []
    doc_refs: tuple[int, ...] = ()
    if not agree:
        own = next((s.citations for s in ans.depends if s.department == doc_dept), None)
        others = {i for s in ans.depends if s.department != doc_dept for i in s.citations}
        ids = own if own else tuple(d.id for d in docs if d.id not in others)
        doc_refs = tuple(i + 1 for i in ids)
        ours, theirs = _side_names(lang)
        depends = [Side(dept, ours, (1,)), Side(doc_dept, theirs, doc_refs)]
    alternatives = [Alternative(dept, 1.0), *(a for a in ans.alternatives if a.department != dept)][:5]
    return Answer(
        question=ans.question,
        department=dept,
        confidence=1.0,
        answer=_text(c, dept, doc_dept if not agree else None, doc_refs, lang, taxonomy),
        alternatives=alternatives,
        depends=depends,
        abstained=False,
        reason=None,
        citations=citations,
        lang=lang,
        accountable=ans.accountable if agree else None,
        signals=ans.signals
        | {
            "correction": c.id,
            "correction_score": round(m.score, 3),
            "documents": doc_dept or (f"abstain:{ans.reason}" if ans.abstained else None),
        },
    )


def _name(label: str, lang: str, taxonomy) -> str:
    return taxonomy.name(label, lang) if label in taxonomy else label


def _text(
    c: Correction, dept: str, doc_dept: str | None, doc_refs: tuple[int, ...], lang: str, taxonomy
) -> str:
    """The short answer: the corrected department, who corrected it when, the note (verbatim, clipped),
    and what the documents say when they differ. Names and notes are never converted or interpreted."""
    refs = "".join(f"[{i}]" for i in doc_refs)
    note = _clip(c.note)
    if lang == "en":
        out = f"This is {_name(dept, lang, taxonomy)}'s job: corrected by {c.who} on {c.date} [1]"
        out += f": 「{note}」" if note else "."
        if doc_dept:
            out += f" The documents say {_name(doc_dept, lang, taxonomy)} {refs}."
        return out
    out = in_script(f"這是{dept}的工作:", lang) + f"{c.who} " + in_script(f"於 {c.date} 更正", lang) + "[1]"
    out += f":「{note}」" if note else "。"
    if doc_dept:
        out += in_script(f"文件寫的是{doc_dept}", lang) + f"{refs}。"
    return out
