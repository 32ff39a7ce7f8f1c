"""Projection of a dataset onto a shared label space (native | ekman | sentiment).

Each dataset plugin may register ``label_maps={"ekman": {...}, "sentiment": {...}}`` in its
spec meta: native label name -> target label name (or None when it cannot be mapped).
"""
import numpy as np

from benchmark.errors import BenchError

SPACES = ("native", "ekman", "sentiment")
EKMAN = ["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"]
SENTIMENT = ["positive", "negative", "ambiguous", "neutral"]
TARGETS = {"ekman": EKMAN, "sentiment": SENTIMENT}


def project(data, space, label_maps):
    """Return (data', notes). Labels that do not map are reported in notes, never silently dropped."""
    from benchmark.data import replace_splits

    if space == "native":
        return data, []
    if space not in TARGETS:
        raise BenchError(f"unknown --label-space '{space}'. Valid choices: {', '.join(SPACES)}")
    mapping = (label_maps or {}).get(space)
    if mapping is None:
        raise BenchError(f"dataset '{data.name}' has no mapping onto the {space} label space")
    target = TARGETS[space]
    M = np.zeros((len(data.label_names), len(target)), dtype=np.int8)
    unmapped = []
    for i, name in enumerate(data.label_names):
        dst = mapping.get(name)
        if dst is None:
            unmapped.append(name)
            continue
        for d in [dst] if isinstance(dst, str) else dst:
            M[i, target.index(d)] = 1
    notes = []
    rows = {}
    for split in data.splits:
        Y = data.Y(split)
        P = (Y.astype(np.int32) @ M > 0).astype(np.int8)
        lost = int(((Y.sum(1) > 0) & (P.sum(1) == 0)).sum())
        if unmapped:
            notes.append(f"{split}: labels without a {space} mapping: {', '.join(unmapped)} "
                         f"({lost} rows keep no label)")
        rows[split] = (data.texts(split), P)
    multi = data.multi_label or bool(any((r[1].sum(1) > 1).any() for r in rows.values()))
    new = replace_splits(data, rows, label_names=target, multi_label=multi)
    new.notes = list(data.notes) + notes
    new.params = dict(data.params, label_space=space)
    return new, notes
