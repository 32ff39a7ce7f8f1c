"""Metrics (scikit-learn) and dev-tuned decision thresholds."""
import numpy as np

GRID = np.round(np.arange(0.02, 0.96, 0.01), 2)


def tune_thresholds(proba, Y, grid=GRID):
    """Per-label threshold that maximises that label's F1 on the given (dev) split."""
    proba, Y = np.asarray(proba, dtype=np.float32), np.asarray(Y).astype(bool)
    pred = proba[:, :, None] >= grid[None, None, :]  # n x L x G
    tp = (pred & Y[:, :, None]).sum(0)
    fp = (pred & ~Y[:, :, None]).sum(0)
    fn = (~pred & Y[:, :, None]).sum(0)
    f1 = 2 * tp / np.maximum(2 * tp + fp + fn, 1)
    return grid[f1.argmax(axis=1)].astype(np.float32)


def decide(proba, multi_label, thresholds=None, min_one=False):
    """0/1 predictions: argmax for single-label; thresholds (default 0.5) for multi-label.

    ``min_one`` keeps the top label when no label passes (for datasets where every row has one).
    """
    proba = np.asarray(proba)
    out = np.zeros(proba.shape, dtype=np.int8)
    if not multi_label:
        out[np.arange(len(proba)), proba.argmax(axis=1)] = 1
        return out
    thr = 0.5 if thresholds is None else np.asarray(thresholds)[None, :]
    out[:] = proba >= thr
    if min_one:
        empty = out.sum(axis=1) == 0
        out[np.flatnonzero(empty), proba[empty].argmax(axis=1)] = 1
    return out


def evaluate(Y, pred, label_names, multi_label):
    """Dict of metrics for 0/1 ``pred`` against 0/1 ``Y``."""
    from sklearn import metrics as m

    Y, pred = np.asarray(Y), np.asarray(pred)
    out = {}
    # macro averages skip labels absent from the gold split (e.g. disgust in Ekman-projected CARER)
    present = [j for j in range(Y.shape[1]) if Y[:, j].any()] or list(range(Y.shape[1]))
    if multi_label:
        for avg in ("macro", "micro", "weighted"):
            p, r, f, _ = m.precision_recall_fscore_support(Y, pred, average=avg, zero_division=0,
                                                           labels=present if avg == "macro" else None)
            out.update({f"{avg}_precision": p, f"{avg}_recall": r, f"{avg}_f1": f})
        out["hamming_loss"] = m.hamming_loss(Y, pred)
        out["subset_accuracy"] = m.accuracy_score(Y, pred)
        per = m.f1_score(Y, pred, average=None, zero_division=0)
    else:
        y, yp = Y.argmax(1), pred.argmax(1)
        labels = list(range(len(label_names)))
        out["accuracy"] = m.accuracy_score(y, yp)
        for avg in ("macro", "micro", "weighted"):
            p, r, f, _ = m.precision_recall_fscore_support(y, yp, labels=present if avg == "macro" else labels,
                                                           average=avg, zero_division=0)
            out.update({f"{avg}_precision": p, f"{avg}_recall": r, f"{avg}_f1": f})
        per = m.f1_score(y, yp, labels=labels, average=None, zero_division=0)
    out = {k: float(v) for k, v in out.items()}
    out["per_label_f1"] = {n: float(v) for n, v in zip(label_names, per)}
    out["support"] = {n: int(v) for n, v in zip(label_names, Y.sum(axis=0))}
    if len(present) < Y.shape[1]:
        out["absent_labels"] = [label_names[j] for j in range(Y.shape[1]) if j not in present]
    return out
