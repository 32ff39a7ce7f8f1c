"""The paper's label-distribution figures: ``distribution_original``, ``distribution_fullaug``,
``distribution_minority`` (train label counts of the original, full-augmented and minority-augmented train
sets), as PNG. Counts come from ``aug_stats`` (``before``/``after``) of stored runs or from ``bench augment``.
"""
from pathlib import Path


def _plot(labels, counts, title, path, base=None, target=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ref = base or counts  # labels in order of their original count
    order = sorted(range(len(labels)), key=lambda i: -ref[i])
    fig, ax = plt.subplots(figsize=(9, 3.6))
    x = range(len(labels))
    ax.bar(x, [counts[i] for i in order], color="tab:orange" if base else "tab:blue",
           label="augmented" if base else "original")
    if base:
        ax.bar(x, [base[i] for i in order], color="tab:blue", label="original")
        ax.legend(fontsize=8)
    if target:
        ax.axhline(target, color="grey", lw=0.8, ls="--")
    ax.set_xticks(list(x), labels=[labels[i] for i in order], rotation=75, fontsize=7)
    ax.set_ylabel("train examples")
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_distributions(labels, original, out, fullaug=None, minority=None, target=None, prefix="distribution",
                       title=""):
    """Write ``{prefix}_original.png`` and, when given, ``_fullaug.png`` / ``_minority.png``; returns the paths.

    ``original``, ``fullaug`` and ``minority`` are per-label train counts (lists aligned with ``labels``).
    """
    out = Path(out)
    what = f"{title}: " if title else ""
    paths = [_plot(labels, original, f"{what}original train set ({sum(original)} label occurrences)",
                   out / f"{prefix}_original.png")]
    if fullaug is not None:
        paths.append(_plot(labels, fullaug, f"{what}full augmentation (all classes)", out / f"{prefix}_fullaug.png",
                           base=original))
    if minority is not None:
        paths.append(_plot(labels, minority, f"{what}minority augmentation" + (f" (target {target})" if target else ""),
                           out / f"{prefix}_minority.png", base=original, target=target))
    return paths


def from_runs(runs, out, prefix="distribution"):
    """The three figures from stored runs of one dataset: the first run with ``aug_stats.before`` gives the
    original counts, the first augmented run of scope ``all`` the full-augmented, the first of scope
    ``minority`` the minority-augmented counts. Returns the written paths ([] if no run has counts)."""
    runs = [r for r in runs if (r.get("aug_stats") or {}).get("before")]
    if not runs:
        return []
    first = runs[0]["aug_stats"]
    labels = first.get("label_names") or runs[0]["metrics"]["label_names"]
    same = [r for r in runs if r["aug_stats"]["before"] == first["before"]]

    def pick(scope):
        for r in same:
            s = r["aug_stats"]
            if r.get("augmenter") != "none" and s.get("scope") == scope and s.get("after"):
                return s
        return None

    full, minority = pick("all"), pick("minority")
    return plot_distributions(labels, first["before"], out, full and full["after"], minority and minority["after"],
                              target=minority and minority.get("target"), prefix=prefix,
                              title=runs[0].get("dataset", ""))
