"""Augmented train sets, cached on disk and reused across models.

The key is a hash of: the train split's fingerprint (sha256 of its texts and label matrix), the augmenter
name, its resolved parameters, the plugin's distribution and version, the policy (scope, copies, target) and
the seed. The cached file (``cache_dir("augment")/<key>.json.gz``) holds only the generated copies and the
source row of each; labels are taken from the source rows, so a cache hit rebuilds exactly the same
(texts, Y). The semantic filter (``--aug-filter``) runs after the cache; its embeddings have their own cache.
Set ``EMOBENCH_AUG_CACHE=0`` to disable.
"""
import gzip
import hashlib
import json
import os

import numpy as np

from benchmark import policy

FORMAT = 1


def enabled():
    return os.environ.get("EMOBENCH_AUG_CACHE", "1").lower() not in ("0", "false", "no", "off")


def fingerprint(texts, Y):
    """sha256 of the train texts and labels (the dataset side of the key)."""
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass") + b"\0")
    Y = np.ascontiguousarray(np.asarray(Y, dtype=np.int8))
    h.update(str(Y.shape).encode())
    h.update(Y.tobytes())
    return h.hexdigest()


def cache_key(fp, augmenter, params, spec_version, seed, scope, copies, target):
    ident = {"format": FORMAT, "data": fp, "augmenter": augmenter, "params": params, "plugin": spec_version,
             "seed": seed, "scope": scope, "copies": copies if scope == "all" else None,
             "target": target if scope == "minority" else None}
    return hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode()).hexdigest()[:24]


def _path(key):
    from benchmark.paths import cache_dir

    return cache_dir("augment") / f"{key}.json.gz"


def load(key):
    path = _path(key)
    if not path.is_file():
        return None
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None  # a broken file is recomputed


def save(key, copies, source, stats):
    path = _path(key)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        json.dump({"copies": copies, "source": [int(i) for i in source], "stats": stats}, f)
    os.replace(tmp, path)
    return path


def augment_train(cfg, spec, texts, Y, progress=False, log=print, cache=None, create=None):
    """(texts, Y, stats) of ``cfg``'s augmented train split: originals first, then the (filtered) copies.

    ``spec`` is the augmenter's registry Spec; ``create(**params)`` builds the augmenter (default
    ``spec.create``). ``stats`` has before/after label counts, ``cache`` (hit|miss|off), ``cache_key`` and the
    private ``_source`` (original row of each copy; drop it before storing).
    """
    Y = np.asarray(Y)
    if cfg.augmenter == "none":
        return policy.apply(None, texts, Y, cfg.seed)
    if cfg.aug_filter:
        from benchmark.augfilter import parse

        parse(cfg.aug_filter)  # a bad filter fails before any work
    cache = enabled() if cache is None else cache
    params = {**spec.defaults(), **cfg.augmenter_params}
    key = cache_key(fingerprint(texts, Y), cfg.augmenter, params, f"{spec.distribution} {spec.version}",
                    cfg.seed, cfg.aug_scope, cfg.aug_copies, cfg.aug_target)
    hit = load(key) if cache else None
    if hit is not None:
        copies, source, stats = hit["copies"], hit["source"], hit["stats"]
        stats["cache"] = "hit"
        log(f"augment: {len(copies)} copies from the cache ({key})")
    else:
        aug = create(**cfg.augmenter_params) if create else create_augmenter(spec, cfg.augmenter_params)
        out_texts, _, stats = policy.apply(aug, texts, Y, cfg.seed, cfg.aug_scope, cfg.aug_copies, cfg.aug_target,
                                           name=cfg.augmenter, progress=progress)
        source = stats.pop("_source")
        copies = out_texts[len(texts):]
        if cache:
            save(key, copies, source, stats)
        stats["cache"] = "miss" if cache else "off"
    stats["cache_key"] = key
    out_texts = list(texts) + list(copies)
    out_Y = np.concatenate([Y, Y[np.asarray(source, dtype=np.int64)]]) if len(source) else Y.copy()
    if cfg.aug_filter:
        from benchmark.augfilter import filter_augmented

        out_texts, out_Y, fstats = filter_augmented(texts, out_texts, out_Y, cfg.aug_filter, source, progress)
        source = fstats.pop("_source")
        stats.update(fstats)
        log(f"augment: filter {cfg.aug_filter} kept {fstats['filter_kept']}/{fstats['filter_generated']} copies "
            f"(acceptance {fstats['filter_acceptance']})")
    stats["_source"] = list(source)
    return out_texts, out_Y, stats


def create_augmenter(spec, params):
    """``spec.create(**params)`` with one-line errors (bad parameter -> the defaults; crash -> PluginError)."""
    from benchmark.errors import BenchError, PluginError

    try:
        return spec.create(**params)
    except BenchError:
        raise
    except TypeError as exc:
        raise BenchError(f"augmenter '{spec.name}': bad parameter ({exc}); defaults: {spec.defaults()}") from exc
    except Exception as exc:
        raise PluginError("augmenter", spec.name, exc) from exc
