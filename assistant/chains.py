"""The answer path and retriever as LangChain Runnables, for reuse in other chains."""

from __future__ import annotations

from langchain_core.runnables import Runnable, RunnableLambda

from .answer import answer
from .models import Answer
from .retriever import HybridRetriever
from .settings import Settings


def answer_runnable(settings: Settings | None = None) -> Runnable:
    """`answer()` as a Runnable: input a question string or {"question", "history"}; output an `Answer`."""

    def run(inp: str | dict) -> Answer:
        if isinstance(inp, dict):
            return answer(inp["question"], history=inp.get("history"), settings=settings)
        return answer(inp, settings=settings)

    return RunnableLambda(run, name="whosejob_answer")


def retriever(settings: Settings | None = None, k: int = 8) -> HybridRetriever:
    """The hybrid (Chroma + BM25) retriever; `.invoke(question)` returns `Document`s with chunk metadata."""
    return HybridRetriever(settings=settings, k=k)
