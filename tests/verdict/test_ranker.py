"""The ranker's candidate features (assistant/verdict/ranker.py)."""

from assistant.models import Chunk, Hit
from assistant.verdict.ranker import FEATURES, candidates
from assistant.verdict.taxonomy import Taxonomy

TAXONOMY = Taxonomy.from_dict({"Platform": {}, "Recruiting": {}})


def _hit(cid: str, owner: str, text: str, score: float, dense: float) -> Hit:
    chunk = Chunk(id=cid, source="team.md", text=text, start=0, end=len(text), line_start=1, line_end=1,
                  section=owner, owner=owner)
    return Hit(chunk=chunk, score=score, dense=dense, keyword=0.0)


HITS = [
    _hit("a", "Recruiting", "Recruiting makes sure the process is fair and documented.", 0.6, 0.30),
    _hit("b", "Platform", "SRE runs the incident process for production outages and postmortems.", 0.5, 0.20),
]


def test_english_closeness_is_a_feature_of_every_candidate():
    cands = candidates(HITS, TAXONOMY, [], False, english={"a": 0.10, "b": 0.55})
    assert set(FEATURES) <= set(cands["Platform"])
    assert cands["Platform"]["english"] == 1.0  # MiniLM reads the outage passage closest
    assert round(cands["Recruiting"]["english"], 6) == round(0.10 / 0.55, 6)
    assert cands["Recruiting"]["dense"] == 1.0  # while the multilingual cosine prefers the other one


def test_without_english_closeness_it_is_the_multilingual_one():
    """A Chinese question, or passages MiniLM did not read: the feature falls back to the dense cosine."""
    for english in (None, {}):
        cands = candidates(HITS, TAXONOMY, [], False, english=english)
        assert all(f["english"] == f["dense"] for f in cands.values())
    mixed = candidates(HITS, TAXONOMY, [], False, english={"b": 0.55})  # "a" is not an English passage
    assert mixed["Platform"]["english"] == 1.0 and round(mixed["Recruiting"]["english"], 6) == round(0.30 / 0.55, 6)
