"""Load: many concurrent clients against the real web app (gradio_client) and the real Slack endpoint
(signed events, answers posted to a local stand-in Web API). Zero errors, and every answer identical
to the one a single user gets; throughput and p50/p95 latency are printed and written as JSON.

Default size (CI): 10 clients × 5 questions per surface. `WHOSEJOB_LOAD=full` runs 50 clients ×
20 questions. Everything stays on loopback; every loop is bounded in count and in time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.answer import _is_follow_up
from assistant.surfaces.slackbot import EVENTS_PATH
from bench.processes import free_port, percentile, stop
from tests.surfaces.test_slackbot import BOT, SECRET, TOKEN, SlackStandIn, blocks_of, mention, send_event
from tests.surfaces.test_web import _cases, _client, _start, _wait

pytestmark = [pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
FULL = os.environ.get("WHOSEJOB_LOAD", "").lower() == "full"
CLIENTS, QUESTIONS = (50, 20) if FULL else (10, 5)
DEADLINE = 600.0 if FULL else 90.0  # seconds for a whole concurrent run
REQUEST_TIMEOUT = 60.0  # seconds for one answer


def _questions(n: int) -> list[str]:
    """n distinct eval questions in all three scripts, none a follow-up: a session's earlier questions
    (gradio keeps them per client) cannot change the answer, so each must equal the single-user one."""
    picked = [c["question"] for c in _cases()[1::7] if not _is_follow_up(c["question"])]
    assert len(set(picked)) >= n
    return list(dict.fromkeys(picked))[:n]


def _run_clients(
    clients: int, questions: list[str], ask: Callable[[int, int, str], object], expected: dict[str, object]
) -> dict:
    """`clients` threads released together, each asking every question once (its own rotation):
    {"latency": [...], "errors": [...], "mismatches": [...], "wall_s": ...}."""
    latency: list[float] = []
    errors: list[str] = []
    mismatches: list[str] = []
    lock = threading.Lock()
    gate = threading.Barrier(clients)
    deadline = time.monotonic() + DEADLINE

    def client(i: int) -> None:
        try:
            gate.wait(timeout=60)
        except threading.BrokenBarrierError:
            with lock:
                errors.append(f"client {i}: barrier broken")
            return
        for j in range(len(questions)):
            q = questions[(i + j) % len(questions)]
            if time.monotonic() > deadline:
                with lock:
                    errors.append(f"client {i}: deadline passed before question {j}")
                return
            started = time.perf_counter()
            try:
                got = ask(i, j, q)
            except Exception as err:
                with lock:
                    errors.append(f"client {i} q{j}: {type(err).__name__}: {err}"[:300])
                continue
            took = time.perf_counter() - started
            with lock:
                latency.append(took)
                if got != expected[q]:
                    mismatches.append(f"client {i} q{j}: {q}")

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    wall = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(1.0, deadline + REQUEST_TIMEOUT - time.monotonic()))
    wall = time.perf_counter() - wall
    alive = sum(t.is_alive() for t in threads)
    if alive:
        errors.append(f"{alive} client threads still running after the deadline")
    return {"latency": latency, "errors": errors, "mismatches": mismatches, "wall_s": wall}


def _report(surface: str, run: dict, serial: list[float], artifacts: Path) -> dict:
    lat = run["latency"]
    total = CLIENTS * QUESTIONS
    numbers = {
        "surface": surface,
        "clients": CLIENTS,
        "questions_per_client": QUESTIONS,
        "requests": total,
        "answered": len(lat),
        "errors": len(run["errors"]),
        "mismatches": len(run["mismatches"]),
        "wall_s": round(run["wall_s"], 2),
        "throughput_answers_per_s": round(len(lat) / run["wall_s"], 2),
        "p50_s": round(percentile(lat, 0.50), 3) if lat else None,
        "p95_s": round(percentile(lat, 0.95), 3) if lat else None,
        "max_s": round(max(lat), 3) if lat else None,
        "single_user_p50_s": round(percentile(serial, 0.50), 3),
        "single_user_p95_s": round(percentile(serial, 0.95), 3),
    }
    path = artifacts / f"load-{surface}-{CLIENTS}x{QUESTIONS}.json"
    path.write_text(json.dumps(numbers, indent=1))
    print(f"\nload {surface} ({path}): {numbers}")
    return numbers


def _check(run: dict, numbers: dict, proc: subprocess.Popen, log: Path) -> None:
    code = proc.poll()
    assert code is None, f"the server exited with {code} under load:\n{log.read_text(errors='replace')[-3000:]}"
    assert not run["errors"], run["errors"][:10]
    assert not run["mismatches"], run["mismatches"][:10]
    assert numbers["answered"] == CLIENTS * QUESTIONS


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def standin():
    s = RecordingStandIn()
    yield s
    s.close()


class RecordingStandIn(SlackStandIn):
    """The stand-in Web API, plus one event per posted thread so a waiting client wakes only for its own."""

    def __init__(self):
        self.posted: dict[str, dict] = {}
        self.arrived: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        super().__init__()

    def expect(self, thread_ts: str) -> threading.Event:
        with self._lock:
            return self.arrived.setdefault(thread_ts, threading.Event())

    def reply(self, method: str, body: dict):
        if method == "chat.postMessage":
            key = str(body.get("thread_ts"))
            with self._lock:
                self.posted[key] = body
                self.arrived.setdefault(key, threading.Event()).set()
        return super().reply(method, body)


@pytest.fixture(scope="module")
def apps(built_home, standin, tmp_path_factory):
    """`whosejob serve` and `whosejob slack`, each over its own copy of the session index, started together."""
    base = tmp_path_factory.mktemp("load")
    procs: list[subprocess.Popen] = []
    try:
        shutil.copytree(built_home, base / "web")
        web, web_url = _start(base / "web", base / "web.log")
        procs.append(web)

        shutil.copytree(built_home, base / "slack")
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WHOSEJOB_", "SLACK_"))}
        env |= {"WHOSEJOB_HOME": str(base / "slack"), "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                "WHOSEJOB_SLACK_API_URL": standin.url + "/api/", "WHOSEJOB_CACHE": os.environ["WHOSEJOB_CACHE"],
                "HF_HUB_OFFLINE": "1", "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
        slack_log = base / "slack.log"
        slack = subprocess.Popen(
            [sys.executable, "-m", "assistant.surfaces.cli", "slack", "--port", str(port)],
            env=env, cwd=ROOT, stdout=slack_log.open("wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        procs.append(slack)

        _wait(web, web_url, base / "web.log")
        deadline = time.monotonic() + 120
        while "listening on" not in slack_log.read_text(errors="replace"):
            assert slack.poll() is None, slack_log.read_text()[-3000:]
            assert time.monotonic() < deadline, "whosejob slack did not start listening"
            time.sleep(0.2)
        yield {"web": web_url, "slack": f"http://127.0.0.1:{port}{EVENTS_PATH}", "procs": {"web": web, "slack": slack},
               "logs": {"web": base / "web.log", "slack": slack_log}}
    finally:
        for p in procs:
            stop(p)


# ---------------------------------------------------------------- web


def _web_ask(cl, question: str) -> tuple[str, dict]:
    """One question through /ask with a bounded wait: (the answer's HTML as shown, the answer JSON)."""
    box, chat, payload = cl.submit(question, api_name="/ask").result(timeout=REQUEST_TIMEOUT)
    assert box == ""
    return chat[-1]["content"][0]["text"], payload


def test_web_load_concurrent_clients_get_the_single_user_answers(apps, ready, artifacts):
    from concurrent.futures import ThreadPoolExecutor

    from assistant.answer import answer

    questions = _questions(QUESTIONS)
    single = _client(apps["web"])
    expected: dict[str, object] = {}
    serial: list[float] = []
    for q in questions:  # one user, one question at a time: the reference answers
        started = time.perf_counter()
        expected[q] = _web_ask(single, q)
        serial.append(time.perf_counter() - started)
        assert expected[q][1] == answer(q, settings=ready).to_dict(), q  # what the answer path says

    with ThreadPoolExecutor(8) as pool:  # each client its own gradio session, connected in parallel
        clients = list(pool.map(lambda _: _client(apps["web"]), range(CLIENTS)))
    run = _run_clients(CLIENTS, questions, lambda i, _j, q: _web_ask(clients[i], q), expected)
    _check(run, _report("web", run, serial, artifacts), apps["procs"]["web"], apps["logs"]["web"])


# ---------------------------------------------------------------- slack


def test_slack_load_concurrent_signed_events_get_the_single_user_answers(apps, standin, ready, artifacts):
    from assistant.answer import answer
    from assistant.surfaces.slackblocks import answer_blocks

    url = apps["slack"]
    questions = _questions(QUESTIONS)

    def ask(i: int, j: int, q: str) -> object:
        """A signed app_mention with its own channel, ts and event id; returns the posted answer."""
        ts = f"{1_700_000_000 + i}.{j + 1:06d}"
        arrived = standin.expect(ts)
        status, _, _ = send_event(url, mention(f"<@{BOT}> {q}", ts=ts, channel=f"C{i}"), event_id=f"Ev{i}-{j}")
        assert status == 200, status
        assert arrived.wait(REQUEST_TIMEOUT), f"no chat.postMessage for {ts} within {REQUEST_TIMEOUT:.0f}s"
        body = standin.posted[ts]
        assert body["channel"] == f"C{i}"
        return blocks_of({"body": body}), body["text"]

    expected: dict[str, object] = {}
    serial: list[float] = []
    for n, q in enumerate(questions):  # one user, one question at a time: the reference answers
        started = time.perf_counter()
        expected[q] = ask(100_000, n, q)
        serial.append(time.perf_counter() - started)
        want = json.loads(json.dumps(answer_blocks(answer(q, settings=ready))))
        assert expected[q][0] == want, q  # what the answer path says, as Block Kit

    run = _run_clients(CLIENTS, questions, ask, expected)
    _check(run, _report("slack", run, serial, artifacts), apps["procs"]["slack"], apps["logs"]["slack"])
    assert len(standin.of("chat.postMessage")) == CLIENTS * QUESTIONS + len(questions)  # one post per event
