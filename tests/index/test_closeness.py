import numpy as np
import pytest

from assistant.index.closeness import CLAUSE_WEIGHT, closeness, unit


def test_a_question_of_several_clauses_counts_its_best_clause_too():
    """A passage that matches one clause of a long question exactly gets half of its closeness from that
    clause, so it can beat a passage that is only near the question's mix of clauses."""
    rows = unit(np.eye(3, dtype=np.float32))
    whole = [1.0, 1.0, 1.0]
    parts = [[1.0, 0.0, 0.0], [0.0, 0.7, 0.7]]
    plain = closeness(rows, whole)
    assert plain == pytest.approx(np.full(3, 1 / np.sqrt(3)), abs=1e-6)
    blended = closeness(rows, whole, parts)
    best_part = np.array([1.0, 1 / np.sqrt(2), 1 / np.sqrt(2)])
    assert blended == pytest.approx((1 - CLAUSE_WEIGHT) * plain + CLAUSE_WEIGHT * best_part, abs=1e-6)
    assert int(np.argmax(blended)) == 0  # the passage about the first clause now leads


def test_vectors_of_any_length_are_scaled_to_one():
    m = unit([[3.0, 4.0], [0.0, 0.0]])
    assert m[0] == pytest.approx([0.6, 0.8]) and np.isfinite(m).all()


def test_unit_means_are_each_units_mean_direction_across_blocks(monkeypatch):
    """Read a block at a time (vectors.npy may be memory-mapped): the same as averaging each unit's unit
    vectors at once, whatever the block size and wherever a unit's rows fall; rows without an owner count for none."""
    from assistant.index import closeness

    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(11, 4)).astype(np.float32) * rng.uniform(0.5, 3.0, size=(11, 1)).astype(np.float32)
    owners = ["B", "A", None, "B", "C", "A", "A", "", "C", "B", "A"]
    want = {}
    for u in "ABC":
        rows = closeness.unit(vectors[[i for i, o in enumerate(owners) if o == u]])
        mean = rows.mean(axis=0)
        want[u] = mean / np.linalg.norm(mean)
    for block in (1, 3, 4, 100):
        monkeypatch.setattr(closeness, "MEANS_BLOCK", block)
        units, matrix = closeness.unit_means(vectors, owners)
        assert units == ["A", "B", "C"]
        assert all(np.allclose(matrix[i], want[u], atol=1e-6) for i, u in enumerate(units))
    assert closeness.unit_means(vectors, [None] * 11) is None
