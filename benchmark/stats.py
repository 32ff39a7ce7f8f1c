"""Uncertainty from stored per-example predictions: bootstrap CIs and paired significance tests.

Everything is vectorised with numpy and seeded (``numpy.random.default_rng(seed)``), so a CI or a
p-value is reproducible. Macro-F1 is computed from per-label tp/fp/fn counts as ``benchmark.metrics``
does (``sklearn`` macro F1, zero_division=0, over the labels present in the gold test split; single-label
data is one-hot). Resamples keep that label set fixed.
"""
import numpy as np

from benchmark import metrics
from benchmark.errors import BenchError

N_BOOT = 1000
SEED = 0


def decisions(store, run):
    """(Y_test, pred_test) 0/1 int8 arrays for a stored run: its scored decisions, or for runs stored
    before those were kept, its float16 probabilities re-decided with its stored thresholds."""
    arrays = store.arrays(run["run_id"])
    if arrays is None:
        raise BenchError(f"run {run['run_id']} has no stored predictions (rerun it with --force)")
    if "test_pred" in arrays:
        return arrays["test_y"].astype(np.int8), arrays["test_pred"].astype(np.int8)
    m = run["metrics"]
    thr = arrays.get("thresholds", m.get("thresholds"))
    # the runner scores the test split single-label when the eval dataset is single-label
    multi = bool(m["multi_label"]) and "accuracy" not in m.get("test", {})
    pred = metrics.decide(arrays["test_proba"].astype(np.float32), multi, thr, m.get("min_one", False))
    return arrays["test_y"].astype(np.int8), pred


def _parts(Y, P):
    """Per-example, per-label tp/fp/fn as three (n, L) float32 arrays."""
    Y, P = np.asarray(Y, dtype=bool), np.asarray(P, dtype=bool)
    return [(Y & P).astype(np.float32), (~Y & P).astype(np.float32), (Y & ~P).astype(np.float32)]


def present(Y):
    """Labels with at least one gold example (all labels if none has)."""
    mask = np.asarray(Y).any(axis=0)
    return mask if mask.any() else np.ones_like(mask)


def macro_f1_counts(tp, fp, fn, mask=None):
    """Macro-F1 from per-label counts (the last axis is labels) over the labels in ``mask``; zero_division=0."""
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    return f1.mean(axis=-1) if mask is None else f1[..., mask].mean(axis=-1)


def macro_f1(Y, P):
    tp, fp, fn = (a.sum(0) for a in _parts(Y, P))
    return float(macro_f1_counts(tp, fp, fn, present(Y)))


def resample_weights(n, n_boot=N_BOOT, seed=SEED):
    """(n_boot, n) multiplicities of a bootstrap resample of n examples (rows sum to n)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    idx += (np.arange(n_boot) * n)[:, None]
    return np.bincount(idx.ravel(), minlength=n_boot * n).reshape(n_boot, n).astype(np.float32)


def bootstrap_scores(Y, P, n_boot=N_BOOT, seed=SEED):
    """Macro-F1 of each of ``n_boot`` resamples of the test examples (same seed + n -> same resamples)."""
    W = resample_weights(len(Y), n_boot, seed)
    tp, fp, fn = (W @ a for a in _parts(Y, P))
    return macro_f1_counts(tp, fp, fn, present(Y))


def interval(scores, level=0.95):
    a = (1 - level) / 2
    lo, hi = np.quantile(scores, [a, 1 - a])
    return float(lo), float(hi)


def bootstrap_ci(Y, P, n_boot=N_BOOT, seed=SEED, level=0.95):
    return interval(bootstrap_scores(Y, P, n_boot, seed), level)


# -- cached per-run bootstrap distributions ------------------------------------------------------------
CACHE_SQL = """CREATE TABLE IF NOT EXISTS bootstrap (
    run_id TEXT NOT NULL, created REAL NOT NULL, n_boot INTEGER NOT NULL, seed INTEGER NOT NULL,
    scores BLOB NOT NULL, PRIMARY KEY (run_id, n_boot, seed))"""


def run_scores(store, run, n_boot=N_BOOT, seed=SEED):
    """Bootstrap macro-F1 distribution of one run, cached in the store (table ``bootstrap``)."""
    import sqlite3

    try:
        store.conn.execute(CACHE_SQL)
        q = "SELECT created, scores FROM bootstrap WHERE run_id=? AND n_boot=? AND seed=?"
        hit = store.conn.execute(q, (run["run_id"], n_boot, seed)).fetchone()
    except sqlite3.Error:  # read-only store: no cache
        hit = None
    if hit and hit[0] == run["created"]:
        return np.frombuffer(hit[1], dtype=np.float32)
    Y, P = decisions(store, run)
    scores = bootstrap_scores(Y, P, n_boot, seed).astype(np.float32)
    try:
        store.conn.execute("INSERT OR REPLACE INTO bootstrap VALUES (?, ?, ?, ?, ?)",
                           (run["run_id"], run["created"], n_boot, seed, scores.tobytes()))
    except sqlite3.Error:  # a read-only or busy store just means no cache
        pass
    return scores


def group_ci(store, runs, n_boot=N_BOOT, seed=SEED, level=0.95):
    """95% CI of the seed-mean test macro-F1 of ``runs``.

    Runs of one group share the test set, so with one seed they share the resamples: the mean is
    taken per resample (a paired bootstrap over test examples).
    """
    scores = np.mean([run_scores(store, r, n_boot, seed) for r in runs], axis=0)
    return interval(scores, level)


# -- comparing two runs --------------------------------------------------------------------------------
def check_comparable(a, b):
    """Raise BenchError unless runs ``a`` and ``b`` were evaluated on the same test set."""
    la, lb = a["metrics"].get("label_names"), b["metrics"].get("label_names")
    if la != lb:
        raise BenchError(f"runs {a['run_id']} and {b['run_id']} have different label names "
                         f"({len(la or [])} vs {len(lb or [])} labels); compare runs on the same dataset")
    ha, hb = (a.get("extra") or {}).get("test_hash"), (b.get("extra") or {}).get("test_hash")
    if ha is None or ha != hb:
        raise BenchError(f"runs {a['run_id']} and {b['run_id']} were tested on different test sets "
                         f"(test_hash {str(ha)[:12]} vs {str(hb)[:12]}); use the same dataset and --limit")


def paired_bootstrap(Y, Pa, Pb, n_boot=N_BOOT, seed=SEED, level=0.95):
    """Bootstrap distribution of macro-F1(a) - macro-F1(b) on shared resamples; CI and two-sided p."""
    W = resample_weights(len(Y), n_boot, seed)
    mask = present(Y)
    da = macro_f1_counts(*(W @ x for x in _parts(Y, Pa)), mask)
    db = macro_f1_counts(*(W @ x for x in _parts(Y, Pb)), mask)
    diff = da - db
    p = min(1.0, 2 * min((diff <= 0).mean(), (diff >= 0).mean()))
    return interval(diff, level), float(p)


def approximate_randomization(Y, Pa, Pb, n_perm=N_BOOT, seed=SEED):
    """Two-sided approximate randomization test (swap a/b per example): p-value of |diff|.

    Returns (p, observed difference). p = (1 + #{|d_perm| >= |d_obs|}) / (1 + n_perm).
    """
    A, B = _parts(Y, Pa), _parts(Y, Pb)
    ta, tb = [x.sum(0) for x in A], [x.sum(0) for x in B]
    mask = present(Y)
    obs = macro_f1_counts(*ta, mask) - macro_f1_counts(*tb, mask)
    rng = np.random.default_rng(seed)
    S = (rng.random((n_perm, len(Y))) < 0.5).astype(np.float32)  # 1 = swap this example
    # swapped totals: a' = a + S @ (b - a), b' = b - S @ (b - a)
    deltas = [S @ (xb - xa) for xa, xb in zip(A, B)]
    fa = macro_f1_counts(*(t + d for t, d in zip(ta, deltas)), mask)
    fb = macro_f1_counts(*(t - d for t, d in zip(tb, deltas)), mask)
    extreme = np.abs(fa - fb) >= abs(obs) - 1e-12
    return float((1 + extreme.sum()) / (1 + n_perm)), float(obs)


def compare(store, a, b, n=N_BOOT, seed=SEED, level=0.95):
    """Dict with both scores, the difference, its paired-bootstrap CI and both p-values."""
    check_comparable(a, b)
    Ya, Pa = decisions(store, a)
    Yb, Pb = decisions(store, b)
    if Ya.shape != Yb.shape or not np.array_equal(Ya, Yb):
        raise BenchError(f"runs {a['run_id']} and {b['run_id']} have different stored test labels")
    (lo, hi), p_boot = paired_bootstrap(Ya, Pa, Pb, n, seed, level)
    p_ar, diff = approximate_randomization(Ya, Pa, Pb, n, seed)
    return {"run_a": a["run_id"], "run_b": b["run_id"], "macro_f1_a": macro_f1(Ya, Pa),
            "macro_f1_b": macro_f1(Yb, Pb), "diff": diff, "ci_low": lo, "ci_high": hi, "level": level,
            "p_value": p_ar, "p_bootstrap": p_boot, "n_test": int(len(Ya)), "n_resamples": n, "seed": seed}
