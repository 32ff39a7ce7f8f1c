"""One run: dataset -> augmenter (train only) -> model.fit -> predict_proba -> metrics -> store."""
import hashlib
import inspect
import platform
import time
from importlib import metadata

import numpy as np

from benchmark import labelspace, metrics, plugins
from benchmark import policy as aug_policy
from benchmark.config import RunConfig
from benchmark.errors import BenchError, PluginError

PACKAGES = ("emobench", "numpy", "scikit-learn", "torch", "transformers", "datasets", "sentence-transformers",
            "textattack", "nltk", "pluggy")


def dataset_spec(name):
    """The spec for a registered name, a ``file:PATH`` or a ``card.toml`` path."""
    if name.startswith("file:") or name.endswith(".toml"):
        try:
            from datasets_registry.files import file_spec
        except ImportError as exc:
            raise BenchError(f"file datasets are not available: {exc}") from exc
        return file_spec(name)
    return plugins.get("dataset", name)


_loaded = {}  # in-process cache: (name, params, data dir) -> EmoData (datasets are read-only)


def load_data(name, params, label_space="native", limit=None, limit_seed=0):
    import json
    import os

    spec = dataset_spec(name)
    key = (name, json.dumps(params, sort_keys=True, default=str), os.environ.get("EMOBENCH_DATA_DIR"))
    try:
        data = _loaded.get(key) or spec.create(**params)
    except BenchError:
        raise
    except TypeError as exc:
        raise BenchError(f"dataset '{name}': bad parameter ({exc}); defaults: {spec.defaults()}") from exc
    except Exception as exc:
        raise PluginError("dataset", name, exc) from exc
    if len(_loaded) > 8:
        _loaded.clear()
    _loaded[key] = data
    data, _ = labelspace.project(data, label_space, spec.meta.get("label_maps"))
    if limit:
        data = limit_data(data, limit, limit_seed)
    return data


def limit_data(data, n, seed):
    from benchmark.data import replace_splits
    from benchmark.sampling import stratified_indices

    rows = {}
    for split in data.splits:
        Y = data.Y(split)
        idx = stratified_indices(Y, n, seed)
        texts = data.texts(split)
        rows[split] = ([texts[i] for i in idx], Y[idx])
    return replace_splits(data, rows)


def subsample_train(data, n, seed):
    """Keep a seeded, label-stratified sample of ``n`` train rows ("max" or a larger n keeps all)."""
    from benchmark.data import replace_splits
    from benchmark.sampling import stratified_indices

    if n == "max":
        return data
    idx = stratified_indices(data.Y("train"), int(n), seed)
    texts, Y = data.texts("train"), data.Y("train")
    rows = {s: (data.texts(s), data.Y(s)) for s in data.splits if s != "train"}
    rows["train"] = ([texts[i] for i in idx], Y[idx])
    return replace_splits(data, rows)


def versions(extra_dists=()):
    out = {"python": platform.python_version()}
    for name in tuple(PACKAGES) + tuple(extra_dists):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return out


def texts_hash(texts):
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def _accepts(fn, name):
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def _call(kind, name, fn, *args, **kwargs):
    try:
        return fn(*args, **kwargs)
    except BenchError:
        raise
    except KeyboardInterrupt:
        raise
    except Exception as exc:
        raise PluginError(kind, name, exc) from exc


def resolve(cfg: RunConfig):
    """Look every plugin up before any work, so a typo fails fast with 'did you mean'."""
    specs = {"dataset": dataset_spec(cfg.dataset), "augmenter": plugins.get("augmenter", cfg.augmenter),
             "model": plugins.get("model", cfg.model)}
    if cfg.eval_dataset:
        specs["eval_dataset"] = dataset_spec(cfg.eval_dataset)
    if cfg.label_space not in labelspace.SPACES:
        raise BenchError(f"unknown --label-space '{cfg.label_space}'. Valid choices: {', '.join(labelspace.SPACES)}")
    if cfg.augmenter != "none":
        aug_policy.plan(np.zeros((0, 1)), cfg.aug_scope, cfg.aug_copies, cfg.aug_target)
        if cfg.aug_filter:
            from benchmark.augfilter import parse

            parse(cfg.aug_filter)
    return specs


LOCATION_PARAMS = ("source", "data_dir", "path")


def normalize(cfg: RunConfig, specs):
    """Fill the dataset's default parameters (e.g. taxonomy) so that defaults and explicit values share an id."""
    defaults = {k: v for k, v in specs["dataset"].defaults().items() if k not in LOCATION_PARAMS}
    cfg.dataset_params = {**defaults, **cfg.dataset_params}
    if cfg.eval_dataset:  # the eval dataset's parameters (e.g. semeval neutral=none) are part of the identity too
        eval_defaults = {k: v for k, v in specs["eval_dataset"].defaults().items() if k not in LOCATION_PARAMS}
        cfg.extra = {**cfg.extra, "eval_dataset_params": {**eval_defaults, **cfg.extra.get("eval_dataset_params", {})}}
    return cfg


def run(cfg: RunConfig, store, force=False, progress=False, log=print):
    """Run ``cfg`` unless a finished run with the same identity is stored. Returns (row, skipped)."""
    specs = resolve(cfg)
    cfg = normalize(cfg, specs)
    run_id = cfg.run_id()
    if not force and store.done(run_id):
        return store.get(run_id), True
    timings, t0 = {}, time.perf_counter()

    def lap(stage, start):
        timings[stage] = round(time.perf_counter() - start, 3)
        return time.perf_counter()

    t = time.perf_counter()
    data = load_data(cfg.dataset, cfg.dataset_params, cfg.label_space, cfg.limit, cfg.limit_seed)
    if cfg.extra.get("train_size"):  # protocol subsets (bench transfer): seeded, stratified train rows
        data = subsample_train(data, cfg.extra["train_size"], cfg.extra.get("subset_seed", cfg.seed))
    eval_data, overlap = data, None
    if cfg.eval_dataset:
        eval_data, overlap = cross_eval_data(cfg, data)
    notes = list(data.notes) + (list(eval_data.notes) if eval_data is not data else [])
    for note in notes:
        log(note)
    t = lap("load", t)

    # augment the train split (policy + on-disk cache of augmented sets + optional semantic filter)
    from benchmark.augcache import augment_train

    train_texts, train_Y, aug_stats = augment_train(
        cfg, specs["augmenter"], data.texts("train"), data.Y("train"), progress=progress, log=log)
    aug_stats.pop("_source", None)
    aug_stats["label_names"] = data.label_names
    aug_stats["train_hash"] = texts_hash(train_texts)  # sha256 of the augmented train texts, in order
    if cfg.augmenter != "none":
        from benchmark.report import distribution

        log(distribution(aug_stats))
    t = lap("augment", t)

    model = _call("model", cfg.model, specs["model"].create, seed=cfg.seed, **cfg.model_params)
    dev_texts, dev_Y = data.texts("validation"), data.Y("validation")
    fit_kwargs = {"multi_label": data.multi_label, "eval_set": (dev_texts, dev_Y)}
    if _accepts(model.fit, "run_dir"):
        from benchmark import paths

        fit_kwargs["run_dir"] = str(paths.home() / "runs" / run_id)
    if _accepts(model.fit, "label_names"):
        fit_kwargs["label_names"] = list(data.label_names)
    fitted = _call("model", cfg.model, model.fit, train_texts, train_Y, **fit_kwargs)
    if fitted is not model:
        raise PluginError("model", cfg.model, TypeError("fit() must return self (scikit-learn contract)"))
    t = lap("fit", t)

    dev_proba = _proba(model, cfg.model, dev_texts, len(data.label_names))
    test_texts, test_Y = eval_data.texts("test"), eval_data.Y("test")
    test_proba = _proba(model, cfg.model, test_texts, len(data.label_names))
    t = lap("predict", t)

    min_one = bool((train_Y.sum(1) > 0).all())
    thr = metrics.tune_thresholds(dev_proba, dev_Y) if data.multi_label else None
    dev_pred = metrics.decide(dev_proba, data.multi_label, thr, min_one)
    # cross-dataset: the eval dataset decides how the test split is scored (one label per row if either is single)
    test_multi = eval_data.multi_label
    test_pred = metrics.decide(test_proba, data.multi_label and test_multi, thr, min_one)
    result = {
        "dev": metrics.evaluate(dev_Y, dev_pred, data.label_names, data.multi_label),
        "test": metrics.evaluate(test_Y, test_pred, data.label_names, test_multi),
        "multi_label": data.multi_label,
        "thresholds": None if thr is None else [float(x) for x in thr],
        "min_one": min_one,
        "label_names": data.label_names,
        "sizes": {"train": len(data.splits["train"]), "train_augmented": len(train_texts),
                  "validation": len(dev_texts), "test": len(test_texts)},
    }
    lap("metrics", t)
    timings["total"] = round(time.perf_counter() - t0, 3)

    extra = dict(cfg.extra)
    extra.update(notes=notes, test_hash=texts_hash(test_texts), dev_hash=texts_hash(dev_texts),
                 resolved_params={"augmenter": {**specs["augmenter"].defaults(), **cfg.augmenter_params},
                                  "model": {**specs["model"].defaults(), **cfg.model_params}},
                 plugins={k: f"{s.distribution} {s.version}".strip() for k, s in specs.items()})
    if overlap is not None:
        extra["overlap"] = overlap
    for attr in ("info_", "best_epoch_", "checkpoint_"):
        if hasattr(model, attr):
            extra[attr.rstrip("_")] = getattr(model, attr)
    files = dict(data.files)
    if eval_data is not data:
        files.update(eval_data.files)
    row = {
        "run_id": run_id, "group_id": cfg.group_id(), "status": "done",
        "dataset": cfg.dataset, "taxonomy": cfg.taxonomy, "label_space": cfg.label_space,
        "eval_dataset": cfg.eval_dataset, "augmenter": cfg.augmenter, "model": cfg.model,
        "seed": cfg.seed, "limit_n": cfg.limit, "config": cfg.identity(), "metrics": result,
        "versions": versions(), "data_hashes": files, "timings": timings, "aug_stats": aug_stats,
        "extra": extra,
    }
    arrays = {"dev_proba": dev_proba.astype(np.float16), "dev_y": dev_Y.astype(np.int8),
              "test_proba": test_proba.astype(np.float16), "test_y": test_Y.astype(np.int8),
              "test_pred": test_pred.astype(np.int8)}  # the scored decisions (float16 proba can flip ties)
    if thr is not None:
        arrays["thresholds"] = thr
    curves = getattr(model, "history_", None)
    store.save(row, arrays=arrays, curves=curves)
    return store.get(run_id), False


def _proba(model, name, texts, n_labels):
    P = np.asarray(_call("model", name, model.predict_proba, texts), dtype=np.float32)
    if P.shape != (len(texts), n_labels):
        raise PluginError("model", name, ValueError(
            f"predict_proba returned shape {P.shape}, expected {(len(texts), n_labels)}"))
    if not np.isfinite(P).all() or P.min() < 0 or P.max() > 1:
        raise PluginError("model", name, ValueError("predict_proba returned values outside [0, 1]"))
    return P


def overlap_key(text):
    """Text normalised for overlap checks: HTML entities, case, @mentions (-> @user, as TweetEval), whitespace."""
    import html
    import re

    t = html.unescape(text).lower()
    t = re.sub(r"@\w+", "@user", t)
    return " ".join(t.split())


def cross_eval_data(cfg, train_data):
    """B's test split in A's label space, minus texts that occur in A's train or validation data."""
    from benchmark.data import replace_splits

    B = load_data(cfg.eval_dataset, dict(cfg.extra.get("eval_dataset_params", {})), cfg.label_space)
    if B.label_names != train_data.label_names:
        raise BenchError(
            f"--eval-dataset {cfg.eval_dataset}: label spaces differ ({len(train_data.label_names)} vs "
            f"{len(B.label_names)} labels); pass --label-space ekman or sentiment")
    seen = {s: {overlap_key(t) for t in train_data.texts(s)} for s in ("train", "validation", "test")}
    texts, Y = B.texts("test"), B.Y("test")
    keys = [overlap_key(t) for t in texts]
    in_train = [k in seen["train"] for k in keys]
    in_dev = [k in seen["validation"] for k in keys]
    keep = [i for i in range(len(texts)) if not (in_train[i] or in_dev[i])]
    overlap = {"eval_test_rows": len(texts), "overlap_with_train": sum(in_train),
               "overlap_with_validation": sum(in_dev), "excluded": len(texts) - len(keep),
               "overlap_with_test": sum(k in seen["test"] for k in keys),  # reported only: A's test never trains
               "normalisation": "html unescape, lowercase, @mention->@user, whitespace"}
    if not keep:
        raise BenchError(f"--eval-dataset {cfg.eval_dataset}: every test text also occurs in {cfg.dataset}'s "
                         "train/validation data; nothing left to evaluate")
    rows = {s: (B.texts(s), B.Y(s)) for s in B.splits if s != "test"}
    rows["test"] = ([texts[i] for i in keep], Y[keep])
    note = (f"eval {cfg.eval_dataset}: {overlap['excluded']} of {len(texts)} test texts also occur in "
            f"{cfg.dataset} (train {overlap['overlap_with_train']}, validation "
            f"{overlap['overlap_with_validation']}) and were excluded; {overlap['overlap_with_test']} occur in "
            f"{cfg.dataset}'s test split (not used for training, kept)")
    return replace_splits(B, rows, notes=[f"eval {cfg.eval_dataset}: {n}" for n in B.notes] + [note]), overlap
