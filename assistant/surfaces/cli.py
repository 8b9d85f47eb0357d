"""The `whosejob` command: one sub-command per job. Heavy front ends are imported only when used."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.errors import UsageError, WhosejobError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, no usage dump
        print(f"whosejob: {message} (see `{self.prog} --help`)", file=sys.stderr)
        raise SystemExit(2)


def _common(p: argparse.ArgumentParser, store: bool = True) -> None:
    p.add_argument("--home", help="where the index, feedback and logs live (env WHOSEJOB_HOME)")
    p.add_argument("--corpus", help="folder of .txt/.md source files (env WHOSEJOB_CORPUS)")
    if store:
        p.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000 (env WHOSEJOB_CHROMA_URL)")
        p.add_argument("--embedder", help="use-m3 (default) or sentence-transformers:<name or path> (env WHOSEJOB_EMBEDDER)")


def _parser() -> argparse.ArgumentParser:
    root = _Parser(prog="whosejob", description="Answers 'whose job is this?' from your company's own texts.")
    sub = root.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("ingest", help="chunk the corpus into the index (only what changed)")
    _common(p)
    p.add_argument("--force", action="store_true", help="rebuild even when nothing changed")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--strict", action="store_true", help="any file that cannot be read fails the ingest (exit 2)")

    p = sub.add_parser("ask", help="ask one question ('-' reads it from stdin)")
    _common(p)
    p.add_argument("question", help="the question, or - for stdin")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("-k", type=int, help="chunks to retrieve (default 8)")
    p.add_argument("--llm", help="LangChain chat model spec to phrase the answer (env WHOSEJOB_LLM)")
    p.add_argument("--reranker", help="local sentence-transformers CrossEncoder folder (env WHOSEJOB_RERANKER)")

    p = sub.add_parser("eval", help="score the eval set; --baseline guards against regressions")
    _common(p)
    p.add_argument("--cases", help="JSONL case file (default eval/cases.jsonl)")
    p.add_argument("--suite", help="suites of eval/suites.yaml to run, each on its own corpus: NAME[,NAME], gate, shapes or all")
    p.add_argument("--holdout", action="store_true", help="with --suite: the untouched holdout cases instead of dev")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--baseline", help="exit 1 when accuracy drops >1 point below this report")
    p.add_argument("--update-baseline", action="store_true", help="write this run as the new baseline")
    p.add_argument("--fusion", choices=("weighted", "rrf", "dense", "keyword"), default="weighted")
    p.add_argument("--calibrate", action="store_true", help="refit the scope and confidence models on every suite's dev cases")
    p.add_argument("--llm", help="LangChain chat model spec to phrase answers (env WHOSEJOB_LLM)")
    p.add_argument("--reranker", help="local sentence-transformers CrossEncoder folder (env WHOSEJOB_RERANKER)")

    p = sub.add_parser("departments", help="list the departments the answer path uses (given or derived)")
    _common(p, store=False)
    p.add_argument("--json", action="store_true")
    p.add_argument("--suggest", action="store_true", help="print the taxonomy.yaml derived from the documents")

    p = sub.add_parser("serve", help="web chat (Gradio) on http://127.0.0.1:7860")
    _common(p)
    p.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default 7860)")
    p.add_argument("--llm", help="LangChain chat model spec (env WHOSEJOB_LLM)")
    p.add_argument("--reranker", help="local sentence-transformers CrossEncoder folder (env WHOSEJOB_RERANKER)")

    p = sub.add_parser("slack", help="Slack bot (HTTP mode; Socket Mode when SLACK_APP_TOKEN is set)")
    _common(p)
    p.add_argument("--port", type=int, default=3000, help="HTTP port for /slack/events (default 3000)")
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")

    p = sub.add_parser("feedback", help="list 👍/👎 feedback and the 👎 queue; --accept ID makes a correction")
    _common(p, store=False)
    p.add_argument("--json", action="store_true")
    p.add_argument("--accept", metavar="ID", help="turn this 👎 vote into a correction (its proposed department)")
    p.add_argument("--dismiss", metavar="ID", help="close this 👎 vote without a correction")
    p.add_argument("--department", help="with --accept: this department instead of the proposed one")
    p.add_argument("--note", help="with --accept: this note instead of the proposed one")
    p.add_argument("--who", help="who reviews (default: your user name)")

    p = sub.add_parser("correct", help="say once which department owns a question: answered and cited from then on")
    _common(p)
    p.add_argument("--question", required=True, help="the question the answer was wrong for")
    p.add_argument("--department", required=True, help="the right department (a label or alias of the taxonomy)")
    p.add_argument("--note", help="why, in a sentence: quoted verbatim as the correction's citation")
    p.add_argument("--who", help="who makes it (default: your user name)")
    p.add_argument("--json", action="store_true", help="print the stored record")

    p = sub.add_parser("corrections", help="list corrections; --remove ID; --export-cases FILE")
    _common(p)
    p.add_argument("--json", action="store_true", help="one JSON record a line")
    p.add_argument("--remove", metavar="ID", help="delete this correction (the earlier answer comes back)")
    p.add_argument("--export-cases", metavar="FILE", help="write eval cases that pin each correction")

    p = sub.add_parser("bench", help="benchmarks from 1k to 100k chunks")
    _common(p)
    p.add_argument("--sizes", default="1000,10000,100000", help="comma-separated chunk counts")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", help="folder for the JSON, Markdown report and plot")
    p.add_argument("--documents", type=int, nargs="?", const=100, metavar="N",
                   help="instead: time ingest of N mixed .docx/.pdf/.html/.md/.pptx/.xlsx documents (default 100)")
    return root


def _settings(args):
    from assistant import settings

    return settings.load(
        home=args.home,
        corpus=args.corpus,
        chroma_url=getattr(args, "chroma_url", None),
        embedder=getattr(args, "embedder", None),
        llm=getattr(args, "llm", None),
        reranker=getattr(args, "reranker", None),
    )


def _read_question(arg: str) -> str:
    if arg != "-":
        return arg
    raw = sys.stdin.buffer.read()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UsageError(f"stdin is not valid UTF-8 (byte offset {err.start})") from None


def cmd_ingest(args) -> int:
    from assistant.index.resources import embedder_for
    from ingest.pipeline import run

    s = _settings(args)
    report = run(s, embedder_for(s), force=args.force, strict=args.strict)
    for skip in report.skipped:  # named with the reason; the rest was ingested
        print(f"whosejob: skipped {skip['file']}: {skip['reason']}", file=sys.stderr)
    if args.json:
        from dataclasses import asdict

        print(json.dumps(asdict(report), ensure_ascii=False))
    else:
        print(report.line())
    return 1 if report.skipped else 0


def cmd_ask(args) -> int:
    s = _settings(args)
    from assistant.index.resources import warm

    question = _read_question(args.question)
    from assistant.text import script

    warm(s, english=script(question) == "en")  # load the models while the index and libraries import
    if not question.strip():
        raise UsageError("the question is empty")
    if args.k is not None and not 1 <= args.k <= 100:
        raise UsageError("-k must be between 1 and 100")
    from assistant.answer import answer

    ans = answer(question, settings=s, k=args.k)
    if args.json:
        print(json.dumps(ans.to_dict(), ensure_ascii=False))
    else:
        from assistant.surfaces.render import as_text

        print(as_text(ans))
    return 0


def cmd_eval(args) -> int:
    from assistant.index.resources import resources
    from eval import harness as evaluation

    s = _settings(args)
    if args.suite:
        from eval import suites

        if args.calibrate:  # refit first, then report the suites asked for with the new fit
            from eval.calibration import fit_suites

            print(fit_suites(suites.load("all"), suites.ROOT, s.home), file=sys.stderr)
        reports = suites.run(suites.load(args.suite), s, holdout=args.holdout, fusion=args.fusion)
        if args.json:
            print(json.dumps(reports, ensure_ascii=False, indent=1))
        else:
            for name, report in reports.items():
                print(f"== {name} ({'holdout' if args.holdout else 'dev'})\n{evaluation.table(report)}\n")
        return 0
    tax = resources(s)[0].taxonomy  # what the answer path uses: saved, or derived at ingest
    cases = evaluation.load_cases(Path(args.cases) if args.cases else evaluation.default_cases_path(), tax, s.corpus)
    report = evaluation.run(cases, s, tax, fusion=args.fusion)
    if args.calibrate:
        from eval import suites
        from eval.calibration import fit_suites

        # Fit on every suite's dev cases (a mix of corpora), never on the holdout parts.
        print(fit_suites(suites.load("all"), suites.ROOT, s.home), file=sys.stderr)
        report = evaluation.run(cases, s, tax, fusion=args.fusion)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else evaluation.table(report))
    summary = evaluation.summary(report)
    if args.update_baseline:
        path = Path(args.baseline or "eval/baseline.json")
        path.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        print(f"baseline written to {path}", file=sys.stderr)
        return 0
    if args.baseline:
        try:
            baseline = json.loads(Path(args.baseline).read_text())
        except (OSError, ValueError):
            raise UsageError(f"baseline {args.baseline} is missing or not JSON; create it with --update-baseline") from None
        problems = evaluation.compare(report, baseline)
        changed = evaluation.flips(report, baseline)
        for what, ids in changed.items():
            if ids:
                print(f"{what.replace('_', ' ')} ({len(ids)}): {' '.join(ids)}", file=sys.stderr)
        for p in problems:
            print(f"regression: {p}", file=sys.stderr)
        if problems:
            return 1
        print(f"no regression against {args.baseline} (accuracy {report['accuracy']:.4f} vs {baseline['accuracy']:.4f})", file=sys.stderr)
    return 0


def cmd_departments(args) -> int:
    from ingest import files, units

    corpus = _settings(args).corpus
    if args.suggest:
        print(units.suggest_yaml(units.discover([files.read(p, corpus) for p in files.find(corpus)])), end="")
        return 0
    tax = units.taxonomy_of(corpus)
    if args.json:
        print(json.dumps([d.__dict__ | {"aliases": list(d.aliases)} for d in tax], ensure_ascii=False, indent=1))
        return 0

    def show(label: str, depth: int) -> None:
        d = tax.departments[label]
        aliases = f"  ({', '.join(d.aliases)})" if d.aliases else ""
        print(f"{'  ' * depth}{label} — {d.en}{aliases}")
        for child in tax.children(label):
            show(child, depth + 1)

    for root in tax.roots():
        show(root, 0)
    return 0


def cmd_serve(args) -> int:
    from assistant.surfaces.web import serve

    s = _settings(args).with_overrides(host=args.host, port=args.port)
    return serve(s) or 0


def cmd_slack(args) -> int:
    from assistant.surfaces.slackbot import run

    return run(_settings(args), host=args.host, port=args.port) or 0


def cmd_feedback(args) -> int:
    from assistant.surfaces.review import cmd_review, show  # votes, then the 👎 queue (issue 12)

    reviewed = cmd_review(args, _settings(args))
    return reviewed if reviewed is not None else show(_settings(args), as_json=args.json) or 0


def cmd_correct(args) -> int:
    from assistant.surfaces.review import cmd_correct as run

    return run(args, _settings(args))


def cmd_corrections(args) -> int:
    from assistant.surfaces.review import cmd_corrections as run

    return run(args, _settings(args))


def cmd_bench(args) -> int:
    if args.documents is not None:
        return _bench_documents(args)
    from bench.run import main

    try:
        sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    except ValueError:
        raise UsageError(f"--sizes takes comma-separated whole numbers, got {args.sizes!r}") from None
    return main(_settings(args), sizes=sizes, as_json=args.json, out=args.out) or 0


def _bench_documents(args) -> int:
    from bench.documents import main

    if args.documents < 10:
        raise UsageError(f"--documents takes 10 or more, got {args.documents}")
    return main(count=args.documents, out=args.out, as_json=args.json)


COMMANDS = {
    "ingest": cmd_ingest,
    "ask": cmd_ask,
    "eval": cmd_eval,
    "departments": cmd_departments,
    "serve": cmd_serve,
    "slack": cmd_slack,
    "feedback": cmd_feedback,
    "correct": cmd_correct,
    "corrections": cmd_corrections,
    "bench": cmd_bench,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.command:
        _parser().print_help()
        return 2
    try:
        return COMMANDS[args.command](args)
    except WhosejobError as err:
        print(f"whosejob: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("whosejob: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
