"""The dataset container every dataset plugin returns, and helpers to build it."""
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

SPLITS = ("train", "validation", "test")


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def multi_hot(label_lists, n_labels):
    Y = np.zeros((len(label_lists), n_labels), dtype=np.int8)
    for i, ids in enumerate(label_lists):
        Y[i, list(ids)] = 1
    return Y


@dataclass
class EmoData:
    """Splits ``train``/``validation``/``test`` as an HF ``DatasetDict``.

    Columns: ``text`` (str) and ``labels`` (multi-hot list of 0/1, one per label name).
    Single-label datasets are one-hot with ``multi_label=False``.
    """

    name: str
    splits: object  # datasets.DatasetDict
    label_names: list
    multi_label: bool
    files: dict = field(default_factory=dict)  # path read -> sha256 actually read
    card: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)  # parameters that define this variant (taxonomy, ...)
    notes: list = field(default_factory=list)  # warnings to show and store (hash mismatch, unmapped labels)

    def texts(self, split):
        return self.splits[split].with_format(None)[:]["text"]  # one batch read (per-row iteration is slow)

    def Y(self, split):
        ds = self.splits[split]
        col = ds.with_format("arrow")[:]["labels"].combine_chunks()  # arrow: ~1000x faster than numpy format
        Y = col.flatten().to_numpy(zero_copy_only=False).astype(np.int8)
        return Y.reshape(len(ds), len(self.label_names))

    def sizes(self):
        return {s: len(self.splits[s]) for s in self.splits}


def build(name, split_rows, label_names, multi_label, files=None, card=None, params=None, notes=None):
    """``split_rows``: ``{split: (texts, Y)}`` with Y an (n, L) 0/1 array → :class:`EmoData`."""
    import datasets

    L = len(label_names)
    feats = datasets.Features(
        {"text": datasets.Value("string"), "labels": datasets.Sequence(datasets.Value("int8"), length=L)}
    )
    dd = datasets.DatasetDict(
        {
            s: datasets.Dataset.from_dict({"text": list(t), "labels": np.asarray(Y, dtype=np.int8).tolist()},
                                          features=feats)
            for s, (t, Y) in split_rows.items()
        }
    )
    return EmoData(name, dd, list(label_names), multi_label, dict(files or {}), dict(card or {}),
                   dict(params or {}), list(notes or []))


def replace_splits(data, split_rows, label_names=None, multi_label=None, **changes):
    """A copy of ``data`` with new split contents (e.g. after --limit or a label-space projection)."""
    new = build(data.name, split_rows, label_names or data.label_names,
                data.multi_label if multi_label is None else multi_label,
                data.files, data.card, data.params, data.notes)
    for k, v in changes.items():
        setattr(new, k, v)
    return new


def hash_files(paths, expected=None):
    """sha256 of each file read; returns (hashes, notes) where notes name files that differ from the card."""
    hashes, notes = {}, []
    expected = expected or {}
    for p in paths:
        p = Path(p)
        digest = sha256_file(p)
        hashes[str(p)] = digest
        want = expected.get(p.name) or expected.get(str(p))
        if want and want != digest:
            notes.append(f"warning: {p} differs from the dataset card (sha256 {digest[:12]}…, expected {want[:12]}…)")
    return hashes, notes
