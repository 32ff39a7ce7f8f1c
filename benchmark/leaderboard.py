"""Leaderboard tables from stored runs, and the exporters every table uses (github, latex, csv, json, html)."""
import csv
import html
import io
import json
import math

CONFIG_COLS = ["dataset", "taxonomy", "label_space", "eval_dataset", "augmenter", "model", "params", "limit"]
FORMATS = ("github", "latex", "csv", "json", "html", "plain")
METRICS = ("macro_f1", "micro_f1", "weighted_f1", "accuracy", "dev_macro_f1", "seconds")


def flat(run):
    t = run["metrics"]["test"]
    return {
        "run_id": run["run_id"], "group_id": run["group_id"], "dataset": run["dataset"],
        "taxonomy": run.get("taxonomy"), "label_space": run.get("label_space"),
        "eval_dataset": run.get("eval_dataset"), "augmenter": _aug(run), "model": run["model"],
        "params": params_text(run), "seed": run["seed"], "limit": run.get("limit_n"),
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
        members = sorted(members, key=lambda m: m["seed"])
        first = dict(members[0])
        first["n"] = len(members)
        first["seed"] = ",".join(str(m["seed"]) for m in members)
        for k in METRICS:
            vals = [m[k] for m in members if m.get(k) is not None]
            if vals:
                first[k] = statistics.fmean(vals)
                first[k + "_std"] = statistics.stdev(vals) if len(vals) > 1 else 0.0
        first["run_id"] = ",".join(m["run_id"] for m in members)
        out.append(first)
    return out


def add_ci(rows, runs, store):
    """Add ``ci_low``/``ci_high``: bootstrap 95% CI of test macro-F1 (of the seed mean for grouped rows)."""
    from benchmark import stats

    by_id = {r["run_id"]: r for r in runs}
    from benchmark.errors import BenchError

    for row in rows:
        members = [by_id[i] for i in row["run_id"].split(",")]
        try:
            row["ci_low"], row["ci_high"] = stats.group_ci(store, members)
        except BenchError:  # a run without stored predictions: no CI
            row["ci_low"] = row["ci_high"] = None
    return rows


def render(runs, sort="macro_f1", fmt="github", per_seed=False, ci=False, store=None):
    rows = rows_for(runs, sort, per_seed)
    if ci and rows:
        add_ci(rows, runs, store)
    if fmt == "json":
        return json.dumps(rows, indent=2)
    if not rows:
        return "No runs stored yet. Try: bench run --dataset goemotions --augmenter eda"
    headers, table = table_for(rows, per_seed, ci)
    return export(headers, table, fmt, best=best_columns(headers), row_groups=[row_task(r) for r in rows])


def best_columns(headers):
    return [h for h in headers if h in METRICS or h == "macro_f1 95% CI"]


def row_task(row):
    """The task of a leaderboard row: best values are only compared within a task."""
    return tuple(row.get(k) for k in ("dataset", "taxonomy", "label_space", "eval_dataset", "limit"))


def table_for(rows, per_seed=False, ci=False):
    """(headers, rows of cells) for aggregated or per-seed leaderboard rows."""
    metrics = ["macro_f1", "micro_f1"] + (["accuracy"] if any(r.get("accuracy") is not None for r in rows) else [])
    cols = [c for c in CONFIG_COLS if any(r.get(c) not in (None, "") for r in rows)]
    headers = cols + metrics[:1] + (["macro_f1 95% CI"] if ci else []) + metrics[1:]
    headers += ["n"] if not per_seed else ["seed", "run_id"]
    table = []
    for r in rows:
        line = [r.get(c) if r.get(c) is not None else "" for c in cols]
        for m in metrics:
            std = None if per_seed or r.get("n", 1) == 1 else r.get(m + "_std", 0.0)
            line.append(Num(r.get(m), std))
            if ci and m == "macro_f1":
                line.append(Interval(r.get("ci_low"), r.get("ci_high")))
        line += [r.get("n", 1)] if not per_seed else [r["seed"], r["run_id"]]
        table.append(line)
    return headers, table


# -- cells -----------------------------------------------------------------------------------------------
class Num:
    """A numeric cell: value, optional ± std. ``value`` is what sorting and 'best' compare."""

    def __init__(self, value, std=None, digits=4):
        self.value, self.std, self.digits = value, std, digits

    def text(self, pm="±"):
        if self.value is None or (isinstance(self.value, float) and math.isnan(self.value)):
            return ""
        s = f"{self.value:.{self.digits}f}"
        return s if self.std is None else f"{s} {pm} {self.std:.{self.digits}f}"

    def __str__(self):
        return self.text()

    def plain(self):
        return self.value if self.std is None else {"mean": self.value, "std": self.std}


class Interval(Num):
    """A ``[low, high]`` cell; compares by its low end."""

    def __init__(self, low, high, digits=4):
        super().__init__(low, None, digits)
        self.high = high

    def text(self, pm="±"):
        if self.value is None:
            return ""
        return f"[{self.value:.{self.digits}f}, {self.high:.{self.digits}f}]"

    def plain(self):
        return None if self.value is None else [self.value, self.high]


def _value(cell):
    if isinstance(cell, Num):
        return cell.value
    return cell if isinstance(cell, (int, float)) and not isinstance(cell, bool) else None


def best_cells(headers, table, best, by="column", row_groups=None):
    """Cells {(row, col)} holding the best (highest; 'min:' prefix = lowest) value among the ``best`` columns:
    per column (``by="column"``; within rows of the same ``row_groups`` key) or, across those columns, per row."""
    lower = [b.startswith("min:") for b in best or ()]
    names = [b[4:] if lw else b for b, lw in zip(best or (), lower)]
    cols = [(headers.index(n), lw) for n, lw in zip(names, lower) if n in headers]
    if by == "row":
        groups = [[((i, j), lw) for j, lw in cols] for i in range(len(table))]
    else:
        keys = row_groups or [None] * len(table)
        groups = [[((i, j), lw) for i in range(len(table)) if keys[i] == k] for j, lw in cols for k in dict.fromkeys(keys)]
    out = set()
    for group in groups:
        vals = [(_value(table[i][j]), (i, j), lw) for (i, j), lw in group if _value(table[i][j]) is not None]
        if len(vals) < 2:
            continue
        lw = vals[0][2]
        target = (min if lw else max)(v for v, _, _ in vals)
        if all(abs(v - target) < 1e-12 for v, _, _ in vals):  # all tied: nothing stands out
            continue
        out |= {cell for v, cell, _ in vals if abs(v - target) < 1e-12}
    return out


# -- exporters -------------------------------------------------------------------------------------------
def export(headers, table, fmt="github", best=None, row_attrs=None, best_by="column", row_groups=None):
    """Render a table. ``best``: metric headers whose best value (per column, or per row) is bold in LaTeX/HTML."""
    if fmt not in FORMATS:
        from benchmark.errors import BenchError

        raise BenchError(f"unknown format '{fmt}'. Valid choices: {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps([{h: (c.plain() if isinstance(c, Num) else c) for h, c in zip(headers, row)}
                           for row in table], indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(headers)
        w.writerows([[str(c) if isinstance(c, Num) else c for c in row] for row in table])
        return buf.getvalue().rstrip("\n")
    if fmt == "latex":
        return latex(headers, table, best, best_by, row_groups)
    if fmt == "html":
        return html_table(headers, table, best, row_attrs, best_by=best_by, row_groups=row_groups)
    from tabulate import tabulate

    text = [[str(c) if isinstance(c, Num) else c for c in row] for row in table]
    return tabulate(text, headers=headers, tablefmt="simple" if fmt == "plain" else "github",
                    disable_numparse=True)


LATEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
                 "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
                 "<": r"\textless{}", ">": r"\textgreater{}"}


def latex_escape(s):
    return "".join(LATEX_SPECIAL.get(ch, ch) for ch in str(s))


def latex(headers, table, best=None, best_by="column", row_groups=None):
    """A booktabs tabular (needs ``\\usepackage{booktabs}``); best value per metric column in bold."""
    bold = best_cells(headers, table, best, best_by, row_groups)
    numeric = [any(isinstance(row[j], (Num, int, float)) and not isinstance(row[j], bool) for row in table)
               for j in range(len(headers))]
    lines = [r"\begin{tabular}{" + "".join("r" if n else "l" for n in numeric) + "}", r"\toprule",
             " & ".join(latex_escape(h) for h in headers) + r" \\", r"\midrule"]
    for i, row in enumerate(table):
        cells = []
        for j, c in enumerate(row):
            s = latex_escape(str(c) if isinstance(c, Num) else ("" if c is None else c)).replace("±", r"$\pm$")
            cells.append(r"\textbf{" + s + "}" if (i, j) in bold and s else s)
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines)


def html_table(headers, table, best=None, row_attrs=None, cls="sortable", best_by="column", row_groups=None):
    """An HTML <table>; every header and cell is escaped. Numeric cells carry ``data-v`` for sorting."""
    esc = html.escape
    bold = best_cells(headers, table, best, best_by, row_groups)
    out = [f'<table class="{esc(cls)}"><thead><tr>'
           + "".join(f'<th title="click to sort">{esc(str(h))}</th>' for h in headers) + "</tr></thead><tbody>"]
    for i, row in enumerate(table):
        attrs = "".join(f' {esc(k)}="{esc(str(v))}"' for k, v in (row_attrs[i] if row_attrs else {}).items())
        tds = []
        for j, c in enumerate(row):
            v = _value(c)
            data = f' data-v="{v!r}"' if v is not None and math.isfinite(v) else ""
            text = esc("" if c is None else str(c))
            if (i, j) in bold:
                text = f"<strong>{text}</strong>"
            tds.append(f"<td{data}>{text}</td>")
        out.append(f"<tr{attrs}>" + "".join(tds) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


# -- tasks and per-label tables --------------------------------------------------------------------------
def task_key(run):
    """Runs with the same key share labels and test set: (dataset, taxonomy, label_space, eval_dataset, limit)."""
    return (run["dataset"], run.get("taxonomy") or "", run.get("label_space") or "native",
            run.get("eval_dataset") or "", run.get("limit_n") or "")


def task_name(key):
    dataset, tax, space, ev, limit = key
    name = dataset + (f"/{tax}" if tax else "") + (f" ({space})" if space != "native" else "")
    return name + (f" -> {ev}" if ev else "") + (f" limit={limit}" if limit else "")


def by_task(runs):
    out = {}
    for r in runs:
        out.setdefault(task_key(r), []).append(r)
    return out


def by_group(runs):
    out = {}
    for r in sorted(runs, key=lambda r: r["seed"]):
        out.setdefault(r["group_id"], []).append(r)
    return out


def params_text(run):
    """Non-default augmenter/model parameters and protocol extras, compactly: ``C=1 alpha_sr=0.2``."""
    c = run["config"]
    d = {**(c.get("augmenter_params") or {}), **(c.get("model_params") or {}), **(c.get("extra") or {})}
    return " ".join(f"{k}={v if isinstance(v, (str, int, float)) else json.dumps(v)}" for k, v in sorted(d.items()))


def config_names(groups):
    """Short names for run groups: augmenter, model and parameters (plus the task when tasks differ)."""
    tasks = {task_key(m[0]) for m in groups.values()}
    names = {}
    for g, members in groups.items():
        r = members[0]
        p = params_text(r)
        names[g] = (f"{task_name(task_key(r))}: " if len(tasks) > 1 else "") + f"{_aug(r)} / {r['model']}" + (
            f" ({p})" if p else "")
    if len(set(names.values())) < len(names):  # still ambiguous: add the group id
        names = {g: f"{n} #{g[:6]}" for g, n in names.items()}
    return names


def per_label(runs):
    """(headers, table) of test F1 per label (rows) for each config (columns: seed mean ± std), with support."""
    import statistics

    from benchmark.errors import BenchError

    names = {tuple(r["metrics"]["label_names"]) for r in runs}
    if len(names) > 1:
        raise BenchError("the runs have different label sets; pick one dataset with --dataset/--taxonomy "
                         f"(tasks: {', '.join(sorted({task_name(task_key(r)) for r in runs}))})")
    labels = list(next(iter(names)))
    groups = by_group(runs)
    cols = config_names(groups)
    support = runs[0]["metrics"]["test"].get("support", {})
    headers = ["label", "support"] + [cols[g] for g in groups]
    table = []
    for lab in labels:
        line = [lab, support.get(lab)]
        for members in groups.values():
            vals = [m["metrics"]["test"]["per_label_f1"].get(lab, 0.0) for m in members]
            std = statistics.stdev(vals) if len(vals) > 1 else None
            line.append(Num(statistics.fmean(vals), std, digits=3))
        table.append(line)
    return headers, table


def matrix(runs):
    """Cross-dataset matrix: rows are configs (augmenter × model), columns are tasks, cells mean test macro-F1."""
    import statistics

    tasks = sorted(by_task(runs), key=lambda k: tuple(str(p) for p in k))
    cells, configs = {}, []
    for r in runs:
        cfg = (_aug(r), r["model"], params_text(r))
        if cfg not in configs:
            configs.append(cfg)
        cells.setdefault((cfg, task_key(r)), []).append(r["metrics"]["test"]["macro_f1"])
    headers = ["augmenter", "model", "params"] + [task_name(k) for k in tasks]
    table = []
    for cfg in sorted(configs):
        line = list(cfg)
        for k in tasks:
            vals = cells.get((cfg, k))
            line.append(Num(statistics.fmean(vals), statistics.stdev(vals) if len(vals) > 1 else None)
                        if vals else "")
        table.append(line)
    return headers, table
