"""Ensemble: the (weighted) average of ``predict_proba`` of stored runs or of models trained here.

``members=RUN1,RUN2``: stored runs (run ids or unique prefixes) from the results store (or ``store=PATH``;
``RUN@PATH`` takes one member from another store).
Their stored dev/test probabilities are averaged, so ``predict_proba`` only answers for the exact dev or
test texts the members were evaluated on (checked by hash). ``models=tfidf-logreg,sentence-encoder``:
each named model is built with its defaults (or ``models=[{"name": ..., "param": ...}, ...]``) and fitted
in ``fit``. The runner then tunes thresholds on the averaged dev probabilities.
"""
from pathlib import Path

import numpy as np

from benchmark.errors import BenchError


def _names(value):
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


class Ensemble:
    def __init__(self, seed=0, members=None, models=None, weights=None, store=None):
        self.seed = seed
        self.members = members
        self.models = models
        self.weights = weights
        self.store = store

    def fit(self, texts, Y, *, multi_label=True, eval_set=None, label_names=None, run_dir=None):
        members, models = _names(self.members), _names(self.models)
        if bool(members) == bool(models):
            raise BenchError("ensemble: give either members=RUN_ID,RUN_ID (stored runs) or "
                             "models=NAME,NAME (models to train), not both or neither")
        n = len(members or models)
        try:
            w = [float(x) for x in _names(self.weights)] if self.weights is not None else [1.0] * n
        except (TypeError, ValueError):
            w = []
        if len(w) != n or min(w) < 0 or sum(w) <= 0:
            raise BenchError(f"ensemble: weights must be {n} non-negative numbers with a positive sum, "
                             f"got {self.weights}")
        self.weights_ = np.asarray(w, dtype=np.float32) / sum(w)
        self.n_labels_ = np.asarray(Y).shape[1]
        if members:
            self._fit_runs(members, eval_set, label_names)
        else:
            self._fit_models(models, texts, Y, multi_label, eval_set, label_names, run_dir)
        return self

    # -- stored runs ----------------------------------------------------------------
    def _fit_runs(self, members, eval_set, label_names):
        from benchmark import runner
        from benchmark.store import Store

        self.arrays_, rows = {}, []
        for member in members:
            rid, _, path = str(member).partition("@")  # RUN_ID@/other/results.sqlite reads another store
            path = path or self.store
            if path and not Path(path).expanduser().is_file():
                raise BenchError(f"ensemble: no results store at {path}")
            with Store(Path(path).expanduser() if path else None) as store:
                row = store.get(rid)
                if row is None or row["status"] != "done":
                    raise BenchError(f"ensemble: no finished run '{rid}' in {store.path} (see bench leaderboard)")
                arrays = store.arrays(row["run_id"])
            if arrays is None or "dev_proba" not in arrays:
                raise BenchError(f"ensemble: run {row['run_id']} has no stored predictions")
            if row["run_id"] in self.arrays_:
                raise BenchError(f"ensemble: run {row['run_id']} is listed twice (use weights= instead)")
            rows.append(row)
            self.arrays_[row["run_id"]] = arrays
        first = rows[0]
        for row in rows:
            for key in ("dev_hash", "test_hash"):
                if row["extra"].get(key) != first["extra"].get(key):
                    split = key.split("_")[0]
                    raise BenchError(f"ensemble: runs {first['run_id']} and {row['run_id']} were evaluated on "
                                     f"different {split} sets; members must share the same dev and test texts")
            names = row["metrics"].get("label_names")
            if label_names is not None and names is not None and list(names) != list(label_names):
                raise BenchError(f"ensemble: run {row['run_id']} has labels {names[:3]}..., this dataset "
                                 f"{list(label_names)[:3]}...; use runs of the same dataset and label space")
            if self.arrays_[row["run_id"]]["dev_proba"].shape[1] != self.n_labels_:
                raise BenchError(f"ensemble: run {row['run_id']} has "
                                 f"{self.arrays_[row['run_id']]['dev_proba'].shape[1]} labels, this dataset "
                                 f"{self.n_labels_}")
        self.hashes_ = {"dev": first["extra"]["dev_hash"], "test": first["extra"]["test_hash"]}
        if eval_set is not None and runner.texts_hash(eval_set[0]) != self.hashes_["dev"]:
            raise BenchError(f"ensemble: this run's dev set differs from the one run {first['run_id']} was "
                             "evaluated on (same dataset, --limit and label space?)")
        self.member_ids_ = [r["run_id"] for r in rows]
        self.info_ = {"members": [{"run_id": r["run_id"], "model": r["model"],
                                   "test_macro_f1": r["metrics"]["test"].get("macro_f1")} for r in rows],
                      "weights": self.weights_.tolist()}

    def _stored(self, texts):
        from benchmark import runner

        h = runner.texts_hash(texts)
        split = next((s for s, v in self.hashes_.items() if v == h), None)
        if split is None:
            raise BenchError(f"ensemble of stored runs can only predict its members' dev or test texts; these "
                             f"{len(texts)} texts are neither (different dataset, --limit or --eval-dataset?)")
        stack = [self.arrays_[rid][f"{split}_proba"].astype(np.float32) for rid in self.member_ids_]
        return stack

    # -- models trained here ---------------------------------------------------------
    def _fit_models(self, models, texts, Y, multi_label, eval_set, label_names, run_dir):
        from benchmark import plugins, runner

        self.members_, info = [], []
        for i, m in enumerate(models):
            params = dict(m) if isinstance(m, dict) else {"name": m}
            name = params.pop("name", None)
            if name == "ensemble":
                raise BenchError("ensemble: an ensemble cannot contain 'ensemble'")
            spec = plugins.get("model", name)
            model = spec.create(seed=self.seed, **params)
            kwargs = {"multi_label": multi_label, "eval_set": eval_set}
            if label_names is not None and runner._accepts(model.fit, "label_names"):
                kwargs["label_names"] = label_names
            if run_dir and runner._accepts(model.fit, "run_dir"):
                kwargs["run_dir"] = f"{run_dir}/member{i}-{name}"
            if model.fit(texts, Y, **kwargs) is not model:
                raise BenchError(f"ensemble: member '{name}' fit() did not return self")
            self.members_.append(model)
            info.append({"model": name, "params": params, "info": getattr(model, "info_", None)})
        self.info_ = {"models": info, "weights": self.weights_.tolist()}

    def predict_proba(self, texts):
        if hasattr(self, "member_ids_"):
            stack = self._stored(texts)
        else:
            stack = [np.asarray(m.predict_proba(texts), dtype=np.float32) for m in self.members_]
        P = sum(w * p for w, p in zip(self.weights_, stack))
        return np.clip(P, 0, 1).astype(np.float32)
