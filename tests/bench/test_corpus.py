"""The benchmark corpus: the bundled text kept byte for byte, grown to the asked size, reused when built."""

from __future__ import annotations

import pytest

from bench import corpus as benchcorpus
from corpus import DIR

pytestmark = [pytest.mark.slow, pytest.mark.server]


def test_corpus_keeps_the_bundled_text_and_reaches_the_size(tmp_path):
    info = benchcorpus.build(400, tmp_path / "c")
    assert info["chunks"] >= 400 and info["parts"]["bundled"] > 100
    for f in DIR.glob("*.txt"):
        assert (tmp_path / "c" / f.name).read_bytes() == f.read_bytes()  # eval citations stay verbatim
    assert benchcorpus.build(400, tmp_path / "c") == info  # reused, not rebuilt
    roles = list((tmp_path / "c" / "roles").rglob("*.md"))
    assert roles and roles[0].read_text(encoding="utf-8").startswith("# 第")
