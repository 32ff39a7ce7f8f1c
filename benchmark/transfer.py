"""The BASELINE / FREEZE / NOFREEZE transfer protocol (Demszky et al. 2020; the paper's train100..trainmax).

The source model is one stored run (trained once, reused). Each target cell is a stored run whose
``extra`` names the protocol, strategy, train size and source run; that ``extra`` is part of the run's
identity, so cells are skipped when done and never mix with ordinary runs.
"""
import time
from dataclasses import replace

from benchmark.config import RunConfig
from benchmark.errors import BenchError
from benchmark.registry import unknown_message

STRATEGIES = ("baseline", "freeze", "nofreeze")


def parse_strategies(text):
    out = [s.strip() for s in str(text).split(",") if s.strip()]
    for s in out:
        if s not in STRATEGIES:
            raise BenchError(unknown_message("strategy", s, STRATEGIES))
    if not out:
        raise BenchError(f"--strategies is empty. Valid choices: {', '.join(STRATEGIES)}")
    return out


def parse_sizes(text):
    out = []
    for s in str(text).split(","):
        s = s.strip()
        if s == "max":
            out.append("max")
        elif s.isdigit() and int(s) > 0:
            out.append(int(s))
        elif s:
            raise BenchError(f"--sizes: '{s}' is not a positive number or 'max'")
    if not out:
        raise BenchError("--sizes is empty")
    return out


def source_config(source, model="transformer-finetune", model_params=None, seed=0, limit=None, dataset_params=None):
    """The source run: an ordinary run, so ``bench run`` with the same options is the same run."""
    return RunConfig(dataset=source, dataset_params=dict(dataset_params or {}), model=model,
                     model_params=dict(model_params or {}), seed=seed, limit=limit)


def cell_config(target, strategy, size, seed, source_run, model="transformer-finetune", model_params=None,
                target_params=None, dataset_params=None, source_dataset=None, limit=None):
    params = {**(model_params or {}), **(target_params or {})}
    if strategy != "baseline":
        params["init_from"] = source_run
        if strategy == "freeze":
            params["freeze"] = True
    extra = {"protocol": "transfer", "strategy": strategy, "train_size": size, "source_run": source_run,
             "source_dataset": source_dataset}
    return RunConfig(dataset=target, dataset_params=dict(dataset_params or {}), model=model, model_params=params,
                     seed=seed, limit=limit, extra=extra)


def run_transfer(store, source, target, strategies=STRATEGIES, sizes=("max",), seeds=1, model="transformer-finetune",
                 model_params=None, target_params=None, limit_source=None, source_seed=0, force=False,
                 progress=False, log=print, limit_target=None):
    """Train (or reuse) the source run, then every (strategy, size, seed) cell. Returns the cell rows."""
    from benchmark import runner

    src_cfg = source_config(source, model, model_params, source_seed, limit_source)
    # look every name up before the (expensive) source run
    runner.resolve(src_cfg)
    runner.resolve(cell_config(target, "baseline", sizes[0], 0, "-", model, model_params, target_params))
    t0 = time.perf_counter()
    src, skipped = runner.run(src_cfg, store, force=False, progress=progress, log=log)
    log(f"source {source}: run {src['run_id']} {'(stored, reused)' if skipped else 'trained'} "
        f"test macro_f1 {src['metrics']['test']['macro_f1']:.4f} ({time.perf_counter() - t0:.0f}s)")
    if not (src.get("extra") or {}).get("checkpoint"):
        raise BenchError(f"source run {src['run_id']} ({src['model']}) saved no checkpoint; "
                         "transfer needs a fine-tuned model such as transformer-finetune")
    rows = []
    for size in sizes:
        for strategy in strategies:
            for seed in range(seeds):
                cfg = cell_config(target, strategy, size, seed, src["run_id"], model, model_params, target_params,
                                  source_dataset=source, limit=limit_target)
                t = time.perf_counter()
                row, skipped = runner.run(replace(cfg), store, force=force, progress=progress, log=log)
                log(f"{strategy:>8} size {size!s:>5} seed {seed}: run {row['run_id']} test macro_f1 "
                    f"{row['metrics']['test']['macro_f1']:.4f} "
                    f"({'stored' if skipped else f'{time.perf_counter() - t:.0f}s'})")
                rows.append(row)
    return src, rows


def summary(rows):
    """Rows of (strategy, size, train rows, n seeds, mean and std of test macro-F1, mean fit seconds)."""
    import numpy as np

    groups = {}
    for r in rows:
        e = r["extra"]
        groups.setdefault((e["strategy"], e["train_size"]), []).append(r)
    out = []
    for (strategy, size), rs in groups.items():
        f1 = np.array([r["metrics"]["test"]["macro_f1"] for r in rs])
        out.append({"strategy": strategy, "size": size, "train_rows": rs[0]["metrics"]["sizes"]["train"],
                    "seeds": len(rs), "macro_f1": float(f1.mean()), "std": float(f1.std()),
                    "fit_s": float(np.mean([r["timings"].get("fit", 0) for r in rs]))})
    return out
