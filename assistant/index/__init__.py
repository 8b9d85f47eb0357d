"""The index: embedders, the Chroma store and chunk table, the BM25 keyword index, and the cached resources."""
