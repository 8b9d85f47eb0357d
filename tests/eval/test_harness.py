import json

import pytest

from assistant.errors import EvalCasesError
from assistant.models import Answer
from assistant.verdict.taxonomy import for_corpus
from corpus import DIR
from eval.harness import Case, calibration_error, compare, default_cases_path, is_correct, load_cases

TAX = for_corpus(DIR)


def _ans(dept, abstained=False):
    return Answer(question="q", department=dept, confidence=0.5, answer="", abstained=abstained)


def _case(depts, abstain=False):
    return Case("x", "q", tuple(depts), abstain, "zh-Hant", "direct")


def test_scoring_rules():
    assert is_correct(_case(["運營部"]), _ans("用戶運營"), TAX)  # descendant of an accepted label
    assert not is_correct(_case(["用戶運營"]), _ans("運營部"), TAX)  # parent is not enough
    assert not is_correct(_case(["運營部"]), _ans("營運部"), TAX)
    assert not is_correct(_case(["運營部"]), _ans(None, abstained=True), TAX)
    assert is_correct(_case([], abstain=True), _ans(None, abstained=True), TAX)
    assert not is_correct(_case([], abstain=True), _ans("市場部"), TAX)


def test_own_cases_meet_the_brief():
    cases = load_cases(default_cases_path(), TAX)
    langs = [c.lang for c in cases]
    kinds = [c.kind for c in cases]
    assert len(cases) >= 150 and langs.count("zh-Hans") >= 30 and langs.count("en") >= 25
    assert kinds.count("out_of_scope") >= 15 and kinds.count("depends") + kinds.count("trap") >= 10


@pytest.mark.parametrize(
    "line,needle",
    [
        ('{"id": "a", "question": "x", "departments": ["市場部"]}\n{oops', ":2: malformed JSON"),
        ('{"id": "a", "question": "x", "departments": ["法務部"]}', "unknown department label(s) 法務部"),
        ('{"id": "a", "question": "x", "departments": ["市場部"]}\n{"id": "a", "question": "y", "departments": ["市場部"]}', "duplicate id"),
        ('{"id": "a", "question": "x", "departments": []}', "no departments"),
    ],
)
def test_case_file_errors_name_the_line(tmp_path, line, needle):
    p = tmp_path / "c.jsonl"
    p.write_text(line, encoding="utf-8")
    with pytest.raises(EvalCasesError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        load_cases(p, TAX)


def test_a_name_the_documents_use_but_the_saved_taxonomy_lacks_counts_against_the_tool(tmp_path):
    """A blind case writer answers 「產品團隊」, which the article names in a sentence: kept as written (never
    matched, so the case is wrong), while a name the documents never use is still a typo and an error."""
    p = tmp_path / "c.jsonl"
    p.write_text(json.dumps({"id": "a", "question": "x", "departments": ["產品團隊"]}, ensure_ascii=False), encoding="utf-8")
    case = load_cases(p, TAX, DIR)[0]
    assert case.departments == ("產品團隊",) and not is_correct(case, _ans("品牌部"), TAX)
    p.write_text(json.dumps({"id": "a", "question": "x", "departments": ["法務部"]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(EvalCasesError, match="unknown department label"):
        load_cases(p, TAX, DIR)


def test_aliases_in_case_files_are_normalised(tmp_path):
    p = tmp_path / "c.jsonl"
    p.write_text(json.dumps({"id": "a", "question": "x", "departments": ["公关部", "企划部"]}, ensure_ascii=False))
    assert load_cases(p, TAX)[0].departments == ("公關部", "品牌部")


def test_a_name_written_with_its_abbreviation_is_either(tmp_path):
    """Case writers put "People Operations (People Ops)" in one string: graded as the unit, not as unknown."""
    from assistant.verdict.taxonomy import Department, Taxonomy

    derived = Taxonomy({"People Operations": Department("People Operations", None, "People Operations", ("People Ops",))},
                       derived=True)
    p = tmp_path / "c.jsonl"
    rows = [{"id": "a", "question": "x", "departments": ["People Operations (People Ops)"]},
            {"id": "b", "question": "y", "departments": ["公关部（PR）"]}]
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    assert load_cases(p, derived)[0].departments == ("People Operations",)
    q = tmp_path / "d.jsonl"
    q.write_text(json.dumps(rows[1], ensure_ascii=False))
    assert load_cases(q, TAX)[0].departments == ("公關部",)


def test_calibration_error():
    assert calibration_error([(0.9, True)] * 9 + [(0.9, False)]) == pytest.approx(0.0)
    assert calibration_error([(0.9, False)] * 10) == pytest.approx(0.9)


def test_baseline_regression_rule():
    base = {"accuracy": 0.95, "citation_validity": 1.0}
    assert compare({"accuracy": 0.945, "citation_validity": 1.0}, base) == []
    assert compare({"accuracy": 0.93, "citation_validity": 1.0}, base)
    assert compare({"accuracy": 0.99, "citation_validity": 0.99}, base)


@pytest.mark.slow
def test_full_eval_run_citations_verbatim_and_baseline(built_home, home, tmp_path):
    """The regression run as CI does it, through the CLI: every citation verbatim, no accuracy drop."""
    import os
    import shutil
    import subprocess
    import sys

    shutil.copytree(built_home, home, dirs_exist_ok=True)
    env = dict(os.environ, WHOSEJOB_HOME=str(home))
    p = subprocess.run([sys.executable, "-m", "assistant.surfaces.cli", "eval", "--json", "--baseline", "eval/baseline.json"],
                       capture_output=True, env=env, timeout=300, cwd=DIR.parent)
    assert p.returncode == 0, p.stderr.decode()
    report = json.loads(p.stdout)
    assert report["citation_validity"] == 1.0 and report["citations"] > 100
    assert {"p50", "p95"} <= set(report["latency_ms"]) and {"zh-Hant", "zh-Hans", "en"} <= set(report["by_lang"])
    assert report["results"][0].keys() >= {"id", "expected", "predicted", "correct", "abstained", "confidence"}
    # a worse baseline run is caught
    worse = tmp_path / "baseline.json"
    worse.write_text(json.dumps({"accuracy": report["accuracy"] + 0.05, "citation_validity": 1.0}))
    p = subprocess.run([sys.executable, "-m", "assistant.surfaces.cli", "eval", "--baseline", str(worse)],
                       capture_output=True, env=env, timeout=300, cwd=DIR.parent)
    assert p.returncode == 1 and "regression" in p.stderr.decode()
