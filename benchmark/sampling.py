"""Seeded, label-stratified subsets (for --limit, transfer sizes and file splits)."""
import numpy as np


def strata(Y):
    """One stratum per row: its rarest label (multi-label) or its label; all-zero rows get -1."""
    Y = np.asarray(Y)
    counts = Y.sum(axis=0)
    rarity = np.where(Y > 0, counts[None, :], np.iinfo(np.int64).max)
    key = rarity.argmin(axis=1)
    key[Y.sum(axis=1) == 0] = -1
    return key


def stratified_indices(Y, n, seed):
    """``n`` row indices (sorted) drawn without replacement, keeping label proportions.

    Each stratum gets ``round(n * share)`` rows, at least one while rows remain; the result is
    trimmed or topped up at random to exactly ``n``.
    """
    Y = np.asarray(Y)
    total = len(Y)
    if n is None or n >= total:
        return np.arange(total)
    rng = np.random.default_rng(seed)
    key = strata(Y)
    chosen = []
    for k in np.unique(key):
        rows = np.flatnonzero(key == k)
        take = max(1, int(round(n * len(rows) / total)))
        chosen.append(rng.permutation(rows)[:take])
    picked = np.concatenate(chosen)
    if len(picked) > n:
        picked = rng.permutation(picked)[:n]
    elif len(picked) < n:
        rest = np.setdiff1d(np.arange(total), picked)
        picked = np.concatenate([picked, rng.permutation(rest)[: n - len(picked)]])
    return np.sort(picked)
