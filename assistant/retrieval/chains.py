"""The answer path and retriever as LangChain Runnables, for reuse in other chains."""

from __future__ import annotations

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from assistant.answer import answer
from assistant.models import Answer
from assistant.retrieval.retriever import DEFAULT_FUSION, make_query, search
from assistant.settings import Settings


class HybridRetriever(BaseRetriever):
    """The same hybrid search as a LangChain retriever: `Document`s carrying the chunk metadata."""

    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    settings: object | None = None  # assistant.settings.Settings; None = from the environment
    k: int = 8
    fusion: str = DEFAULT_FUSION

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        from assistant.index.resources import resources

        store, embedder = resources(self.settings)
        hits = search(store, embedder, make_query(query, store), self.k, self.fusion)
        return [
            Document(
                id=h.chunk.id,
                page_content=h.chunk.text,
                metadata=h.chunk.metadata() | {"score": h.score, "dense": h.dense, "keyword": h.keyword},
            )
            for h in hits
        ]


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
