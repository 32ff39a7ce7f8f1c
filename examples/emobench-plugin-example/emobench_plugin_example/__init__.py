"""An example emobench plugin: one dataset, one augmenter, one model.

Everything heavy (sklearn, datasets) is imported inside the factories, so `bench --help` stays fast.
"""
import csv
import random
from pathlib import Path

from benchmark import hookimpl

LABELS = ["joy", "anger", "sadness"]
CSV = Path(__file__).with_name("feelings.csv")


@hookimpl
def register_datasets(register):
    register("example-feelings", load_feelings, "60 hand-written sentences: joy, anger, sadness (single-label)",
             card={"citation": "emobench-plugin-example authors (2026)", "license": "CC0-1.0",
                   "source_url": "https://example.org/emobench-plugin-example", "hub_id": None,
                   "task": "single-label", "label_names": LABELS,
                   "split_sizes": {"train": 36, "validation": 12, "test": 12}})


@hookimpl
def register_augmenters(register):
    register("char-noise", CharNoise, "Random character swaps and drops (typo noise)")


@hookimpl
def register_models(register):
    register("nearest-centroid", NearestCentroid, "TF-IDF + nearest class centroid (cosine), softmax scores")


def load_feelings(split_seed=0):
    """The shipped CSV, split 60/20/20 with a seeded stratified split."""
    from benchmark.data import build, multi_hot
    from benchmark.errors import DataError
    from benchmark.sampling import stratified_indices

    texts, ids = [], []
    with open(CSV, newline="", encoding="utf-8") as f:
        for lineno, row in enumerate(csv.DictReader(f), 2):
            if row["label"] not in LABELS:
                raise DataError(CSV, f"unknown label '{row['label']}' (valid: {', '.join(LABELS)})", lineno)
            texts.append(row["text"])
            ids.append([LABELS.index(row["label"])])
    Y = multi_hot(ids, len(LABELS))
    test = set(stratified_indices(Y, len(Y) // 5, split_seed).tolist())
    rest = [i for i in range(len(Y)) if i not in test]
    dev = {rest[i] for i in stratified_indices(Y[rest], len(Y) // 5, split_seed + 1).tolist()}
    parts = {"train": [i for i in rest if i not in dev], "validation": sorted(dev), "test": sorted(test)}
    rows = {s: ([texts[i] for i in idx], Y[idx]) for s, idx in parts.items()}
    return build("example-feelings", rows, LABELS, multi_label=False, params={"split_seed": split_seed})


class CharNoise:
    """Each variant swaps or drops characters in about ``rate`` of the words."""

    def __init__(self, rate=0.15):
        self.rate = rate

    def augment(self, texts, n, seed):
        return [self._variants(t, n, random.Random(f"{seed}:{t}")) for t in texts]

    def _variants(self, text, n, rng):
        words = text.split()
        if not words:
            return []
        out = []
        for _ in range(n):
            new = []
            for w in words:
                if len(w) > 3 and rng.random() < self.rate:
                    i = rng.randrange(len(w) - 1)
                    w = w[:i] + w[i + 1] + w[i] + w[i + 2:] if rng.random() < 0.5 else w[:i] + w[i + 1:]
                new.append(w)
            out.append(" ".join(new))
        return out


class NearestCentroid:
    """scikit-learn contract: __init__ stores parameters, fit returns self."""

    def __init__(self, seed=0, temperature=0.1):
        self.seed = seed
        self.temperature = temperature

    def fit(self, texts, Y, *, multi_label=False, eval_set=None):
        import numpy as np
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        self.vectorizer_ = TfidfVectorizer(sublinear_tf=True).fit(texts)
        X = self.vectorizer_.transform(texts)
        Y = np.asarray(Y, dtype=float)
        counts = np.maximum(Y.sum(0), 1)[:, None]
        self.centroids_ = normalize(np.asarray((Y.T @ X) / counts))
        self.multi_label_ = multi_label
        return self

    def predict_proba(self, texts):
        import numpy as np
        from sklearn.preprocessing import normalize

        sims = normalize(self.vectorizer_.transform(texts)) @ self.centroids_.T
        z = np.asarray(sims) / self.temperature
        if self.multi_label_:
            return 1 / (1 + np.exp(-(z - z.mean(1, keepdims=True))))
        e = np.exp(z - z.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)
