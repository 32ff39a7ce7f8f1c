"""Contract checks for plugins, in the spirit of scikit-learn's ``check_estimator``.

    from benchmark.testing import check_plugin, plugin_params
    check_plugin("my-augmenter")                    # raises PluginContractError saying what to fix

    @plugin_params("augmenter")                     # one pytest case per registered augmenter
    def test_augmenter_contract(name):
        check_plugin(name, kind="augmenter")
"""
import copy

import numpy as np

from benchmark import plugins
from benchmark.errors import BenchError

CARD_FIELDS = ("citation", "license", "source_url", "task", "label_names", "split_sizes")

# A tiny corpus for model/augmenter checks when no real data is at hand (written for these checks).
_CORPUS = [
    ("I am so happy and grateful for this", 0), ("what a wonderful surprise, thank you", 0),
    ("this made my day, love it", 0), ("great news, I am thrilled", 0), ("so glad you came", 0),
    ("I hate waiting in this stupid line", 1), ("this is infuriating and unfair", 1),
    ("stop lying to me, I am furious", 1), ("what an annoying mess", 1), ("I am so angry right now", 1),
    ("I miss her so much it hurts", 2), ("this is heartbreaking news", 2), ("I feel lonely and sad", 2),
    ("we lost the game and I am gutted", 2), ("nothing feels right since he left", 2),
]


class PluginContractError(AssertionError):
    """A plugin broke the contract; the message says what to fix."""


def _fail(kind, name, problem, fix):
    raise PluginContractError(f"{kind} '{name}': {problem}. Fix: {fix}")


def check_plugin(name, kind=None, params=None, data=None):
    """Run every contract check for the plugin ``name``; returns the list of checks passed.

    ``params`` default to the ``check_params`` meta the plugin registered (e.g. an ensemble's members).
    """
    kind = kind or _kind_of(name)
    spec = plugins.get(kind, name)
    if params is None:  # a plugin may register check_params=... for its contract check
        params = dict(spec.meta.get("check_params") or {})
    return {"augmenter": check_augmenter, "model": check_model, "dataset": check_dataset}[kind](
        spec, params or {}, data)


def plugin_params(kind, exclude=()):
    """``pytest.mark.parametrize('name', ...)`` over every registered plugin of ``kind``."""
    import pytest

    names = [n for n in plugins.registry(kind).names() if n not in exclude]
    return pytest.mark.parametrize("name", names)


def _kind_of(name):
    kinds = [k for k in plugins.KINDS if name in plugins.registry(k)]
    if not kinds:
        from benchmark.registry import unknown_message

        every = sorted(n for k in plugins.KINDS for n in plugins.registry(k).names())
        raise BenchError(unknown_message("plugin", name, every))
    if len(kinds) > 1:
        raise BenchError(f"'{name}' names a {' and a '.join(kinds)}; pass kind=")
    return kinds[0]


def check_augmenter(spec, params, data=None):
    name, done = spec.name, []
    aug = spec.create(**params)
    if not callable(getattr(aug, "augment", None)):
        _fail("augmenter", name, "the factory's object has no augment() method",
              "return an object with augment(texts, n, seed) -> list[list[str]]")
    texts = [t for t, _ in _CORPUS[:6]] + ["", "hello", "😀😀😀", "the the the the the"]
    before = copy.deepcopy(texts)
    out1 = aug.augment(texts, 2, 7)
    if texts != before:
        _fail("augmenter", name, "augment() mutated its input list", "work on a copy of texts")
    if not isinstance(out1, list) or len(out1) != len(texts):
        _fail("augmenter", name, f"returned {len(out1) if hasattr(out1, '__len__') else type(out1).__name__} "
              f"rows for {len(texts)} texts", "return exactly one list of variants per input text, in order")
    done.append("one label row per text")
    for i, row in enumerate(out1):
        if not isinstance(row, list) or not all(isinstance(v, str) for v in row):
            _fail("augmenter", name, f"row {i} is not a list of str", "return list[list[str]]")
        if len(row) > 2:
            _fail("augmenter", name, f"row {i} has {len(row)} variants for n=2", "return at most n variants")
    done.append("types and n")
    out2 = aug.augment(list(texts), 2, 7)
    if out1 != out2:
        _fail("augmenter", name, "two calls with the same seed gave different output",
              "derive a local random.Random / numpy Generator from (seed, text); never use the global RNG")
    done.append("deterministic under a seed")
    done.append("handles empty and one-word texts")
    return done


def _check_data(data):
    if data is not None:
        return data
    texts = [t for t, _ in _CORPUS]
    y = np.array([c for _, c in _CORPUS])
    return texts, np.eye(3, dtype=np.int8)[y]


def check_model(spec, params, data=None):
    from benchmark.runner import _accepts

    name, done = spec.name, []
    texts, Y = _check_data(data)
    names = ["joy", "anger", "sadness"] if Y.shape[1] == 3 else [f"label_{j}" for j in range(Y.shape[1])]
    est = spec.create(seed=0, **params)
    for attr in ("fit", "predict_proba"):
        if not callable(getattr(est, attr, None)):
            _fail("model", name, f"no {attr}() method", "follow fit(texts, Y, *, multi_label, eval_set) / "
                  "predict_proba(texts)")
    for multi_label in (False, True):
        Ym = Y.copy()
        if multi_label:
            Ym[::3, (np.argmax(Ym[::3], 1) + 1) % Ym.shape[1]] = 1  # some rows get a second label
        est = spec.create(seed=0, **params)
        kw = {"multi_label": multi_label, "eval_set": (texts, Ym)}
        if _accepts(est.fit, "label_names"):
            kw["label_names"] = names
        fitted = est.fit(texts, Ym, **kw)
        if fitted is not est:
            _fail("model", name, "fit() did not return self", "end fit() with `return self`")
        P = np.asarray(est.predict_proba(texts))
        if P.shape != Ym.shape:
            _fail("model", name, f"predict_proba shape {P.shape}, expected {Ym.shape}",
                  "return one column per label, in label order, for every label (even unseen ones)")
        if not np.isfinite(P).all() or P.min() < 0 or P.max() > 1:
            _fail("model", name, f"predict_proba values outside [0, 1] (min {P.min():.3g}, max {P.max():.3g})",
                  "return probabilities: apply a sigmoid (multi-label) or softmax (single-label)")
        again = spec.create(seed=0, **params).fit(texts, Ym, **kw)
        if not np.allclose(P, again.predict_proba(texts), atol=1e-6):
            _fail("model", name, "same seed, different predictions", "seed every RNG from the seed parameter")
        done.append(f"{'multi' if multi_label else 'single'}-label fit/predict_proba")
    done += ["fit returns self", "probabilities in [0, 1]", "same seed, same output"]
    return done


def check_dataset(spec, params, data=None):
    name, done = spec.name, []
    missing = [f for f in CARD_FIELDS if not spec.meta.get("card", {}).get(f)]
    if missing:
        _fail("dataset", name, f"card lacks {', '.join(missing)}",
              "register(..., card=dict(citation=..., license=..., source_url=..., task=..., label_names=..., "
              "split_sizes=...))")
    done.append("card metadata complete")
    data = data or spec.create(**params)
    for split in ("train", "validation", "test"):
        if split not in data.splits:
            _fail("dataset", name, f"split '{split}' missing (has {list(data.splits)})",
                  "return train, validation and test splits (make a seeded split if upstream has none)")
    done.append("splits present")
    L = len(data.label_names)
    for split in data.splits:
        rows = data.splits[split].with_format(None)[:]["labels"]
        bad = next((i for i, r in enumerate(rows) if len(r) != L or any(v not in (0, 1) for v in r)), None)
        if bad is not None:
            _fail("dataset", name, f"{split} row {bad} has labels {rows[bad]!r}, outside the label set of {L} names",
                  "store labels as 0/1 lists with exactly one entry per label name (multi-hot); "
                  "map label ids with benchmark.data.multi_hot(ids, len(label_names))")
        Y = np.asarray(rows, dtype=np.int8).reshape(len(rows), L)
        if not data.multi_label and (Y.sum(1) != 1).any():
            bad = int(np.flatnonzero(Y.sum(1) != 1)[0])
            _fail("dataset", name, f"{split} row {bad} of a single-label dataset has {int(Y[bad].sum())} labels",
                  "give each row exactly one label id within range, or declare multi_label=True")
        empty = [i for i, t in enumerate(data.texts(split)) if not t or not t.strip()]
        if empty:
            _fail("dataset", name, f"{split} row {empty[0]} has an empty text", "drop or fix empty texts")
    done += ["labels within the label set", "no empty texts"]
    return done
