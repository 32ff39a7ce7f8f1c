"""Figures from stored runs (matplotlib, Agg backend), each saved as PNG and SVG.

``write_all(store, out)`` writes every figure the store supports and returns (written, skipped) where
``skipped`` is a list of (figure kind, reason).
"""
import importlib
import re
from pathlib import Path

from benchmark import leaderboard as lb


def plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as pyplot

    return pyplot


def slug(text):
    return re.sub(r"[^A-Za-z0-9._-]+", "-", str(text)).strip("-")[:80] or "x"


def task_slug(key):
    dataset, tax, space, ev, limit = key
    return slug("_".join(str(p) for p in (dataset, tax, space if space != "native" else "", ev,
                                          f"limit{limit}" if limit else "") if p))


def save(fig, out, name):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in ("png", "svg"):
        p = out / f"{name}.{ext}"
        fig.savefig(p, dpi=120, bbox_inches="tight")
        paths.append(p)
    plt().close(fig)
    return paths


# -- label distributions ---------------------------------------------------------------------------------
def distributions(runs, out):
    """Train label counts of the original and augmented train sets (from the runs' ``aug_stats``).

    Uses the augmenters area's ``benchmark.figures_dist.from_runs`` (the paper's distribution_original /
    _fullaug / _minority, PNG) when installed; otherwise one PNG+SVG per augmenter config.
    """
    from_runs = _optional("benchmark.figures_dist", "from_runs")
    if from_runs is not None:
        return [Path(p) for key, task_runs in lb.by_task(runs).items()
                for p in from_runs(task_runs, out, prefix=f"distribution_{task_slug(key)}")]
    written = []
    for key, task_runs in lb.by_task(runs).items():
        stats = [r for r in task_runs if (r.get("aug_stats") or {}).get("before")]
        if not stats:
            continue
        labels = stats[0]["aug_stats"].get("label_names") or stats[0]["metrics"]["label_names"]
        before = stats[0]["aug_stats"]["before"]
        base = f"distribution_{task_slug(key)}"
        written += _dist_plot(labels, before, None, f"{lb.task_name(key)}: original train set", out,
                              f"{base}_original")
        seen = set()
        for r in stats:
            name = lb._aug(r)
            if name == "none" or r["group_id"] in seen or not r["aug_stats"].get("after"):
                continue
            seen.add(r["group_id"])
            title = f"{lb.task_name(key)}: train set after {name} (seed {r['seed']})"
            written += _dist_plot(labels, before, r["aug_stats"]["after"], title, out,
                                  f"{base}_{slug(name)}_{r['group_id'][:6]}")
    return written


def _dist_plot(labels, before, after, title, out, name):
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(7, 0.22 * len(labels) + 1.2))
    y = range(len(labels))
    if after is not None:
        ax.barh(y, after, color="tab:orange", label="after")
    ax.barh(y, before, color="tab:blue", label="original")
    ax.set_yticks(list(y), labels=labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("train examples")
    ax.set_title(title, fontsize=9)
    if after is not None:
        ax.legend(fontsize=7)
    return save(fig, out, name)


# -- loss curves -----------------------------------------------------------------------------------------
def loss_curves(store, runs, out):
    """Train and dev loss per task (like the paper's losses_original/group/ekman): one line per config."""
    written = []
    for key, task_runs in lb.by_task(runs).items():
        groups = lb.by_group(task_runs)
        names = lb.config_names(groups)
        series = []
        for g, members in groups.items():
            r = members[0]  # lowest seed of each config keeps the figure readable
            rows = store.curves(r["run_id"])
            if rows:
                series.append((f"{names[g]} (seed {r['seed']})", rows))
        if not series:
            continue
        pyplot = plt()
        fig, ax = pyplot.subplots(figsize=(7, 4))
        for i, (name, rows) in enumerate(series):
            color = f"C{i % 10}"
            for split, style in (("train", "-"), ("dev", "--"), ("validation", "--")):
                pts = [(ep if ep is not None else step, loss) for s, step, ep, loss in rows if s == split]
                if pts:
                    ax.plot(*zip(*pts), style, color=color, label=f"{name} {split}", marker="." if len(pts) < 30 else None)
        uses_epoch = all(ep is not None for _, rows in series for _, _, ep, _ in rows)
        ax.set_xlabel("epoch" if uses_epoch else "step")
        ax.set_ylabel("loss")
        ax.set_title(f"{lb.task_name(key)}: train (solid) and dev (dashed) loss", fontsize=9)
        ax.legend(fontsize=6)
        written += save(fig, out, f"losses_{task_slug(key)}")
    return written


# -- per-label F1 ----------------------------------------------------------------------------------------
def per_label_bars(runs, out):
    written = []
    for key, task_runs in lb.by_task(runs).items():
        headers, table = lb.per_label(task_runs)
        configs = headers[2:]
        pyplot = plt()
        n = len(table)
        fig, ax = pyplot.subplots(figsize=(7, 0.25 * n * max(1, len(configs) ** 0.5) + 1.5))
        h = 0.8 / len(configs)
        for j, name in enumerate(configs):
            vals = [row[2 + j].value for row in table]
            errs = [row[2 + j].std or 0 for row in table]
            ax.barh([i + j * h for i in range(n)], vals, height=h, xerr=errs, label=name, error_kw={"lw": 0.6})
        ax.set_yticks([i + 0.4 - h / 2 for i in range(n)], labels=[f"{r[0]} (n={r[1]})" for r in table], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("test F1 (mean over seeds; bars: ± std)")
        ax.set_xlim(0, 1)
        ax.set_title(f"{lb.task_name(key)}: per-label F1", fontsize=9)
        ax.legend(fontsize=6, loc="lower right")
        written += save(fig, out, f"per_label_f1_{task_slug(key)}")
    return written


def heatmap(headers, table, title, out, name):
    """Labels (rows, with test support) × configs (columns) heatmap of F1."""
    import numpy as np

    configs = headers[2:]
    M = np.array([[c.value for c in row[2:]] for row in table], dtype=float)
    pyplot = plt()
    fig, ax = pyplot.subplots(figsize=(1.2 * len(configs) + 3, 0.3 * len(table) + 1.5))
    im = ax.imshow(M, aspect="auto", cmap="viridis", vmin=0, vmax=1)
    ax.set_yticks(range(len(table)), labels=[f"{r[0]} (n={r[1]})" for r in table], fontsize=7)
    ax.set_xticks(range(len(configs)), labels=configs, rotation=30, ha="right", fontsize=7)
    for i in range(M.shape[0]):
        for j in range(M.shape[1]):
            ax.text(j, i, f"{M[i, j]:.2f}", ha="center", va="center", fontsize=6,
                    color="white" if M[i, j] < 0.5 else "black")
    fig.colorbar(im, ax=ax, label="test F1")
    ax.set_title(title, fontsize=9)
    return save(fig, out, name)


def heatmaps(runs, out):
    written = []
    for key, task_runs in lb.by_task(runs).items():
        headers, table = lb.per_label(task_runs)
        written += heatmap(headers, table, f"{lb.task_name(key)}: per-label F1", out,
                           f"per_label_heatmap_{task_slug(key)}")
    return written


# -- optional figures from other areas -------------------------------------------------------------------
def _optional(module, func):
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            return None
        raise
    return getattr(mod, func, None)


def transfer(runs, out):
    """Transfer curves by the models area's ``benchmark.figures_transfer.plot_transfer`` (None: not installed)."""
    fn = _optional("benchmark.figures_transfer", "plot_transfer")
    if fn is None:
        return None
    return [Path(p) for p in fn(runs, out) or []]


# -- all -------------------------------------------------------------------------------------------------
def write_all(store, out, runs=None):
    """Write every figure the store supports into ``out``. Returns (written paths, [(kind, reason)])."""
    runs = store.runs() if runs is None else runs
    written, skipped = [], []
    if not runs:
        return [], [("all", "the store has no finished runs")]

    def step(kind, fn, reason_if_empty):
        paths = fn()
        if paths is None:
            skipped.append((kind, reason_if_empty[0]))
        elif not paths:
            skipped.append((kind, reason_if_empty[1]))
        else:
            written.extend(paths)

    step("distributions", lambda: distributions(runs, out),
         ("", "no run has stored label counts (aug_stats.before)"))
    step("loss curves", lambda: loss_curves(store, runs, out),
         ("", "no run has stored loss curves (only models that record history_, e.g. fine-tuned transformers)"))
    step("per-label F1 bars", lambda: per_label_bars(runs, out), ("", "no runs"))
    step("per-label heatmap", lambda: heatmaps(runs, out), ("", "no runs"))
    step("transfer curves", lambda: transfer(runs, out),
         ("benchmark.figures_transfer is not installed (the models area provides it)",
          "no transfer runs stored (bench transfer makes them)"))
    return written, skipped
