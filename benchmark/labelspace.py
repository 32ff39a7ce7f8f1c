"""Projection of a dataset onto a shared label space (native | ekman | sentiment).

Each dataset plugin may register ``label_maps={"ekman": {...}, "sentiment": {...}}`` in its
spec meta: native label name -> target label name, a list of names, or None when it cannot be mapped.
Datasets without a map (e.g. ``file:`` datasets) use :data:`COMMON` for the names it knows.

Nothing is dropped silently: unmapped labels, their positives, and rows left without any label are
reported in the notes. Multi-label rows left without a label stay (as rows with no label); single-label
rows left without a label are removed, because a single-label row needs exactly one class.
"""
import numpy as np

from benchmark.errors import BenchError

SPACES = ("native", "ekman", "sentiment")
EKMAN = ["anger", "disgust", "fear", "joy", "sadness", "surprise", "neutral"]
SENTIMENT = ["positive", "negative", "ambiguous", "neutral"]
TARGETS = {"ekman": EKMAN, "sentiment": SENTIMENT}

# Common emotion names -> (ekman, sentiment); None = no counterpart. Used when a dataset brings no map.
_COMMON = {
    "anger": ("anger", "negative"), "annoyance": ("anger", "negative"), "rage": ("anger", "negative"),
    "disgust": ("disgust", "negative"), "fear": ("fear", "negative"), "nervousness": ("fear", "negative"),
    "joy": ("joy", "positive"), "happiness": ("joy", "positive"), "happy": ("joy", "positive"),
    "love": ("joy", "positive"), "optimism": ("joy", "positive"), "sadness": ("sadness", "negative"),
    "sad": ("sadness", "negative"), "pessimism": ("sadness", "negative"), "grief": ("sadness", "negative"),
    "surprise": ("surprise", "ambiguous"), "neutral": ("neutral", "neutral"), "none": ("neutral", "neutral"),
    "anticipation": (None, "ambiguous"), "trust": (None, "positive"),
    "positive": (None, "positive"), "negative": (None, "negative"), "ambiguous": (None, "ambiguous"),
}
COMMON = {"ekman": {k: v[0] for k, v in _COMMON.items()}, "sentiment": {k: v[1] for k, v in _COMMON.items()}}


def mapping_for(name, space, label_maps):
    """The native->target map of dataset ``name`` for ``space`` (its own, else :data:`COMMON`)."""
    mapping = (label_maps or {}).get(space)
    if mapping is None:
        mapping = COMMON[space]
    bad = sorted({d for v in mapping.values() if v for d in ([v] if isinstance(v, str) else v)} - set(TARGETS[space]))
    if bad:
        raise BenchError(f"dataset '{name}': label map for {space} names unknown target '{bad[0]}'. "
                         f"Valid choices: {', '.join(TARGETS[space])}")
    return mapping


def matrix(label_names, space, mapping):
    """(L_native, L_target) 0/1 matrix and the native labels that have no target."""
    target = TARGETS[space]
    M = np.zeros((len(label_names), len(target)), dtype=np.int8)
    unmapped = []
    for i, name in enumerate(label_names):
        dst = mapping.get(name, mapping.get(name.lower()))
        if not dst:
            unmapped.append(name)
            continue
        for d in [dst] if isinstance(dst, str) else dst:
            M[i, target.index(d)] = 1
    return M, unmapped


def project(data, space, label_maps):
    """Return (data', notes). Labels that do not map are reported in notes, never silently dropped."""
    from benchmark.data import replace_splits

    if space == "native":
        return data, []
    if space not in TARGETS:
        raise BenchError(f"unknown --label-space '{space}'. Valid choices: {', '.join(SPACES)}")
    M, unmapped = matrix(data.label_names, space, mapping_for(data.name, space, label_maps))
    if not M.any():
        raise BenchError(f"dataset '{data.name}' has no label that maps onto the {space} label space "
                         f"(labels: {', '.join(data.label_names)}); give label_maps in its card")
    notes, rows = [], {}
    for split in data.splits:
        Y, texts = data.Y(split), data.texts(split)
        P = (Y.astype(np.int32) @ M > 0).astype(np.int8)
        lost = (Y.sum(1) > 0) & (P.sum(1) == 0)
        if unmapped:
            counts = ", ".join(f"{n} {int(Y[:, data.label_names.index(n)].sum())}" for n in unmapped)
            notes.append(f"{space} projection, {split}: labels with no {space} counterpart: {counts} positives")
        if lost.any():
            if data.multi_label:
                notes.append(f"{space} projection, {split}: {int(lost.sum())} rows keep no label (kept, unlabelled)")
            else:
                keep = np.flatnonzero(~lost)
                texts, P = [texts[i] for i in keep], P[keep]
                notes.append(f"{space} projection, {split}: {int(lost.sum())} rows keep no label and were removed "
                             "(single-label data)")
        rows[split] = (texts, P)
    multi = data.multi_label or bool(any((r[1].sum(1) > 1).any() for r in rows.values()))
    new = replace_splits(data, rows, label_names=TARGETS[space], multi_label=multi)
    new.notes = list(data.notes) + notes
    new.params = dict(data.params, label_space=space)
    return new, notes
