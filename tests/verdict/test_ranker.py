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


def test_unit_profiles_and_words_are_features_beside_the_others():
    """Closeness to each unit's mean passage: against the nearest candidate, and in units of the spread over
    all units (the ones no passage retrieved count in the spread). Word ownership is read as given."""
    profiles = {"Platform": 0.50, "Recruiting": 0.30, "Legal": 0.10}
    cands = candidates(HITS, TAXONOMY, [], False, profiles=profiles, words={"Recruiting": 0.7})
    assert cands["Platform"]["profile"] == 0.0 and round(cands["Recruiting"]["profile"], 6) == -0.2
    spread = (sum((v - 0.3) ** 2 for v in profiles.values()) / 3) ** 0.5
    assert round(cands["Platform"]["profile_z"], 6) == round(0.2 / spread / 4, 6)
    assert cands["Recruiting"]["profile_z"] == 0.0
    assert cands["Recruiting"]["words"] == 0.7 and cands["Platform"]["words"] == 0.0
    bare = candidates(HITS, TAXONOMY, [], False)  # a store without local vectors: no profile signal
    assert all(f["profile"] == f["profile_z"] == f["words"] == 0.0 for f in bare.values())


def test_words_place_orders_the_candidates_by_where_the_words_live():
    """The candidate whose passages hold most of the question's words is first (1.0), the next 1/2; a unit
    holding none of them has no place, however many candidates there are."""
    taxonomy = Taxonomy.from_dict({"Platform": {}, "Recruiting": {}, "Legal": {}})
    hits = [*HITS, _hit("c", "Legal", "Legal reviews contracts.", 0.4, 0.1)]
    cands = candidates(hits, taxonomy, [], False, words={"Platform": 0.2, "Recruiting": 0.6})
    assert cands["Recruiting"]["words_place"] == 1.0
    assert cands["Platform"]["words_place"] == 0.5
    assert cands["Legal"]["words_place"] == 0.0
    bare = candidates(hits, taxonomy, [], False)
    assert all(f["words_place"] == 0.0 for f in bare.values())
