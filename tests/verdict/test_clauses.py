"""A hit counts for the doer of the clause the question is about (assistant/verdict/clauses.py)."""

from assistant.models import Chunk, Hit
from assistant.verdict.clauses import attribute

TEXT = "Revenue figures: Finance owns the booked numbers, while Data owns the reporting pipeline"


def _hit(clauses=((0, 48, "Finance"), (56, 88, "Data"))) -> Hit:
    chunk = Chunk(id="c1", source="finance.md", text=TEXT, start=0, end=len(TEXT), line_start=3, line_end=3,
                  section="Finance", owner="Finance", departments=("Finance", "Data"), clauses=clauses)
    return Hit(chunk=chunk, score=0.9, dense=0.5, keyword=3.0)


def words(text: str) -> list[str]:
    return text.lower().replace(",", " ").split()


def test_the_clause_sharing_most_words_with_the_question_gives_the_owner():
    (hit,) = attribute([_hit()], {"reporting", "pipeline", "broke"}, words)
    assert hit.chunk.owner == "Data"
    # everything else about the hit is kept: it is still the same quote with the same scores
    assert hit.chunk.text == TEXT and hit.score == 0.9 and hit.chunk.id == "c1"


def test_the_owner_stays_when_its_clause_wins_ties_or_no_word_is_shared():
    assert attribute([_hit()], {"booked", "numbers"}, words)[0].chunk.owner == "Finance"
    assert attribute([_hit()], {"booked", "reporting"}, words)[0].chunk.owner == "Finance"  # a tie
    assert attribute([_hit()], {"vpn"}, words)[0].chunk.owner == "Finance"
    assert attribute([_hit(clauses=())], {"reporting", "pipeline"}, words)[0].chunk.owner == "Finance"


def test_a_clause_without_a_doer_speaks_for_the_sentences_owner():
    hit = _hit(clauses=((0, 48, ""), (56, 88, "Data")))
    assert attribute([hit], {"booked", "numbers"}, words)[0].chunk.owner == "Finance"
