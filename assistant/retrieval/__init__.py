"""Retrieval over the index: hybrid dense + keyword search, the optional reranker, the LangChain wrappers."""
