"""`whosejob slack`: a slack-bolt app that answers mentions, DMs and /whosejob with the shared `answer()`.

Every listener acks at once and answers in a lazy listener (process_before_response), so the 3-second
ack never waits on retrieval. The only Slack-specific logic is reading Slack's text and turning an
`Answer` into blocks (slackblocks.py).
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from assistant.answer import answer
from assistant.errors import ConfigError, UsageError, WhosejobError
from assistant.settings import Settings
from assistant.surfaces import feedback, slackreview
from assistant.surfaces.slackblocks import (
    VOTE_ACTION,
    answer_blocks,
    answer_from_vote,
    escape,
    fallback_text,
    from_slack,
    notice_blocks,
)
from assistant.text import script

if TYPE_CHECKING:
    from slack_bolt import App

COMMAND = "/whosejob"
EVENTS_PATH = "/slack/events"
DEFAULT_API_URL = "https://slack.com/api/"
DM_CONTEXT_SECONDS = 3600  # earlier DMs within this window count as the conversation
USAGE = "Ask `/whosejob <question>` (only you see the answer) or `/whosejob --public <question>` (the channel sees it)."
_FLAG = re.compile(r"(?<!\S)--(public|private|me)(?!\S)")
log = logging.getLogger("whosejob.slack")
# Bolt also reads SLACK_BOT_TOKEN from the environment and warns that our WebClient wins; it does, by design.
log.addFilter(lambda record: "`token` will be unused" not in record.getMessage())


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str
    signing_secret: str
    app_token: str | None = None  # set → Socket Mode

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)


def config_from_env(environ: dict[str, str] | None = None) -> SlackConfig:
    """SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET (HTTP), or SLACK_BOT_TOKEN + SLACK_APP_TOKEN (Socket Mode)."""
    env = os.environ if environ is None else environ
    bot, secret, app_token = (env.get(k, "").strip() for k in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"))
    missing = [name for name, value in (("SLACK_BOT_TOKEN", bot), ("SLACK_SIGNING_SECRET", secret or app_token)) if not value]
    if missing:
        raise ConfigError(
            f"missing {' and '.join(missing)}: copy them from your Slack app's settings "
            "(Bot User OAuth Token, Signing Secret; SLACK_APP_TOKEN for Socket Mode), see docs/slack.md"
        )
    return SlackConfig(bot_token=bot, signing_secret=secret, app_token=app_token or None)


def parse_command(text: str) -> tuple[str, bool]:
    """`/whosejob --public 新媒體歸誰?` → ("新媒體歸誰?", True); only-me unless --public is given."""
    flags = _FLAG.findall(text)
    public = bool(flags) and flags[-1] == "public"
    return " ".join(_FLAG.sub(" ", text).split()), public


class Seen:
    """Event deliveries already taken, so a Slack retry (X-Slack-Retry-Num) never yields a second answer."""

    def __init__(self, ttl: float = 3600.0, limit: int = 10_000):
        self._ttl, self._limit = ttl, limit
        self._keys: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first(self, key: str) -> bool:
        """True the first time `key` is seen within the TTL (atomic: concurrent deliveries race safely)."""
        now = time.monotonic()
        with self._lock:
            while self._keys and (len(self._keys) >= self._limit or next(iter(self._keys.values())) < now - self._ttl):
                self._keys.popitem(last=False)
            if key in self._keys:
                return False
            self._keys[key] = now
            return True


def delivery_key(body: dict) -> str | None:
    """The user's message behind an event (channel + ts), shared by the first delivery and its retries."""
    event = body.get("event") or {}
    if event.get("channel") and event.get("ts"):
        return f"{event['channel']}:{event['ts']}"
    return body.get("event_id")


def _questions(messages: list[dict], before_ts: str, bot_user_id: str | None, mention_only: bool) -> list[str]:
    """Earlier human questions in a conversation, oldest first (bot posts and edits left out)."""
    out = []
    for m in sorted(messages, key=lambda m: float(m.get("ts", 0))):
        text = m.get("text") or ""
        if float(m.get("ts", 0)) >= float(before_ts) or m.get("bot_id") or m.get("user") == bot_user_id:
            continue
        if m.get("subtype") not in (None, "thread_broadcast") or (mention_only and f"<@{bot_user_id}" not in text):
            continue
        if q := from_slack(text, bot_user_id):
            out.append(q)
    return out


def _history(client, event: dict, bot_user_id: str | None, in_channel: bool) -> list[str]:
    """The conversation so far: the thread's earlier questions, or (DMs) the last hour of the DM."""
    channel, ts, thread = event["channel"], event["ts"], event.get("thread_ts")
    try:
        if thread and thread != ts:
            resp = client.conversations_replies(channel=channel, ts=thread, limit=100)
        elif not in_channel:
            oldest = f"{float(ts) - DM_CONTEXT_SECONDS:.6f}"
            resp = client.conversations_history(channel=channel, latest=ts, oldest=oldest, inclusive=False, limit=20)
        else:
            return []
    except Exception as err:  # a missing *:history scope must not cost the answer
        log.warning("no conversation context for %s: %s", channel, err)
        return []
    return _questions(resp.get("messages") or [], ts, bot_user_id, mention_only=in_channel)


def build_app(settings: Settings, *, bot_token: str, signing_secret: str, api_url: str | None = None) -> App:
    """The Bolt app with every listener; calls auth.test once (the token is checked at start-up)."""
    from slack_bolt import App, BoltResponse
    from slack_bolt.error import BoltError
    from slack_sdk import WebClient

    base = (api_url or DEFAULT_API_URL).rstrip("/") + "/"
    try:
        app = App(
            name="whosejob",
            client=WebClient(token=bot_token, base_url=base, timeout=10),
            signing_secret=signing_secret,
            process_before_response=True,  # ack in the request thread; answers run in lazy listeners
            listener_executor=ThreadPoolExecutor(max_workers=8, thread_name_prefix="whosejob-slack"),
            logger=log,
        )
    except BoltError as err:
        raise ConfigError(f"SLACK_BOT_TOKEN was refused by {base}: {err}") from None
    except OSError as err:
        raise ConfigError(f"cannot reach the Slack Web API at {base} (WHOSEJOB_SLACK_API_URL): {err}") from None
    seen = Seen()
    one_at_a_time = threading.Lock()  # answers are CPU-bound; the ack path never takes this lock

    def reply(question: str, history: list[str], echo: bool = False) -> tuple[list[dict], str]:
        """(blocks, fallback text) for one question: an answer, or a polite notice."""
        try:
            with one_at_a_time:
                ans = answer(question, history=history or None, settings=settings)
        except UsageError as err:
            return notice_blocks(f"Sorry: {err}."), escape(str(err))
        except WhosejobError as err:
            log.error("cannot answer: %s", err)
            return notice_blocks(f"Sorry, I cannot answer right now: {err}"), escape(str(err))
        except Exception:
            log.exception("answer failed for %r", question[:200])
            text = "Sorry, something went wrong while answering; it has been logged."
            return notice_blocks(text), text
        log.info("answered %r → %s %.2f", question[:80], ans.department or f"abstain:{ans.reason}", ans.confidence)
        return answer_blocks(ans, echo_question=echo), fallback_text(ans)

    def post(client, channel: str, thread_ts: str | None, question: str, history: list[str]) -> None:
        blocks, text = reply(question, history)
        client.chat_postMessage(
            channel=channel, thread_ts=thread_ts, blocks=blocks, text=text, unfurl_links=False, unfurl_media=False
        )

    @app.middleware
    def drop_redeliveries(body: dict, request, next_):
        """A retried event whose first delivery reached us is acked and dropped."""
        key = delivery_key(body) if body.get("type") == "event_callback" else None
        if key and not seen.first(key):
            retry = request.headers.get("x-slack-retry-num", ["-"])[0]
            log.info("dropping redelivery of %s (retry %s)", key, retry)
            return BoltResponse(status=200, body="")
        return next_()

    def just_ack(ack) -> None:
        ack()

    def on_mention(event: dict, context, client) -> None:
        """`@whosejob 新媒體歸誰?` in a channel → the answer in that message's thread."""
        if str(event.get("channel", "")).startswith("D"):
            return  # a DM also arrives as message.im, answered there
        bot = context.bot_user_id
        question = from_slack(event.get("text", ""), bot)
        history = _history(client, event, bot, in_channel=True)
        post(client, event["channel"], event.get("thread_ts") or event["ts"], question, history)

    def on_dm(event: dict, context, client) -> None:
        """A direct message → the answer in the DM (in its thread when it was sent in one)."""
        bot = context.bot_user_id
        question = from_slack(event.get("text", ""), bot)
        history = _history(client, event, bot, in_channel=False)
        post(client, event["channel"], event.get("thread_ts"), question, history)

    def is_dm(event: dict) -> bool:
        return event.get("channel_type") == "im" and event.get("subtype") in (None, "thread_broadcast") and not event.get("bot_id")

    def ack_command(ack, command: dict) -> None:
        """Within Slack's 3 s: usage help for an empty command, else a short 'looking it up'."""
        question, _ = parse_command(command.get("text") or "")
        if not question or question in ("help", "-h", "--help"):
            ack(text=USAGE, response_type="ephemeral")
        else:
            ack(text=f"🔎 {escape(from_slack(question))}", response_type="ephemeral")

    def answer_command(command: dict, respond) -> None:
        question, public = parse_command(command.get("text") or "")
        if not question or question in ("help", "-h", "--help"):
            return
        blocks, text = reply(from_slack(question), [], echo=True)
        respond(
            text=text, blocks=blocks, response_type="in_channel" if public else "ephemeral",
            replace_original=False, unfurl_links=False, unfurl_media=False,
        )

    def record_vote(body: dict, action: dict, respond, client) -> None:
        """👍/👎 → the same feedback store as the web chat, then an only-you thank-you; a 👎 also opens a
        modal asking which department is right (issue 12)."""
        vote = VOTE_ACTION.match(action.get("action_id", ""))
        try:
            ans = answer_from_vote(action.get("value") or "")
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a vote with an unreadable value")
            return
        user = (body.get("user") or {}).get("id")
        fb = feedback.record(settings, ans, vote.group(1), surface="slack", user=user)
        if fb.vote == "down" and body.get("trigger_id"):
            try:  # the trigger_id lives 3 seconds: open the modal before anything else
                client.views_open(trigger_id=body["trigger_id"], view=slackreview.proposal_modal(fb, taxonomy()))
            except Exception as err:  # the vote is kept either way
                log.warning("could not open the proposal modal: %s", err)
        mark = "👍" if vote.group(1) == "up" else "👎"
        thanks = f"{mark} recorded, thank you." if script(ans.question) == "en" else f"{mark} 已記錄,謝謝!"
        respond(text=thanks, response_type="ephemeral", replace_original=False)

    app.event("app_mention")(ack=just_ack, lazy=[on_mention])
    app.event("message", matchers=[is_dm])(ack=just_ack, lazy=[on_dm])
    app.event("message")(just_ack)  # other message events (edits, channel chatter): ack, nothing else
    app.command(COMMAND)(ack=ack_command, lazy=[answer_command])
    app.action(VOTE_ACTION)(ack=just_ack, lazy=[record_vote])

    def taxonomy():
        from assistant.index.resources import resources

        return resources(settings)[0].taxonomy

    def on_proposal(ack, body: dict, view: dict) -> None:
        """The modal's Send: store the proposed department (known labels only) for review, or show the error."""
        errors = slackreview.submit(settings, taxonomy(), view, (body.get("user") or {}).get("id"))
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    app.view(slackreview.CALLBACK)(on_proposal)
    return app


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a slow client never holds up shutdown
    request_queue_size = 128  # a burst of Slack deliveries must not overflow the accept queue (default 5)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def make_server(app: App, host: str, port: int) -> WSGIServer:
    """An HTTP server on (host, port) serving Events API, slash commands and interactivity at /slack/events."""
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    server = _ThreadingServer((host, port), _QuietHandler)
    server.set_app(SlackRequestHandler(app, path=EVENTS_PATH))
    return server


def _warm(settings: Settings) -> None:
    """Load the embedder and open (or build) the index before the first question arrives."""
    from assistant.index.resources import resources

    try:
        from assistant.index import minilm

        minilm.load_for(resources(settings)[0], settings.cache_dir)  # MiniLM for English questions
    except Exception as err:  # the first answer reports it to the asker
        log.warning("index not ready: %s", err)


def run(settings: Settings, host: str = "127.0.0.1", port: int = 3000, environ: dict[str, str] | None = None) -> int:
    """`whosejob slack`: HTTP mode on host:port, or Socket Mode when SLACK_APP_TOKEN is set. Blocks."""
    cfg = config_from_env(environ)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = build_app(settings, bot_token=cfg.bot_token, signing_secret=cfg.signing_secret, api_url=settings.slack_api_url)
    threading.Thread(target=_warm, args=(settings,), daemon=True, name="whosejob-warm").start()
    if cfg.socket_mode:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        print("whosejob slack: Socket Mode, connecting to Slack…", file=sys.stderr, flush=True)
        SocketModeHandler(app, cfg.app_token).start()
        return 0
    try:
        server = make_server(app, host, port)
    except OSError as err:
        raise ConfigError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    bound_host, bound_port = server.server_address[:2]
    print(f"whosejob slack: listening on http://{bound_host}:{bound_port}{EVENTS_PATH}", file=sys.stderr, flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0
