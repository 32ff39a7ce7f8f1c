"""Leaderboard tables from stored runs (tabulate)."""
import csv
import io
import json

CONFIG_COLS = ["dataset", "taxonomy", "label_space", "eval_dataset", "augmenter", "model", "limit"]


def flat(run):
    t = run["metrics"]["test"]
    return {
        "run_id": run["run_id"], "group_id": run["group_id"], "dataset": run["dataset"],
        "taxonomy": run.get("taxonomy"), "label_space": run.get("label_space"),
        "eval_dataset": run.get("eval_dataset"), "augmenter": _aug(run), "model": run["model"],
        "seed": run["seed"], "limit": run.get("limit_n"),
        "macro_f1": t.get("macro_f1"), "micro_f1": t.get("micro_f1"), "weighted_f1": t.get("weighted_f1"),
        "accuracy": t.get("accuracy"), "dev_macro_f1": run["metrics"]["dev"].get("macro_f1"),
        "seconds": run["timings"].get("total"),
    }


def _aug(run):
    cfg = run["config"]
    if cfg.get("augmenter", "none") == "none":
        return "none"
    scope = cfg.get("aug_scope", "all")
    return f"{cfg['augmenter']}[{scope}]" if scope != "all" else cfg["augmenter"]


def rows_for(runs, sort="macro_f1", per_seed=False):
    rows = [flat(r) for r in runs]
    if not per_seed:
        rows = aggregate(rows)
    key = sort if rows and sort in rows[0] else "macro_f1"
    return sorted(rows, key=lambda r: -(r.get(key) if isinstance(r.get(key), (int, float)) else -1e9))


def aggregate(rows):
    """Group runs that differ only in seed: mean, std and n of each metric."""
    import statistics

    groups = {}
    for r in rows:
        groups.setdefault(r["group_id"], []).append(r)
    out = []
    for members in groups.values():
        first = dict(members[0])
        first["n"] = len(members)
        first["seed"] = ",".join(str(m["seed"]) for m in sorted(members, key=lambda m: m["seed"]))
        for k in ("macro_f1", "micro_f1", "weighted_f1", "accuracy", "dev_macro_f1", "seconds"):
            vals = [m[k] for m in members if m.get(k) is not None]
            if vals:
                first[k] = statistics.fmean(vals)
                first[k + "_std"] = statistics.stdev(vals) if len(vals) > 1 else 0.0
        first["run_id"] = ",".join(m["run_id"] for m in members)
        out.append(first)
    return out


def render(runs, sort="macro_f1", fmt="github", per_seed=False):
    rows = rows_for(runs, sort, per_seed)
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if not rows:
        return "No runs stored yet. Try: bench run --dataset goemotions --augmenter eda"
    metrics = ["macro_f1", "micro_f1", "accuracy" if any(r.get("accuracy") is not None for r in rows) else None]
    metrics = [m for m in metrics if m]
    cols = [c for c in CONFIG_COLS if any(r.get(c) not in (None, "") for r in rows)]
    headers = cols + metrics + (["n"] if not per_seed else ["seed", "run_id"])
    table = []
    for r in rows:
        line = [r.get(c) if r.get(c) is not None else "" for c in cols]
        for m in metrics:
            v = r.get(m)
            if v is None:
                line.append("")
            elif per_seed or r.get("n", 1) == 1:
                line.append(f"{v:.4f}")
            else:
                line.append(f"{v:.4f} ± {r.get(m + '_std', 0):.4f}")
        line += [r.get("n", 1)] if not per_seed else [r["seed"], r["run_id"]]
        table.append(line)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(headers)
        w.writerows(table)
        return buf.getvalue().rstrip("\n")
    from tabulate import tabulate

    tablefmt = {"latex": "latex_booktabs", "html": "html", "plain": "simple"}.get(fmt, "github")
    return tabulate(table, headers=headers, tablefmt=tablefmt)
