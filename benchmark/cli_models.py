"""``bench transfer``: the BASELINE / FREEZE / NOFREEZE protocol (imports stay light)."""
import click


@click.command()
@click.option("--source", required=True, help="Dataset the source model is fine-tuned on (e.g. goemotions).")
@click.option("--target", required=True, help="Dataset of the target cells (e.g. carer).")
@click.option("--strategies", default="baseline,freeze,nofreeze", show_default=True,
              help="baseline: target only; freeze: source encoder + new head, head trained; nofreeze: all trained.")
@click.option("--sizes", default="100,200,500,1000,max", show_default=True,
              help="Target train sizes (seeded, stratified subsets); max = the whole target train split.")
@click.option("--seeds", default=3, show_default=True, type=int, help="Seeds 0..N-1 per cell (subset and model).")
@click.option("--model", "-m", default="transformer-finetune", show_default=True)
@click.option("--model-param", "model_params", multiple=True, metavar="K=V",
              help="Model parameter for the source run and every cell.")
@click.option("--target-param", "target_params", multiple=True, metavar="K=V",
              help="Model parameter for the target cells only (e.g. min_epoch_size=1000).")
@click.option("--limit-source", type=int, help="Seeded, stratified sample of N rows per split of the source.")
@click.option("--limit-target", type=int, help="Seeded, stratified sample of N rows per split of the target "
              "(so 'max' means N train rows).")
@click.option("--source-seed", default=0, show_default=True, type=int)
@click.option("--figure", "figure_dir", type=click.Path(file_okay=False), help="Also write the transfer figure here.")
@click.option("--force", is_flag=True, help="Rerun stored cells (the source run is always reused).")
@click.option("--quiet", "-q", is_flag=True)
def transfer(source, target, strategies, sizes, seeds, model, model_params, target_params, limit_source,
             limit_target, source_seed, figure_dir, force, quiet):
    """Transfer from SOURCE to TARGET: every (strategy, size, seed) cell is a stored run linked to the source run."""
    from tabulate import tabulate

    from benchmark import transfer as tr
    from benchmark.cli import parse_params
    from benchmark.errors import BenchError
    from benchmark.store import Store

    strategies, sizes = tr.parse_strategies(strategies), tr.parse_sizes(sizes)
    if seeds < 1:
        raise BenchError("--seeds must be at least 1")
    with Store() as store:
        src, rows = tr.run_transfer(
            store, source, target, strategies, sizes, seeds, model, parse_params(model_params, "--model-param"),
            parse_params(target_params, "--target-param"), limit_source, source_seed, force, progress=not quiet,
            log=lambda m: click.echo(m, err=True), limit_target=limit_target)
        table = [[s["strategy"], s["size"], s["train_rows"], s["seeds"], f"{s['macro_f1']:.4f} ± {s['std']:.4f}",
                  f"{s['fit_s']:.0f}"] for s in tr.summary(rows)]
        click.echo(f"source run {src['run_id']} ({source}, test macro_f1 {src['metrics']['test']['macro_f1']:.4f})")
        click.echo(tabulate(table, headers=["strategy", "size", "train rows", "seeds", "test macro_f1", "fit s"]))
        if figure_dir:
            from benchmark.figures_transfer import plot_transfer

            for path in plot_transfer(rows, figure_dir):
                click.echo(f"figure: {path}")
        click.echo(f"store: {store.path}")


def commands():
    return [transfer]
