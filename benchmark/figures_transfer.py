"""Transfer figure: test macro-F1 against target train size, one line per strategy, seed spread shaded."""
from pathlib import Path

COLORS = {"baseline": "tab:gray", "freeze": "tab:blue", "nofreeze": "tab:orange"}
STYLES = {"baseline": ("o", "-"), "freeze": ("s", "--"), "nofreeze": ("^", ":")}


def transfer_runs(runs):
    """The stored runs that are transfer cells (``extra.protocol == 'transfer'``)."""
    return [r for r in runs if (r.get("extra") or {}).get("protocol") == "transfer"]


def plot_transfer(runs, out_dir, metric="macro_f1"):
    """One PNG per (source run, target dataset) in ``out_dir``; returns the paths written.

    ``runs`` are store rows (``Store().runs()``); rows that are not transfer cells are ignored.
    x is the actual number of target train rows (so 'max' sits at the full size), y the test metric:
    mean over seeds as a line, min..max over seeds shaded.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    groups = {}
    for r in transfer_runs(runs):
        e = r["extra"]
        groups.setdefault((e["source_run"], r["dataset"]), []).append(r)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for (source_run, target), rs in sorted(groups.items()):
        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        strategies = sorted({r["extra"]["strategy"] for r in rs}, key=lambda s: (s not in COLORS, s))
        for strategy in strategies:
            by_size = {}
            for r in rs:
                if r["extra"]["strategy"] == strategy:
                    by_size.setdefault(r["metrics"]["sizes"]["train"], []).append(r["metrics"]["test"][metric])
            xs = sorted(by_size)
            vals = [np.array(by_size[x]) for x in xs]
            mean = [v.mean() for v in vals]
            n_seeds = max(len(v) for v in vals)
            marker, style = STYLES.get(strategy, ("o", "-"))
            ax.plot(xs, mean, marker=marker, linestyle=style, color=COLORS.get(strategy),
                    label=f"{strategy} (n={n_seeds} seeds)")
            ax.fill_between(xs, [v.min() for v in vals], [v.max() for v in vals], color=COLORS.get(strategy),
                            alpha=0.2, linewidth=0)
        source = rs[0]["extra"].get("source_dataset", "source")
        ax.set_xscale("log")
        ax.set_xlabel(f"{target} train rows")
        ax.set_ylabel(f"test {metric.replace('_', '-')}")
        ax.set_title(f"Transfer {source} → {target}")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        fig.tight_layout()
        path = out_dir / f"transfer_{source}_to_{target}_{source_run[:8]}.png"
        fig.savefig(path, dpi=150)
        plt.close(fig)
        paths.append(str(path))
    return paths

