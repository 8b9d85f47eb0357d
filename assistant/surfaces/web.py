"""The web chat (`whosejob serve`): a Gradio app over the same `answer()` the CLI uses.

Gradio is imported only here, so the rest of the CLI stays fast. The HTML of each answer comes from
`webview` (escaped by hand); this module wires the components, the session history and the feedback.
"""

from __future__ import annotations

import ipaddress
import os
import sys
import traceback
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from assistant.answer import answer
from assistant.errors import ConfigError, WhosejobError
from assistant.index.resources import resources
from assistant.models import Answer
from assistant.settings import Settings
from assistant.settings import load as load_settings
from assistant.surfaces import webreview, webview
from assistant.surfaces.feedback import record
from assistant.text import clean, is_chinese, script
from assistant.verdict.taxonomy import Taxonomy

if TYPE_CHECKING:
    import gradio as gr



def example_questions(taxonomy: Taxonomy, chunks) -> list[str]:
    """Example questions: the corpus's own (taxonomy.yaml `examples:`), else one per unit made from a
    short duty line of its own, in the documents' language."""
    if taxonomy.examples:
        return taxonomy.examples
    out, seen = [], set()
    for c in sorted(chunks, key=lambda c: (c.source, c.start)):
        text = c.text.strip("-*• ").rstrip("。.;；,，:：")
        if c.owner and c.owner not in seen and 6 <= len(text) <= 40 and c.owner not in text:
            seen.add(c.owner)
            out.append(f"{text}——归谁管?" if is_chinese(text) else f"Who handles: {text}?")
        if len(out) >= 6:
            break
    return out
CONCURRENCY = 16  # answers run in parallel per process; the answer path is CPU-light
QUEUE_SIZE = 512  # waiting requests beyond this get "queue full" instead of piling up
MAX_TURNS = 50  # per browser session; older turns drop off the screen and out of the history
SYSTEM_FONTS = [
    "Noto Sans CJK TC",
    "Noto Sans CJK SC",
    "PingFang TC",
    "Microsoft JhengHei",
    "ui-sans-serif",
    "system-ui",
    "sans-serif",
]
MONO_FONTS = ["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"]


def stream_answer(
    question: str, *, history: list[str] | None = None, settings: Settings | None = None, k: int | None = None
) -> Iterator[str | Answer]:
    """For the chat with an LLM: the LLM's answer text so far (a growing `str`) while it streams, then one
    final `Answer` (the LLM's, or the extractive one when the reply failed a check: then replace any streamed
    text with it). Without an LLM, or on abstention, only the `Answer` comes. See `llm.stream_phrase`."""
    from assistant import llm

    with llm.capture() as box:
        ans = answer(question, history=history, settings=settings, k=k)
    if not box:
        yield ans
        return
    yield from llm.stream_phrase(box[0])


def _gradio():
    """Import Gradio with its usage analytics off (nothing leaves the machine)."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio

    return gradio


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """`WHOSEJOB_AUTH=user:pass` → ("user", "pass"); unset → no login page."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("WHOSEJOB_AUTH must look like user:password")
    return user, password


def exposure_warning(host: str) -> str | None:
    """A warning when the chat is bound to anything but loopback (it is then reachable from the network)."""
    if host == "localhost":
        return None
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return (
        f"whosejob: warning: serving on {host} makes the chat reachable from other machines; "
        "set WHOSEJOB_AUTH=user:pass to require a login"
    )


def _refusal(question: str, err: WhosejobError, settings: Settings) -> str:
    """A polite message for a question the answer path refused (too long, unreadable)."""
    text = clean(question).strip()
    lang = script(text[: settings.max_question_chars])
    if len(text) > settings.max_question_chars:
        return webview.label("too_long", lang).format(n=len(text), limit=settings.max_question_chars)
    return webview.label("failed", lang).format(error=str(err))


def _messages(turns: list[dict]) -> list[dict]:
    return [
        m
        for t in turns
        for m in ({"role": "user", "content": t["q_html"]}, {"role": "assistant", "content": t["a_html"]})
    ]


def make_respond(settings: Settings, tax: Taxonomy):
    """The chat handler: (question, this session's turns) → (cleared box, chat, turns, JSON of the answer).

    With an LLM configured (`WHOSEJOB_LLM`) it is a generator that shows the model's text as it streams,
    then the validated final answer; otherwise one plain call of `answer()`.
    """

    def prepare(question: str, turns: list[dict] | None) -> tuple[str, list[dict], list[str]]:
        turns = list(turns or [])
        return question or "", turns, [t["question"] for t in turns if t["answer"] is not None]

    def finish(question: str, turns: list[dict], ans: Answer | None, message: str) -> tuple[str, list[dict], list[dict], dict]:
        if ans is not None:
            a_html, payload = webview.answer_html(ans, tax), ans.to_dict()
        else:
            question = question[: settings.max_question_chars]  # a refused question is not kept whole
            a_html, payload = webview.notice_html(message), {"question": question[:200], "error": message}
        turn = {"question": question, "answer": ans, "q_html": webview.question_html(question), "a_html": a_html}
        turns = [*turns, turn][-MAX_TURNS:]
        return "", _messages(turns), turns, payload

    def failure(question: str, err: Exception) -> str:
        if isinstance(err, WhosejobError):  # too long, unreadable, index unavailable: said politely
            return _refusal(question, err, settings)
        traceback.print_exc()  # a bug must not take the page down: log it, keep the conversation going
        return webview.label("failed", script(question[:200])).format(error="internal error")

    def respond(question: str, turns: list[dict] | None) -> tuple[str, list[dict], list[dict], dict]:
        question, turns, history = prepare(question, turns)
        if not question.strip():
            return "", _messages(turns), turns, {}
        try:
            return finish(question, turns, answer(question, history=history, settings=settings), "")
        except Exception as err:  # noqa: BLE001 - every failure becomes a chat message
            return finish(question, turns, None, failure(question, err))

    def respond_streaming(question: str, turns: list[dict] | None):
        question, turns, history = prepare(question, turns)
        if not question.strip():
            yield "", _messages(turns), turns, {}
            return
        try:
            for item in stream_answer(question, history=history, settings=settings):
                if isinstance(item, Answer):
                    yield finish(question, turns, item, "")
                    return
                partial = {"q_html": webview.question_html(question), "a_html": webview.streaming_html(item)}
                yield "", _messages([*turns, partial]), turns, {}
        except Exception as err:  # noqa: BLE001 - every failure becomes a chat message
            yield finish(question, turns, None, failure(question, err))

    return respond_streaming if settings.llm else respond


def make_on_like(settings: Settings):
    """👍/👎 on an answer → one feedback record (question, answer, department, time) under WHOSEJOB_HOME."""
    gr = _gradio()

    def on_like(turns: list[dict] | None, data: gr.LikeData, request: gr.Request) -> tuple:
        index = data.index[0] if isinstance(data.index, list | tuple) else data.index
        turns = turns or []
        turn = turns[index // 2] if isinstance(index, int) and 0 <= index // 2 < len(turns) else None
        if turn is None or turn["answer"] is None or data.liked not in (True, False):
            return webreview.after_vote(gr, None)
        user = getattr(request, "username", None) if request is not None else None
        vote = record(settings, turn["answer"], vote="up" if data.liked else "down", surface="web", user=user)
        gr.Info("👍 thanks — noted" if data.liked else "👎 noted — which department is right? (below)")
        return webreview.after_vote(gr, vote)  # issue 12: a 👎 opens the "which department?" box

    on_like.__annotations__["data"] = gr.LikeData  # Gradio finds the event data by this hint, resolved here
    on_like.__annotations__["request"] = gr.Request
    return on_like


def build_app(settings: Settings | None = None) -> gr.Blocks:
    """The whole app: chat tab, Departments tab, feedback, queue. Opens (or first builds) the index."""
    gr = _gradio()
    settings = settings or load_settings()
    store, _ = resources(settings)  # ingests the bundled corpus when there is no index yet
    from assistant.index import minilm

    minilm.load_for(store, settings.cache_dir)  # MiniLM for English questions, now rather than on the first one
    tax = store.taxonomy
    respond = make_respond(settings, tax)
    shown = example_questions(tax, store.chunks.values())

    with gr.Blocks(title="whosejob — 這是誰的工作?", analytics_enabled=False) as app:
        gr.HTML(
            '<div class="wj-header"><h1>whosejob</h1><p>這是誰的工作? 这是谁的工作? Whose job is this? '
            "— every answer quotes the company's own texts.</p></div>"
        )
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat 問答", id="chat"):
                chat = gr.Chatbot(
                    elem_id="wj-chat",
                    height=620,
                    show_label=False,
                    latex_delimiters=[],
                    buttons=["copy"],
                    allow_file_downloads=False,
                    feedback_options=("Like", "Dislike"),
                    placeholder="問「某項工作歸哪個部門」· Ask which department owns a piece of work",
                )
                box = gr.Textbox(
                    elem_id="wj-question",
                    show_label=False,
                    placeholder="例如 e.g. " + " / ".join(shown[:2]),
                    submit_btn="Ask 提問",
                    autofocus=True,
                )
                examples = gr.Examples(
                    [[q] for q in shown], inputs=[box], label="Try 試試看", examples_per_page=10
                )
                proposal = webreview.proposal_box(gr, tax)
                with gr.Accordion("JSON (same as `whosejob ask --json`)", open=False):
                    raw = gr.JSON(show_label=False)
            with gr.Tab("Departments 部門", id="departments"):
                gr.HTML(webview.duties_html(tax, store.chunks.values()), elem_id="wj-departments")
            if settings.auth:  # only behind a login: 👎 votes become corrections here
                webreview.admin_tab(gr, app, settings, tax)

        outputs = [box, chat, turns, raw]
        box.submit(respond, [box, turns], outputs, api_name="ask")
        examples.load_input_event.then(respond, [box, turns], outputs, api_visibility="private")
        chat.like(make_on_like(settings), [turns], proposal.outputs(), api_visibility="private")
        webreview.wire_proposal(gr, settings, tax, proposal)
        chat.clear(lambda: ([], {}), None, [turns, raw], api_visibility="private")
    app.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_SIZE)
    return app


def launch_options(settings: Settings) -> dict[str, Any]:
    """Everything `launch()` gets: loopback by default, never a share link, no uploads, no remote fonts."""
    gr = _gradio()

    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "auth": parse_auth(settings.auth),
        "auth_message": "whosejob",
        "theme": gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS),
        "css": webview.CSS + webreview.CSS,
        "ssr_mode": False,
        "mcp_server": False,
        "pwa": False,
        "max_file_size": 1,  # there is nothing to upload; refuse anything sent to the upload route
        "footer_links": ["api"],
        "run_history": False,
        "enable_monitoring": False,
        "show_error": False,
        "quiet": True,
        "inbrowser": False,
    }


def serve(settings: Settings) -> int:
    """`whosejob serve`: build the app (ingesting if needed) and serve it until Ctrl+C."""
    warning = exposure_warning(settings.host)
    if warning:
        print(warning, file=sys.stderr)
    options = launch_options(settings)  # validates WHOSEJOB_AUTH before anything slow
    app = build_app(settings)
    print(
        f"whosejob: chat on http://{settings.host}:{settings.port} (Ctrl+C to stop)",
        file=sys.stderr,
        flush=True,
    )
    try:
        app.launch(**options)
    except OSError as err:
        raise ConfigError(f"cannot serve on {settings.host}:{settings.port} ({err}); try --port") from None
    return 0
