"""The 👎 queue (issue 12): proposals from the web chat and Slack, reviewed in `whosejob feedback` and the Admin tab."""

from __future__ import annotations

import json
import threading

import pytest

from assistant import corrections
from assistant.errors import UsageError
from assistant.index.resources import resources
from assistant.models import Answer
from assistant.surfaces import cli, feedback, review


def _vote(settings, question: str, vote: str = "down", surface: str = "web", dept: str = "新媒體部"):
    ans = Answer(question=question, department=dept, confidence=0.8, answer=f"這是{dept}的工作。")
    return feedback.record(settings, ans, vote, surface=surface, user="U9")


def test_proposals_and_reviews_ride_in_the_feedback_file(ready):
    tax = resources(ready)[0].taxonomy
    up = _vote(ready, "新聞稿歸誰管?", "up")
    a = _vote(ready, "新媒體歸誰?")
    b = _vote(ready, "誰管報銷?", surface="slack", dept="財務部")
    assert up.id and a.id and a.id != b.id
    review.propose(ready, a.id, "企劃部", "<b>我們</b>的新媒體歸品牌部", user="amy", taxonomy=tax)
    with pytest.raises(UsageError, match="nearest"):
        review.propose(ready, b.id, "回答財務部", taxonomy=tax)
    with pytest.raises(UsageError, match="no 👎 vote"):
        review.propose(ready, "nope", "品牌部", taxonomy=tax)

    assert [v.id for v in feedback.load(ready)] == [up.id, a.id, b.id]  # proposal lines are not votes
    queue = review.queue(ready)
    assert [i.key for i in queue] == [b.id, a.id]  # newest first, 👍 never queued
    assert (queue[1].proposed, queue[1].note, queue[1].proposer) == (
        "品牌部",
        "<b>我們</b>的新媒體歸品牌部",
        "amy",
    )
    assert queue[0].proposed is None

    fix = review.accept(ready, a.id, who="lead", taxonomy=tax)
    assert (fix.question, fix.department, fix.note, fix.who) == (
        "新媒體歸誰?",
        "品牌部",
        "<b>我們</b>的新媒體歸品牌部",
        "lead",
    )
    with pytest.raises(UsageError, match="already accepted"):
        review.accept(ready, a.id, taxonomy=tax)
    with pytest.raises(UsageError, match="no proposed department"):
        review.accept(ready, b.id, taxonomy=tax)
    review.dismiss(ready, b.id, who="lead")
    assert review.queue(ready) == []
    states = {i.key: (i.status, i.correction) for i in review.items(ready)}
    assert states == {a.id: ("accepted", fix.id), b.id: ("dismissed", None)}


def test_two_admins_accepting_at_once_make_one_correction(ready):
    tax = resources(ready)[0].taxonomy
    v = _vote(ready, "新媒體歸誰?")
    review.propose(ready, v.id, "品牌部", taxonomy=tax)
    results: list = []

    def click():
        try:
            results.append(review.accept(ready, v.id, who="x", taxonomy=tax).id)
        except UsageError as err:
            results.append(str(err))

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(corrections.load(ready)) == 1
    assert sum("already accepted" in r for r in results) == 3


def test_feedback_command_shows_the_queue_and_accepts(ready, capsys):
    tax = resources(ready)[0].taxonomy
    v = _vote(ready, "新媒體歸誰?")
    w = _vote(ready, "誰管報銷?", dept="財務部")
    review.propose(ready, v.id, "品牌部", "品牌部經營新媒體", taxonomy=tax)
    home = ["--home", str(ready.home)]

    assert cli.main(["feedback", *home]) == 0
    out = capsys.readouterr().out
    assert "👎 queue" in out and f"{v.id}  新媒體部 → 品牌部 「品牌部經營新媒體」 [open]" in out
    assert f"{w.id}  財務部 → (no proposal) [open]" in out

    assert cli.main(["feedback", *home, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {(r["id"], r.get("proposed"), r.get("status")) for r in rows} == {
        (v.id, "品牌部", "open"),
        (w.id, None, "open"),
    }

    assert cli.main(["feedback", *home, "--accept", v.id, "--who", "lead"]) == 0
    assert "品牌部" in capsys.readouterr().out
    assert cli.main(["feedback", *home, "--accept", w.id]) == 2  # nothing proposed and no --department
    assert "no proposed department" in capsys.readouterr().err
    assert cli.main(["feedback", *home, "--accept", w.id, "--department", "finance"]) == 0
    assert [c.department for c in corrections.load(ready)] == ["品牌部", "財務部"]
    assert cli.main(["feedback", *home]) == 0
    assert "[accepted as correction" in capsys.readouterr().out
