"""whosejob: answers "whose job is this?" with a department and verbatim citations.

The folders follow the data: `ingest/` (top level) builds `index/`; `retrieval/` searches it; `verdict/`
picks the department; `answer.py` is the one answer path; `surfaces/` (CLI, web, Slack) render its
`Answer`. Evaluation (`eval/`) and benchmarks (`bench/`) sit beside this package, not inside it.
"""
