"""``bench datasets list|show`` and ``bench matrix`` (the cross-dataset table)."""
import json

import click

MATRIX_FORMATS = ["github", "latex", "csv", "json"]


@click.group()
def datasets():
    """Dataset cards, statistics and checks."""


@datasets.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="JSON output (the full cards).")
def list_cmd(as_json):
    """Registered datasets with their card: task, labels, split sizes, licence, hub id."""
    from tabulate import tabulate

    from benchmark import plugins

    specs = list(plugins.registry("dataset"))
    if as_json:
        out = [{"name": s.name, "description": s.description, "plugin": s.plugin, "distribution": s.distribution,
                "params": s.defaults(), "label_spaces": ["native"] + sorted((s.meta.get("label_maps") or {})),
                "card": s.meta.get("card", {})} for s in specs]
        click.echo(json.dumps(out, indent=2, default=str))
        return
    table = []
    for s in specs:
        card = s.meta.get("card", {})
        sizes = card.get("split_sizes", {})
        names = card.get("label_names")
        n_labels = len(names) if isinstance(names, list) else "/".join(str(len(v)) for v in (names or {}).values())
        table.append([s.name, card.get("task", ""), n_labels,
                      "/".join(str(sizes.get(k, "?")) for k in ("train", "validation", "test")) if sizes else "",
                      ",".join(["native"] + sorted((s.meta.get("label_maps") or {}))),
                      card.get("hub_id", ""), _short(card.get("license", ""), 40)])
    click.echo(tabulate(table, headers=["dataset", "task", "labels", "train/dev/test", "label spaces", "hub id",
                                        "licence (as stated)"]))
    click.echo("\nAlso: --dataset file:PATH (csv/tsv/jsonl or a folder of split files) or --dataset card.toml; "
               "bench datasets show NAME for details.")


def _short(text, n):
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


@datasets.command()
@click.argument("name")
@click.option("--dataset-param", "dataset_params", multiple=True, metavar="K=V", help="Dataset parameter.")
@click.option("--label-space", default="native", show_default=True, help="native|ekman|sentiment")
@click.option("--plot", type=click.Path(dir_okay=False), help="Write a bar chart of the label distribution (PNG).")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
def show(name, dataset_params, label_space, plot, as_json):
    """Card, split sizes, label distribution, duplicates and cross-split overlap of dataset NAME."""
    from benchmark import runner
    from benchmark.cli import parse_params

    spec = runner.dataset_spec(name)
    params = {**spec.defaults(), **parse_params(dataset_params, "--dataset-param")}
    params = {k: v for k, v in params.items() if k not in ("source",)}
    data = runner.load_data(name, params, label_space)
    st = stats(data)
    if as_json:
        click.echo(json.dumps({"name": name, "params": params, "label_space": label_space, "card": data.card,
                               "files": data.files, "notes": data.notes, **st}, indent=2, default=str))
    else:
        click.echo(render(name, spec, data, st, params))
    if plot:
        plot_labels(name, data, st, plot)
        click.echo(f"plot: {plot}")


@click.command()
@click.option("--format", "fmt", default="github", show_default=True, type=click.Choice(MATRIX_FORMATS))
@click.option("--metric", default="macro_f1", show_default=True, help="Test metric in the cells.")
@click.option("--label-space", "spaces", multiple=True, help="Only these label spaces (repeatable).")
@click.option("--model", "-m", help="Only this model.")
@click.option("--full-only", is_flag=True, help="Leave out runs made with --limit.")
def matrix(fmt, metric, spaces, model, full_only):
    """Cross-dataset table from the store: rows = augmenter × model, columns = datasets (per label space)."""
    from benchmark.store import Store

    with Store() as store:
        runs = store.runs(model=model)
    runs = [r for r in runs if (not spaces or (r.get("label_space") or "native") in spaces)
            and (not full_only or r.get("limit_n") is None)]
    rows, cols, cells, mixed = matrix_cells(runs, metric)
    click.echo(render_matrix(rows, cols, cells, fmt, metric))
    if mixed:
        click.echo(f"note: {mixed} cells hold several configs (other params); showing the most recent, "
                   "see bench leaderboard", err=True)


# -- dataset statistics ---------------------------------------------------------------------------------------
def stats(data):
    """Split sizes, label counts per split, duplicates within splits and exact-text overlap between splits."""
    from collections import Counter
    from itertools import combinations

    out = {"sizes": data.sizes(), "labels": {}, "unlabelled": {}, "duplicates": {}, "overlap": {}}
    keys = {}
    for split in data.splits:
        texts, Y = data.texts(split), data.Y(split)
        out["labels"][split] = {n: int(c) for n, c in zip(data.label_names, Y.sum(0))}
        out["unlabelled"][split] = int((Y.sum(1) == 0).sum())
        counts = Counter(texts)
        dup = {t: c for t, c in counts.items() if c > 1}
        seen = {}
        for t, y in zip(texts, map(tuple, Y)):
            if t in dup:
                seen.setdefault(t, set()).add(y)
        out["duplicates"][split] = {"texts": len(dup), "extra_rows": sum(c - 1 for c in dup.values()),
                                    "conflicting_labels": sum(len(v) > 1 for v in seen.values())}
        keys[split] = set(texts)
    for a, b in combinations(list(data.splits), 2):
        out["overlap"][f"{a}&{b}"] = len(keys[a] & keys[b])
    return out


def render(name, spec, data, st, params):
    from tabulate import tabulate

    card = data.card or {}
    lines = [f"{name}: {spec.description}"]
    for key in ("title", "citation", "license", "source_url", "hub_id", "task"):
        if card.get(key):
            lines.append(f"  {key}: {card[key]}")
    if params:
        lines.append("  params: " + ", ".join(f"{k}={v}" for k, v in params.items()))
    splits = list(data.splits)
    expected = card.get("split_sizes", {})
    table = [[s, st["sizes"][s], expected.get(s, ""), st["unlabelled"][s], st["duplicates"][s]["extra_rows"],
              st["duplicates"][s]["texts"], st["duplicates"][s]["conflicting_labels"]] for s in splits]
    lines += ["", tabulate(table, headers=["split", "rows", "card", "no label", "duplicate rows", "duplicated texts",
                                           "conflicting labels"])]
    table = [[n] + [st["labels"][s][n] for s in splits] + [f"{st['labels'][splits[0]][n] / max(st['sizes'][splits[0]], 1):.1%}"]
             for n in data.label_names]
    lines += ["", tabulate(table, headers=["label"] + splits + [f"% {splits[0]}"])]
    lines += ["", "exact-text overlap between splits: "
              + ", ".join(f"{k.replace('&', ' ∩ ')} {v}" for k, v in st["overlap"].items())]
    if data.files:
        want = card.get("sha256", {})
        lines.append("")
        lines.append("files read (sha256):")
        for path, digest in data.files.items():
            exp = want.get(path.rsplit("/", 1)[-1])
            flag = "" if not exp else (" (matches card)" if exp == digest else f" (card: {exp[:12]}…)")
            lines.append(f"  {path} {digest[:12]}…{flag}")
    lines += [f"{n}" for n in data.notes]
    return "\n".join(lines)


def plot_labels(name, data, st, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    splits, names = list(data.splits), data.label_names
    x = np.arange(len(names))
    width = 0.8 / len(splits)
    fig, ax = plt.subplots(figsize=(max(6, 0.45 * len(names) + 2), 4))
    for i, s in enumerate(splits):
        share = [st["labels"][s][n] / max(st["sizes"][s], 1) for n in names]
        ax.bar(x + i * width - 0.4 + width / 2, share, width, label=f"{s} (n={st['sizes'][s]})")
    ax.set_xticks(x, names, rotation=45, ha="right")
    ax.set_ylabel("share of rows")
    ax.set_title(f"{name}: label distribution")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


# -- the cross-dataset matrix ---------------------------------------------------------------------------------
def _params(d, skip=()):
    d = {k: v for k, v in (d or {}).items() if k not in skip and v is not None}
    return "[" + ",".join(f"{k}={v}" for k, v in sorted(d.items())) + "]" if d else ""


def _row_key(run):
    cfg = run["config"]
    aug = cfg.get("augmenter", "none")
    if aug != "none":
        scope = cfg.get("aug_scope", "all")
        aug += _params(cfg.get("augmenter_params")) + (f"[{scope}]" if scope != "all" else "")
    return f"{aug} × {run['model']}{_params(cfg.get('model_params'))}"


def _col_key(run, defaults):
    cfg = run["config"]
    ds = run["dataset"]
    base = defaults.get(ds) or (defaults["file:"] if ds.startswith("file:") or ds.endswith(".toml") else {})
    shown = {k: v for k, v in (cfg.get("dataset_params") or {}).items()
             if k not in ("sha256", "labels") and base.get(k, object()) != v}
    col = ds + _params(shown)
    if run.get("eval_dataset"):
        col += f"→{run['eval_dataset']}"
    space = run.get("label_space") or "native"
    col += "" if space == "native" else f" ({space})"
    if run.get("limit_n"):
        col += f" n={run['limit_n']}"
    return col


def matrix_cells(runs, metric="macro_f1"):
    """(row keys, column keys, {(row, col): (mean, std, n)}, cells that mixed configs)."""
    import statistics

    from benchmark import plugins

    from benchmark.registry import Spec
    from datasets_registry.files import _factory_signature

    defaults = {s.name: s.defaults() for s in plugins.registry("dataset")}
    defaults["file:"] = Spec("dataset", "file:", _factory_signature).defaults()
    groups = {}
    for r in runs:
        v = (r.get("metrics") or {}).get("test", {}).get(metric)
        if v is not None:
            groups.setdefault(r["group_id"], []).append((r, v))
    cells, mixed = {}, 0
    for members in sorted(groups.values(), key=lambda m: max(r["created"] for r, _ in m)):
        r0 = members[0][0]
        key = (_row_key(r0), _col_key(r0, defaults))
        vals = [v for _, v in members]
        mixed += key in cells
        cells[key] = (statistics.fmean(vals), statistics.stdev(vals) if len(vals) > 1 else 0.0, len(vals))
    rows = sorted({k[0] for k in cells})
    cols = sorted({k[1] for k in cells}, key=lambda c: (" (" in c, "→" in c, c))
    return rows, cols, cells, mixed


def render_matrix(rows, cols, cells, fmt, metric):
    import csv
    import io

    from tabulate import tabulate

    if fmt == "json":
        return json.dumps([{"config": r, "dataset": c, metric: cells[(r, c)][0], "std": cells[(r, c)][1],
                            "n": cells[(r, c)][2]} for r in rows for c in cols if (r, c) in cells], indent=2)
    if not cells:
        return "No runs stored yet. Try: bench run --dataset carer --augmenter none"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["config"] + cols)
        for r in rows:
            w.writerow([r] + [f"{cells[(r, c)][0]:.4f}" if (r, c) in cells else "" for c in cols])
        return buf.getvalue().rstrip("\n")

    def cell(r, c):
        if (r, c) not in cells:
            return ""
        mean, std, n = cells[(r, c)]
        return f"{mean:.4f}" if n == 1 else f"{mean:.4f} ± {std:.4f} (n={n})"

    table = [[r] + [cell(r, c) for c in cols] for r in rows]
    return tabulate(table, headers=[f"config \\ test {metric}"] + cols, tablefmt=fmt, disable_numparse=True)


def commands():
    return [datasets, matrix]
