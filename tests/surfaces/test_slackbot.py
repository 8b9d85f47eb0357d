"""The Slack bot end to end on loopback: real Bolt app, requests signed like Slack's, a stand-in Web API.

Nothing talks to Slack: the bot's WebClient points at `SlackStandIn` (WHOSEJOB_SLACK_API_URL), and
slash commands and button clicks carry a response_url on the same stand-in.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from assistant import settings as settings_mod
from assistant.answer import answer
from assistant.errors import ConfigError
from assistant.models import Answer, Citation, Side
from assistant.surfaces import feedback
from assistant.surfaces.slackblocks import answer_blocks, answer_from_vote, escape, from_slack, vote_value
from assistant.surfaces.slackbot import (
    COMMAND,
    EVENTS_PATH,
    build_app,
    config_from_env,
    make_server,
    parse_command,
)

ROOT = Path(__file__).resolve().parents[2]
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"
BOT = "UBOT"


# ---------------------------------------------------------------- stand-in Slack Web API


class SlackStandIn:
    """Records every Web API call and response_url post; answers like Slack would, minimally."""

    def __init__(self):
        self.calls: list[dict] = []
        self.threads: dict[str, list[dict]] = {}  # thread_ts -> messages for conversations.replies
        self.dms: dict[str, list[dict]] = {}  # channel -> messages for conversations.history
        self.auth_error: str | None = None  # e.g. "invalid_auth": auth.test refuses the token
        self.cond = threading.Condition()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self._handle(urllib.parse.urlsplit(self.path).query.encode())

            def do_POST(self):
                self._handle(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

            def _handle(self, raw: bytes):
                path = urllib.parse.urlsplit(self.path).path
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or b"{}")
                else:
                    body = {k: v[-1] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
                method = path.removeprefix("/api/") if path.startswith("/api/") else "response_url"
                call = {"method": method, "path": path, "body": body, "auth": self.headers.get("Authorization")}
                reply = standin.reply(method, body)
                with standin.cond:
                    standin.calls.append(call)
                    standin.cond.notify_all()
                data = json.dumps(reply).encode() if isinstance(reply, dict) else reply.encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json" if isinstance(reply, dict) else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True).start()

    def reply(self, method: str, body: dict):
        if method == "auth.test" and self.auth_error:
            return {"ok": False, "error": self.auth_error}
        if method == "auth.test":
            return {"ok": True, "url": "https://t.slack.com/", "team": "T", "user": "whosejob",
                    "team_id": "T1", "user_id": BOT, "bot_id": "BBOT", "is_enterprise_install": False}
        if method == "chat.postMessage":
            return {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
        if method == "conversations.replies":
            return {"ok": True, "messages": self.threads.get(body.get("ts"), []), "has_more": False}
        if method == "conversations.history":
            latest = float(body.get("latest") or "inf")
            msgs = [m for m in self.dms.get(body.get("channel"), []) if float(m["ts"]) < latest]
            return {"ok": True, "messages": msgs[::-1], "has_more": False}  # newest first, like Slack
        if method == "response_url":
            return "ok"
        if method == "views.open":  # issue 12: 👎 opens the "which department?" modal
            view = body.get("view")
            view = json.loads(view) if isinstance(view, str) else view or {}
            return {"ok": True, "view": view | {"id": "V1", "team_id": "T1", "state": {"values": {}}, "hash": "h1"}}
        return {"ok": True}

    def of(self, method: str) -> list[dict]:
        with self.cond:
            return [c for c in self.calls if c["method"] == method]

    def wait(self, method: str, n: int = 1, timeout: float = 30.0) -> list[dict]:
        """The first `n` calls of `method`, waiting up to `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len([c for c in self.calls if c["method"] == method]) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {n}× {method} within {timeout}s; calls: {[c['method'] for c in self.calls]}")
                self.cond.wait(left)
            return [c for c in self.calls if c["method"] == method][:n]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- signing and sending


def sign(body: bytes, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack adds: v0=HMAC-SHA256(secret, 'v0:{timestamp}:{body}')."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def send(url: str, body: bytes, content_type: str, headers: dict | None = None, **signing) -> tuple[int, bytes, float]:
    """POST a signed request; (status, body, seconds until the response arrived)."""
    req = urllib.request.Request(url, data=body, method="POST")
    req.add_header("Content-Type", content_type)
    for k, v in (sign(body, **signing) | (headers or {})).items():
        req.add_header(k, v)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=15) as resp:
            return resp.status, resp.read(), time.perf_counter() - start
    except urllib.error.HTTPError as err:
        return err.code, err.read(), time.perf_counter() - start


def send_event(url: str, event: dict, event_id: str = "Ev1", headers: dict | None = None, **signing):
    body = {"token": "x", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event": event,
            "event_id": event_id, "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": BOT, "is_bot": True}]}
    return send(url, json.dumps(body).encode(), "application/json", headers, **signing)


def send_command(url: str, text: str, response_url: str, **signing):
    form = {"token": "x", "team_id": "T1", "channel_id": "C1", "channel_name": "general", "user_id": "U1",
            "user_name": "amy", "command": COMMAND, "text": text, "response_url": response_url,
            "trigger_id": "1.2.3", "api_app_id": "A1"}
    return send(url, urllib.parse.urlencode(form).encode(), "application/x-www-form-urlencoded", **signing)


def send_action(url: str, action_id: str, value: str, response_url: str, **signing):
    payload = {"type": "block_actions", "user": {"id": "U2", "name": "bo"}, "team": {"id": "T1"}, "api_app_id": "A1",
               "channel": {"id": "C1"}, "container": {"type": "message", "message_ts": "1.1", "channel_id": "C1"},
               "message": {"ts": "1.1", "text": "x"}, "response_url": response_url, "trigger_id": "1.2.4",
               "actions": [{"type": "button", "action_id": action_id, "block_id": "whosejob_vote", "value": value,
                            "action_ts": str(time.time())}]}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return send(url, body, "application/x-www-form-urlencoded", **signing)


def send_view_submission(url: str, view: dict, department: str | None, note: str | None = None, **signing):
    """Submitting a modal: the view as opened, with the inputs' state filled in, as Slack posts it."""
    values = {"department": {"value": {"type": "static_select", "selected_option": (
        {"text": {"type": "plain_text", "text": department}, "value": department} if department else None)}},
        "note": {"value": {"type": "plain_text_input", "value": note}}}
    payload = {"type": "view_submission", "team": {"id": "T1", "domain": "t"}, "user": {"id": "U2", "name": "bo"},
               "api_app_id": "A1", "token": "x", "trigger_id": "1.2.5",
               "view": view | {"id": "V1", "state": {"values": values}, "hash": "h1"}}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return send(url, body, "application/x-www-form-urlencoded", **signing)


def mention(text: str, ts: str = "1700000000.000100", channel: str = "C1", thread_ts: str | None = None) -> dict:
    event = {"type": "app_mention", "user": "U1", "text": text, "ts": ts, "channel": channel, "event_ts": ts}
    return event | ({"thread_ts": thread_ts} if thread_ts else {})


def rendered_texts(obj) -> list[str]:
    """Every string Slack would render from a payload: all `text` values, at any depth (not button values)."""
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == "text" and isinstance(v, str):
                out.append(v)
            elif k == "blocks" and isinstance(v, str):  # form-encoded payloads carry blocks as a JSON string
                out += rendered_texts(json.loads(v))
            else:
                out += rendered_texts(v)
    elif isinstance(obj, list):
        for v in obj:
            out += rendered_texts(v)
    return out


def blocks_of(call: dict) -> list[dict]:
    blocks = call["body"]["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def header(blocks: list[dict]) -> str:
    return next(b["text"]["text"] for b in blocks if b["type"] == "header")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def standin():
    s = SlackStandIn()
    yield s
    s.close()


class Bot:
    def __init__(self, url: str, settings, standin: SlackStandIn):
        self.url, self.settings, self.api = url, settings, standin

    def response_url(self, name: str) -> str:
        return f"{self.api.url}/respond/{name}"


@pytest.fixture
def bot(ready, standin, monkeypatch):
    """The real Bolt app behind the real HTTP server on a free loopback port, talking to the stand-in."""
    monkeypatch.setenv("WHOSEJOB_SLACK_API_URL", standin.url + "/api/")
    s = settings_mod.load(home=ready.home)
    app = build_app(s, bot_token=TOKEN, signing_secret=SECRET, api_url=s.slack_api_url)
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield Bot(f"http://127.0.0.1:{server.server_address[1]}{EVENTS_PATH}", s, standin)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


# ---------------------------------------------------------------- pure parts


def test_escape_and_from_slack():
    assert escape("a & <b> <!here>") == "a &amp; &lt;b&gt; &lt;!here&gt;"
    assert from_slack(f"<@{BOT}> 新媒體歸誰?", BOT) == "新媒體歸誰?"
    assert from_slack("<!channel> <!here|@here> <@U9|amy> <#C1|general> <http://evil.example|x> hi", BOT) == (
        "@channel @here @amy #general x hi"
    )
    assert from_slack("a &lt;!here&gt; &amp; b") == "a <!here> & b"  # typed characters, back as typed


def test_parse_command():
    assert parse_command("新媒體歸誰?") == ("新媒體歸誰?", False)
    assert parse_command("--public 新媒體歸誰?") == ("新媒體歸誰?", True)
    assert parse_command("新媒體歸誰? --public") == ("新媒體歸誰?", True)
    assert parse_command("--public --me x") == ("x", False)
    assert parse_command("  ") == ("", False)
    assert parse_command("is --publicity mine?") == ("is --publicity mine?", False)


def test_config_names_what_is_missing():
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET"):
        config_from_env({})
    with pytest.raises(ConfigError, match="missing SLACK_SIGNING_SECRET"):
        config_from_env({"SLACK_BOT_TOKEN": "xoxb-1"})
    assert config_from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).socket_mode
    assert not config_from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}).socket_mode


def test_refused_token_is_a_config_error(standin, tmp_path):
    standin.auth_error = "invalid_auth"
    s = settings_mod.load(environ={}, home=tmp_path)
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN was refused"):
        build_app(s, bot_token="xoxb-wrong", signing_secret=SECRET, api_url=standin.url + "/api")


def test_cli_without_settings_exits_2_with_one_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")} | {"WHOSEJOB_HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "assistant.surfaces.cli", "slack"], env=env, capture_output=True,
                          text=True, timeout=60, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "SLACK_BOT_TOKEN" in proc.stderr and "SLACK_SIGNING_SECRET" in proc.stderr


HOSTILE = "<!channel> <!here> <http://evil.example|click> & <@U1>"


def test_blocks_escape_every_user_and_corpus_string():
    ans = Answer(
        question=f"{HOSTILE} 新媒體歸誰?", department=f"新媒體部{HOSTILE}", confidence=0.9, answer=f"答 {HOSTILE}",
        depends=[Side(f"運營部{HOSTILE}", f"部分公司{HOSTILE}", (1,))],
        citations=[Citation(1, "c1", f"a{HOSTILE}.txt", f"§{HOSTILE}", (3, 4), f"quote {HOSTILE}")],
    )
    texts = rendered_texts(answer_blocks(ans, echo_question=True))
    assert texts and not any(ch in t for t in texts for ch in "<>")
    assert any("&lt;!channel&gt;" in t and "&amp;" in t for t in texts)


def test_vote_value_fits_and_round_trips():
    ans = Answer(question="問" * 2000, department="新媒體部", confidence=0.97, answer="答" * 3000)
    value = vote_value(ans)
    assert len(value) <= 2000
    back = answer_from_vote(value)
    assert (back.department, back.confidence, back.abstained) == ("新媒體部", 0.97, False)
    assert back.question.startswith("問" * 100)
    short = Answer(question="新媒體歸誰?", department=None, confidence=0.0, answer="不猜", abstained=True)
    assert answer_from_vote(vote_value(short)).question == "新媒體歸誰?"


def test_blocks_of_real_answers(ready):
    ans = answer("新媒體歸誰?", settings=ready)
    blocks = answer_blocks(ans)
    assert header(blocks).startswith(f"{ans.department} · 信心 {ans.confidence:.2f}")
    assert any(b["type"] == "section" and "視情況而定" in b["text"]["text"] for b in blocks)  # the text says it varies
    quotes = [b for b in blocks if b["type"] == "context" and "§" in b["elements"][0]["text"]]
    assert len(quotes) == len(ans.citations)
    assert blocks[-1]["type"] == "actions" and len(blocks) <= 50
    abstained = answer("今天台北天氣怎麼樣?", settings=ready)
    ab = answer_blocks(abstained)
    assert abstained.abstained and header(ab) == "無法回答"
    assert any(abstained.reason in e["text"] for b in ab if b["type"] == "context" for e in b["elements"])


def test_manifest_matches_the_app():
    m = yaml.safe_load((ROOT / "slack" / "manifest.yml").read_text(encoding="utf-8"))
    assert [c["command"] for c in m["features"]["slash_commands"]] == [COMMAND]
    s = m["settings"]
    assert set(s["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    for url in (s["event_subscriptions"]["request_url"], s["interactivity"]["request_url"],
                m["features"]["slash_commands"][0]["url"]):
        assert url.endswith(EVENTS_PATH)
    assert {"app_mentions:read", "chat:write", "commands", "im:history"} <= set(m["oauth_config"]["scopes"]["bot"])
    assert m["features"]["app_home"]["messages_tab_enabled"] is True


# ---------------------------------------------------------------- the running app


@pytest.mark.server
def test_url_verification_and_bad_signatures(bot):
    body = json.dumps({"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV", "type": "url_verification"}).encode()
    status, data, _ = send(bot.url, body, "application/json")
    assert status == 200 and b"3eZbrw1aBm2rZgRNFdxV" in data
    assert bot.api.of("auth.test") and bot.api.of("auth.test")[0]["auth"] == f"Bearer {TOKEN}"

    assert send_event(bot.url, mention(f"<@{BOT}> 新媒體歸誰?"), secret="wrong-secret")[0] == 401
    stale = int(time.time()) - 5 * 60 - 5
    assert send_event(bot.url, mention(f"<@{BOT}> 新媒體歸誰?", ts="2.2"), event_id="Ev2", timestamp=stale)[0] == 401
    assert send_command(bot.url, "新媒體歸誰?", bot.response_url("bad"), secret="wrong-secret")[0] == 401
    assert send_action(bot.url, "whosejob_vote_up", "{}", bot.response_url("bad"), timestamp=stale)[0] == 401
    time.sleep(1.0)  # anything a rejected request could have started would have posted by now
    assert not bot.api.of("chat.postMessage") and not bot.api.of("response_url")
    assert not feedback.load(bot.settings)


@pytest.mark.server
def test_mention_answers_in_the_thread_with_verbatim_quotes(bot):
    event = mention(f"<@{BOT}> 新媒體歸誰?", ts="1700000000.000100")
    status, _, took = send_event(bot.url, event)
    assert status == 200 and took < 3
    call = bot.api.wait("chat.postMessage")[0]
    assert call["auth"] == f"Bearer {TOKEN}"
    body = call["body"]
    assert body["channel"] == "C1" and body["thread_ts"] == "1700000000.000100"
    expected = answer("新媒體歸誰?", settings=bot.settings)
    blocks = blocks_of(call)
    assert header(blocks).startswith("新媒體部 · 信心")
    source = (ROOT / "corpus" / expected.citations[0].source).read_text(encoding="utf-8")
    contexts = [unescape(e["text"]) for b in blocks if b["type"] == "context" for e in b["elements"]]
    for c in expected.citations:
        assert c.quote in source  # verbatim from the file…
        assert any(f"「{c.quote}」" in t and c.section in t for t in contexts)  # …and shown as such
    assert body["text"].startswith("新媒體部")
    assert not bot.api.of("conversations.replies")  # a new thread has no earlier question


@pytest.mark.server
def test_follow_up_in_the_thread_reads_the_earlier_question(bot):
    root = "1700000100.000100"
    bot.api.threads[root] = [
        {"type": "message", "user": "U1", "text": f"<@{BOT}> 自媒體歸誰?", "ts": root, "thread_ts": root},
        {"type": "message", "user": BOT, "bot_id": "BBOT", "text": "新媒體部", "ts": "1700000101.000100", "thread_ts": root},
        {"type": "message", "user": "U3", "text": "good to know", "ts": "1700000102.000100", "thread_ts": root},
    ]
    follow = "那在互聯網醫療公司呢?"
    send_event(bot.url, mention(f"<@{BOT}> {follow}", ts="1700000103.000100", thread_ts=root), event_id="Ev9")
    call = bot.api.wait("chat.postMessage")[0]
    assert call["body"]["thread_ts"] == root
    assert bot.api.of("conversations.replies")[0]["body"]["ts"] == root
    with_context = answer(follow, history=["自媒體歸誰?"], settings=bot.settings)
    assert with_context.department != answer(follow, settings=bot.settings).department  # the context matters
    assert header(blocks_of(call)).startswith(f"{with_context.department} · ")  # 品牌部 (公司C: 企劃部)


@pytest.mark.server
def test_direct_message_answers_in_the_dm(bot):
    event = {"type": "message", "channel_type": "im", "channel": "D1", "user": "U1", "text": "新媒體歸誰?",
             "ts": "1700000200.000100", "event_ts": "1700000200.000100"}
    assert send_event(bot.url, event, event_id="EvDM")[0] == 200
    body = bot.api.wait("chat.postMessage")[0]["body"]
    assert body["channel"] == "D1" and not body.get("thread_ts")
    assert header(blocks_of({"body": body})).startswith("新媒體部")
    # the bot's own DM reply comes back as a message event: never answered
    own = event | {"user": BOT, "bot_id": "BBOT", "ts": "1700000201.000100", "text": "新媒體部"}
    assert send_event(bot.url, own, event_id="EvDM2")[0] == 200
    time.sleep(1.0)
    assert len(bot.api.of("chat.postMessage")) == 1
    # a short follow-up in the DM reads the DM's earlier question (within the last hour)
    bot.api.dms["D1"] = [event | {"text": "自媒體歸誰?"}, own]
    follow = event | {"text": "那在互聯網醫療公司呢?", "ts": "1700000260.000100", "event_ts": "1700000260.000100"}
    send_event(bot.url, follow, event_id="EvDM3")
    body = bot.api.wait("chat.postMessage", 2)[1]["body"]
    assert bot.api.of("conversations.history")[-1]["body"]["channel"] == "D1"
    assert header(blocks_of({"body": body})).startswith("品牌部")  # 公司C runs 自媒體 from 企劃部 (= 品牌部)


@pytest.mark.server
def test_retried_delivery_posts_once(bot):
    event = mention(f"<@{BOT}> 新媒體歸誰?", ts="1700000300.000100")
    assert send_event(bot.url, event, event_id="EvR")[0] == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert send_event(bot.url, event, event_id="EvR", headers=retry)[0] == 200
    assert send_event(bot.url, event, event_id="EvR", headers=retry | {"X-Slack-Retry-Num": "2"})[0] == 200
    bot.api.wait("chat.postMessage")
    time.sleep(1.5)  # a second answer would have been posted by now
    assert len(bot.api.of("chat.postMessage")) == 1
    # a retry whose first delivery never arrived is the only copy we get: it is answered, once
    lost = mention(f"<@{BOT}> 新媒體歸誰?", ts="1700000301.000100")
    assert send_event(bot.url, lost, event_id="EvL", headers=retry)[0] == 200
    assert bot.api.wait("chat.postMessage", 2)[1]["body"]["thread_ts"] == "1700000301.000100"


@pytest.mark.server
def test_slash_command_only_me_then_public(bot):
    status, data, took = send_command(bot.url, "新媒體歸誰?", bot.response_url("c1"))
    assert status == 200 and took < 3
    assert json.loads(data)["response_type"] == "ephemeral"
    call = bot.api.wait("response_url")[0]
    assert call["path"] == "/respond/c1" and call["body"]["response_type"] == "ephemeral"
    assert header(blocks_of(call)).startswith("新媒體部")
    assert any("新媒體歸誰?" in t for t in rendered_texts(call["body"]))  # the question is echoed

    send_command(bot.url, "--public 新媒體歸誰?", bot.response_url("c2"))
    call = bot.api.wait("response_url", 2)[1]
    assert call["path"] == "/respond/c2" and call["body"]["response_type"] == "in_channel"

    status, data, _ = send_command(bot.url, "", bot.response_url("c3"))  # usage help right in the ack
    assert status == 200 and "--public" in json.loads(data)["text"]
    long = send_command(bot.url, "新" * 2100, bot.response_url("c4"))
    assert long[0] == 200
    call = bot.api.wait("response_url", 3)[2]
    assert call["path"] == "/respond/c4" and "keep it under" in call["body"]["text"]  # politely refused
    assert not bot.api.of("chat.postMessage")


@pytest.mark.server
@pytest.mark.slow
def test_slash_ack_does_not_wait_for_a_slow_answer(bot, monkeypatch):
    import assistant.surfaces.slackbot as slackbot

    delay = 3.5

    def slow_answer(*args, **kwargs):
        time.sleep(delay)
        return answer(*args, **kwargs)

    monkeypatch.setattr(slackbot, "answer", slow_answer)
    sent = time.perf_counter()
    status, _, took = send_command(bot.url, "新媒體歸誰?", bot.response_url("slow"))
    assert status == 200 and took < 1.0, f"ack took {took:.3f}s"
    bot.api.wait("response_url", timeout=30)
    answered = time.perf_counter() - sent
    assert answered >= delay
    print(f"\nslash-command ack {took * 1000:.0f} ms; answer posted after {answered:.2f} s (answering slowed by {delay} s)")


@pytest.mark.server
def test_vote_is_stored_in_the_shared_feedback_store(bot):
    send_event(bot.url, mention(f"<@{BOT}> 新媒體歸誰?", ts="1700000400.000100"), event_id="EvV")
    blocks = blocks_of(bot.api.wait("chat.postMessage")[0])
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    up = next(b for b in buttons if b["action_id"] == "whosejob_vote_up")
    assert up["text"]["text"] == "👍" and len(up["value"]) <= 2000
    status, _, took = send_action(bot.url, up["action_id"], up["value"], bot.response_url("vote"))
    assert status == 200 and took < 3
    thanks = bot.api.wait("response_url")[0]
    assert thanks["body"]["response_type"] == "ephemeral" and "👍" in thanks["body"]["text"]
    votes = feedback.load(bot.settings)
    assert len(votes) == 1
    v = votes[0]
    assert (v.vote, v.surface, v.user, v.question, v.department) == ("up", "slack", "U2", "新媒體歸誰?", "新媒體部")


@pytest.mark.server
def test_hostile_markup_never_reaches_slack_unescaped(bot):
    typed = "&lt;!everyone&gt; &lt;http://evil.example|x&gt;"  # what Slack sends when someone *types* them
    question = f"<!channel> <!here> <http://evil.example|click> {typed} 新媒體歸誰?"
    send_event(bot.url, mention(f"<@{BOT}> {question}", ts="1700000500.000100"), event_id="EvX")
    send_command(bot.url, f"--public {question}", bot.response_url("x"))
    posts = bot.api.wait("chat.postMessage") + bot.api.wait("response_url")
    texts = [t for p in posts for t in rendered_texts(p["body"])]
    for bad in ("<!channel>", "<!here>", "<!everyone>", "<http"):
        assert not any(bad in t for t in texts), bad
    assert any("&lt;!everyone&gt;" in t for t in texts)  # shown as typed, inert
    for p in posts:
        assert p["body"].get("unfurl_links") in (False, "false", None)


@pytest.mark.server
@pytest.mark.slow
def test_whosejob_slack_command_serves_on_the_chosen_port(built_home, standin, tmp_path):
    """The real `whosejob slack` process: binds the port, checks the token, answers a mention."""
    import shutil

    home = tmp_path / "home"
    shutil.copytree(built_home, home)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {"WHOSEJOB_HOME": str(home), "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                        "WHOSEJOB_SLACK_API_URL": standin.url + "/api"}
    env.pop("SLACK_APP_TOKEN", None)
    proc = subprocess.Popen([sys.executable, "-m", "assistant.surfaces.cli", "slack", "--port", str(port)], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.stderr.read()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "whosejob slack did not start listening"
                time.sleep(0.2)
        body = json.dumps({"type": "url_verification", "challenge": "c-1", "token": "x"}).encode()
        status, data, _ = send(url, body, "application/json")
        assert status == 200 and json.loads(data) == {"challenge": "c-1"}
        send_event(url, mention(f"<@{BOT}> 新媒體歸誰?", ts="1700000600.000100"), event_id="EvP")
        call = standin.wait("chat.postMessage", timeout=60)[0]
        assert call["body"]["thread_ts"] == "1700000600.000100"
        assert header(blocks_of(call)).startswith("新媒體部")
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.mark.server
def test_thumbs_down_opens_a_modal_whose_submission_becomes_a_correction(bot):
    """Issue 12: 👎 → views.open (signed block action) → view_submission stores the proposal → accepted, the
    bot answers the corrected department and cites the correction; the note stays inert text."""
    from assistant import corrections
    from assistant.index.resources import resources
    from assistant.surfaces import review

    tax = resources(bot.settings)[0].taxonomy
    send_event(bot.url, mention(f"<@{BOT}> 新媒體歸誰?", ts="1700000700.000100"), event_id="EvD")
    blocks = blocks_of(bot.api.wait("chat.postMessage")[0])
    down = next(b for b in next(b for b in blocks if b["type"] == "actions")["elements"]
                if b["action_id"] == "whosejob_vote_down")
    status, _, took = send_action(bot.url, down["action_id"], down["value"], bot.response_url("down"))
    assert status == 200 and took < 3
    call = bot.api.wait("views.open")[0]
    assert call["auth"] == f"Bearer {TOKEN}" and call["body"]["trigger_id"] == "1.2.4"
    view = call["body"]["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "modal" and view["callback_id"] == "whosejob_propose"
    select = next(b for b in view["blocks"] if b.get("block_id") == "department")["element"]
    assert {o["value"] for o in select["options"]} == set(tax.departments)
    [vote] = feedback.load(bot.settings)
    assert vote.vote == "down" and vote.surface == "slack" and json.loads(view["private_metadata"])["v"] == vote.id
    assert "👎" in bot.api.wait("response_url")[0]["body"]["text"]

    status, data, _ = send_view_submission(bot.url, view, "回答財務部", note="x")  # not a label: shown in the modal
    assert status == 200 and json.loads(data)["response_action"] == "errors" and "department" in json.loads(data)["errors"]
    status, data, _ = send_view_submission(bot.url, view, None)
    assert status == 200 and json.loads(data)["response_action"] == "errors"
    assert review.queue(bot.settings)[0].proposed is None
    stale = int(time.time()) - 5 * 60 - 5
    assert send_view_submission(bot.url, view, "品牌部", timestamp=stale)[0] == 401  # unsigned/stale: nothing stored

    status, data, _ = send_view_submission(bot.url, view, "企劃部", note=HOSTILE)  # an alias of 品牌部
    assert status == 200 and not data.strip()
    [item] = review.queue(bot.settings)
    assert (item.proposed, item.note, item.proposer, item.vote.question) == ("品牌部", HOSTILE, "U2", "新媒體歸誰?")

    fix = review.accept(bot.settings, item.key, who="admin", taxonomy=tax)
    assert corrections.load(bot.settings)[0].id == fix.id and not review.queue(bot.settings)
    send_event(bot.url, mention(f"<@{BOT}> 新媒体归谁?", ts="1700000701.000100"), event_id="EvD2")
    call = bot.api.wait("chat.postMessage", 2)[1]
    answer_blocks_ = blocks_of(call)
    assert header(answer_blocks_).startswith("品牌部 · ")
    texts = rendered_texts(call["body"])
    assert any("corrections.jsonl" in t and fix.id in t for t in texts)  # cited like a source
    for bad in ("<!channel>", "<!here>", "<http"):
        assert not any(bad in t for t in texts), bad
    assert any("&lt;!channel&gt;" in t for t in texts)  # the note, shown as typed
