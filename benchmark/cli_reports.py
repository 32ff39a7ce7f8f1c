"""``bench compare``, ``bench labels``, ``bench figures``, ``bench report``."""
import click

from benchmark.errors import BenchError
from benchmark.leaderboard import FORMATS

format_option = click.option("--format", "fmt", default="github", show_default=True, type=click.Choice(FORMATS))


def filter_options(f):
    for opt in reversed([
        click.option("--dataset", "-d"), click.option("--taxonomy"), click.option("--model", "-m"),
        click.option("--augmenter", "-a"),
    ]):
        f = opt(f)
    return f


def _get(store, run_id):
    run = store.get(run_id)
    if run is None:
        raise BenchError(f"no stored run '{run_id}' (bench leaderboard --per-seed lists run ids)")
    if run["status"] != "done":
        raise BenchError(f"run {run['run_id']} is not finished (status {run['status']})")
    return run


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@click.option("--resamples", default=1000, show_default=True, help="Bootstrap resamples and permutations.")
@click.option("--seed", default=0, show_default=True, type=int)
@format_option
def compare(run_a, run_b, resamples, seed, fmt):
    """Is RUN_A better than RUN_B on their shared test set? Test macro-F1 difference, its paired-bootstrap
    95% CI and the approximate-randomization p-value (run ids may be prefixes)."""
    from benchmark import leaderboard as lb
    from benchmark import stats
    from benchmark.store import Store

    if resamples < 10:
        raise BenchError("--resamples must be at least 10")
    with Store() as store:
        a, b = _get(store, run_a), _get(store, run_b)
        res = stats.compare(store, a, b, n=resamples, seed=seed)
    if fmt == "json":
        import json

        click.echo(json.dumps(res, indent=2))
        return
    headers = ["run_a", "run_b", "macro_f1_a", "macro_f1_b", "diff (a-b)", "95% CI", "p (AR)", "p (bootstrap)",
               "n_test"]
    row = [res["run_a"], res["run_b"], lb.Num(res["macro_f1_a"]), lb.Num(res["macro_f1_b"]), lb.Num(res["diff"]),
           lb.Interval(res["ci_low"], res["ci_high"]), lb.Num(res["p_value"]), lb.Num(res["p_bootstrap"]),
           res["n_test"]]
    click.echo(lb.export(headers, [row], fmt))
    if fmt in ("github", "plain"):
        verdict = "significant" if res["p_value"] < 0.05 else "not significant"
        click.echo(f"difference {res['diff']:+.4f} macro-F1, 95% CI [{res['ci_low']:+.4f}, {res['ci_high']:+.4f}], "
                   f"p = {res['p_value']:.4f} ({verdict} at 0.05; approximate randomization, {resamples} "
                   f"permutations)")


@click.command()
@click.argument("run_ids", nargs=-1)
@filter_options
@format_option
@click.option("--heatmap", type=click.Path(dir_okay=False), help="Also write a labels × configs heatmap (PNG/SVG).")
def labels(run_ids, dataset, taxonomy, model, augmenter, fmt, heatmap):
    """Per-label test F1 (mean ± std over seeds) of each config, with each label's test support."""
    from benchmark import leaderboard as lb
    from benchmark.store import Store

    with Store() as store:
        runs = ([_get(store, r) for r in run_ids] if run_ids else
                store.runs(dataset=dataset, taxonomy=taxonomy, model=model, augmenter=augmenter))
    if not runs:
        raise BenchError("no matching runs stored")
    headers, table = lb.per_label(runs)
    click.echo(lb.export(headers, table, fmt, best=headers[2:], best_by="row"))
    if heatmap:
        from pathlib import Path

        from benchmark import figures

        p = Path(heatmap)
        paths = figures.heatmap(headers, table, "per-label F1", p.parent, p.stem if p.suffix else p.name)
        click.echo(f"wrote {', '.join(str(x) for x in paths)}", err=True)


@click.command()
@click.option("--out", "-o", default="figures", show_default=True, type=click.Path(file_okay=False))
@filter_options
def figures(out, dataset, taxonomy, model, augmenter):
    """Write every figure the store supports (PNG and SVG) and say which were skipped and why."""
    from benchmark import figures as figs
    from benchmark.store import Store

    with Store() as store:
        runs = store.runs(dataset=dataset, taxonomy=taxonomy, model=model, augmenter=augmenter)
        written, skipped = figs.write_all(store, out, runs)
    for p in written:
        click.echo(f"wrote {p}")
    for kind, reason in skipped:
        click.echo(f"skipped {kind}: {reason}")


@click.command()
@click.option("--out", "-o", default="site", show_default=True, type=click.Path(file_okay=False))
@click.option("--no-figures", is_flag=True, help="Tables only (faster).")
def report(out, no_figures):
    """Write a static, self-contained HTML report (OUT/index.html) that works from file:// offline."""
    from benchmark import html_report
    from benchmark.store import Store

    with Store() as store:
        path, skipped = html_report.write(store, out, figures=not no_figures)
    for kind, reason in skipped:
        click.echo(f"skipped {kind}: {reason}", err=True)
    click.echo(f"wrote {path}")


def commands():
    return [compare, labels, figures, report]
