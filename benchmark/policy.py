"""The augmentation policy shared by every augmenter: which train rows get how many copies.

- ``scope="all"``: every train row gets ``copies`` augmented copies.
- ``scope="minority"``: each label with fewer than ``target`` train rows is raised to about
  ``target`` (rarest label first); rows of other labels are left alone.
Dev and test are never touched: the policy only ever sees the train split.
"""
import math

import numpy as np

from benchmark.errors import BenchError, PluginError

SCOPES = ("all", "minority")


def plan(Y, scope="all", copies=4, target=None):
    """Copies per train row (int array) for the given policy."""
    Y = np.asarray(Y)
    n = len(Y)
    if scope not in SCOPES:
        raise BenchError(f"unknown --aug-scope '{scope}'. Valid choices: {', '.join(SCOPES)}")
    if scope == "all":
        return np.full(n, int(copies), dtype=np.int64)
    if not target:
        raise BenchError("--aug-scope minority needs --aug-target N (labels under N train rows are raised to ~N)")
    counts = Y.sum(axis=0).astype(np.float64)
    want = np.zeros(n, dtype=np.int64)
    for label in np.argsort(counts, kind="stable"):
        have = counts[label]
        rows = np.flatnonzero(Y[:, label])
        if have >= target or len(rows) == 0:
            continue
        k = (target - have) / len(rows)  # extra copies needed per row of this label
        per = np.full(len(rows), math.floor(k), dtype=np.int64)
        per[: int(round((k - math.floor(k)) * len(rows)))] += 1
        extra = np.maximum(per - want[rows], 0)
        want[rows] += extra
        counts += (Y[rows] * extra[:, None]).sum(axis=0)
    return want


def apply(augmenter, texts, Y, seed, scope="all", copies=4, target=None, name="augmenter", progress=False,
          batch_size=2048):
    """Augment the train split. Returns (texts, Y, stats) with originals first, then the copies.

    ``stats["_source"]`` lists the original row of each copy; it is private (the runner drops it)."""
    Y = np.asarray(Y)
    stats = {"before": _counts(Y), "n_before": len(texts)}
    if augmenter is None:
        stats.update(after=stats["before"], n_after=len(texts), generated=0, _source=[])
        return list(texts), Y, stats
    want = plan(Y, scope, copies, target)
    rows = np.flatnonzero(want > 0)
    new_texts, new_rows = [], []
    bar = _bar(len(rows), progress, f"augment ({name})")
    for start in range(0, len(rows), batch_size):
        chunk = rows[start: start + batch_size]
        by_n = {}
        for i in chunk:
            by_n.setdefault(int(want[i]), []).append(int(i))
        for n, idx in sorted(by_n.items()):
            try:
                outs = augmenter.augment([texts[i] for i in idx], n, seed)
            except BenchError:
                raise
            except Exception as exc:
                raise PluginError("augmenter", name, exc) from exc
            if len(outs) != len(idx):
                raise PluginError("augmenter", name, ValueError(
                    f"augment() returned {len(outs)} lists for {len(idx)} texts"))
            for i, variants in zip(idx, outs):
                for v in variants[:n]:
                    if v and v.strip():
                        new_texts.append(v)
                        new_rows.append(i)
        bar.update(len(chunk))
    bar.close()
    Y_new = Y[np.asarray(new_rows, dtype=np.int64)] if new_rows else Y[:0]
    out_texts, out_Y = list(texts) + new_texts, np.concatenate([Y, Y_new])
    stats.update(after=_counts(out_Y), n_after=len(out_texts), generated=len(new_texts),
                 scope=scope, copies=copies, target=target,
                 _source=new_rows)  # private: source row of each copy (for the filter); dropped before storing
    return out_texts, out_Y, stats


def _counts(Y):
    return [int(c) for c in np.asarray(Y).sum(axis=0)]


def _bar(total, enabled, desc):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, disable=not enabled, unit="text", leave=False)
