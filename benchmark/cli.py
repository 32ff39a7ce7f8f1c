"""The ``bench`` command. Imports here stay light: heavy work is imported inside commands."""
import json
import os
import sys

import click

from benchmark.errors import BenchError

# OpenBLAS threads made the TF-IDF + liblinear fit 7x slower on 2 cores (46.5 s vs 6.6 s CPU, docs/benchmarks.md);
# set before numpy loads. Export OPENBLAS_NUM_THREADS yourself to override.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def parse_params(pairs, what):
    """``k=v`` pairs -> dict; values parsed as JSON when they can be (numbers, bools, lists)."""
    out = {}
    for pair in pairs:
        if "=" not in pair:
            raise BenchError(f"{what} '{pair}' is not of the form key=value")
        k, v = pair.split("=", 1)
        try:
            out[k.strip()] = json.loads(v)
        except ValueError:
            out[k.strip()] = v
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="emobench", prog_name="bench")
@click.option("--strict", is_flag=True, help="Fail when a plugin cannot be imported (also EMOBENCH_STRICT_PLUGINS=1).")
@click.option("--data-dir", type=click.Path(file_okay=False), help="Folder of the shared datasets (EMOBENCH_DATA_DIR).")
@click.option("--home", type=click.Path(file_okay=False), help="Results store and caches (EMOBENCH_HOME).")
def cli(strict, data_dir, home):
    """emobench: benchmark text emotion detection with dataset, augmenter and model plugins."""
    if strict:
        from benchmark import plugins

        plugins.set_strict(True)
    if data_dir:
        os.environ["EMOBENCH_DATA_DIR"] = os.path.abspath(data_dir)
    if home:
        os.environ["EMOBENCH_HOME"] = os.path.abspath(home)


def run_options(f):
    """Options shared by ``bench run`` and commands that build a run config."""
    opts = [
        click.option("--dataset", "-d", required=True, help="Dataset name, file:PATH or card.toml."),
        click.option("--taxonomy", help="Dataset taxonomy (goemotions: original|ekman|group)."),
        click.option("--dataset-param", "dataset_params", multiple=True, metavar="K=V"),
        click.option("--label-space", default="native", show_default=True, help="native|ekman|sentiment"),
        click.option("--augmenter", "-a", default="none", show_default=True),
        click.option("--aug-param", "aug_params", multiple=True, metavar="K=V", help="Augmenter parameter."),
        click.option("--aug-scope", default="all", show_default=True, help="all|minority"),
        click.option("--aug-copies", default=4, show_default=True, help="Augmented copies per example (scope all)."),
        click.option("--aug-target", type=int, help="Raise labels with fewer train rows than N to about N."),
        click.option("--aug-filter", help="Semantic filter, e.g. min_cos=0.8."),
        click.option("--model", "-m", default="tfidf-logreg", show_default=True),
        click.option("--model-param", "model_params", multiple=True, metavar="K=V", help="Model parameter."),
        click.option("--seed", default=0, show_default=True, type=int),
        click.option("--limit", type=int, help="Seeded, label-stratified sample of N rows per split."),
    ]
    for opt in reversed(opts):
        f = opt(f)
    return f


def make_config(dataset, taxonomy, dataset_params, label_space, augmenter, aug_params, aug_scope, aug_copies,
                aug_target, aug_filter, model, model_params, seed, limit, eval_dataset=None, text_column=None,
                label_column=None, label_sep=None, **extra):
    from benchmark.config import RunConfig

    dparams = parse_params(dataset_params, "--dataset-param")
    if taxonomy:
        dparams["taxonomy"] = taxonomy
    for key, value in (("text_column", text_column), ("label_column", label_column), ("label_sep", label_sep)):
        if value is not None:  # file datasets: these are dataset params, part of the run identity
            dparams[key] = value
    return RunConfig(
        dataset=dataset, dataset_params=dparams, label_space=label_space, eval_dataset=eval_dataset,
        augmenter=augmenter, augmenter_params=parse_params(aug_params, "--aug-param"), aug_scope=aug_scope,
        aug_copies=aug_copies, aug_target=aug_target, aug_filter=aug_filter, model=model,
        model_params=parse_params(model_params, "--model-param"), seed=seed, limit=limit)


@cli.command()
@run_options
@click.option("--eval-dataset", help="Train on --dataset, evaluate on this dataset's test split.")
@click.option("--text-column", help="file: datasets: the text column (dataset param).")
@click.option("--label-column", help="file: datasets: the label column (dataset param).")
@click.option("--label-sep", help="file: datasets: separator of labels in a multi-label cell, e.g. '|'.")
@click.option("--preset", help="Model recipe by name (same as --model-param preset=NAME), e.g. paper.")
@click.option("--init-from", metavar="RUN_ID", help="Start a fine-tune from a stored run's checkpoint "
              "(same as --model-param init_from=RUN_ID).")
@click.option("--force", is_flag=True, help="Rerun even if this config and seed are stored.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
def run(force, quiet, preset, init_from, **kw):
    """Run one benchmark configuration and store the result."""
    from benchmark import report, runner
    from benchmark.store import Store

    cfg = make_config(**kw)
    if preset:
        cfg.model_params["preset"] = preset
    if init_from:
        cfg.model_params["init_from"] = init_from
    with Store() as store:
        row, skipped = runner.run(cfg, store, force=force, progress=not quiet,
                                  log=lambda m: click.echo(m, err=True))
        if skipped:
            click.echo(f"already stored: run {row['run_id']} (use --force to rerun)")
        click.echo(report.summary(row))
        click.echo(f"store: {store.path}")


@cli.command(name="plugins")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.option("--all", "show_all", is_flag=True, help="Include the built-in plugins.")
def plugins_cmd(as_json, show_all):
    """List installed plugins with their distribution, version, hooks and what they register."""
    from benchmark import plugins

    infos = plugins.plugin_infos()
    regs = {k: plugins.registry(k) for k in plugins.KINDS}
    rows = []
    for info in infos:
        if info.distribution == "emobench" and not show_all:
            continue
        provided = {f"{k}s": [s.name for s in regs[k] if s.plugin == info.name] for k in plugins.KINDS}
        rows.append({"name": info.name, "distribution": info.distribution, "version": info.version,
                     "hooks": info.hooks, **provided})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        from tabulate import tabulate

        table = [[r["name"], r["distribution"], r["version"], ", ".join(r["hooks"]),
                  ", ".join(r["datasets"] + r["augmenters"] + r["models"])] for r in rows]
        if table:
            click.echo(tabulate(table, headers=["plugin", "distribution", "version", "hooks", "provides"]))
        else:
            click.echo("No third-party plugins installed (bench plugins --all shows the built-ins).")
    for msg in plugins.failures:
        click.echo(f"warning: {msg}", err=True)


@cli.command()
@click.option("--dataset", "-d")
@click.option("--taxonomy")
@click.option("--model", "-m")
@click.option("--augmenter", "-a")
@click.option("--sort", default="macro_f1", show_default=True, help="Metric to sort by (test split).")
@click.option("--format", "fmt", default="github", show_default=True,
              type=click.Choice(["github", "latex", "csv", "html", "json", "plain"]))
@click.option("--per-seed", is_flag=True, help="One row per run instead of mean ± std over seeds.")
@click.option("--ci", is_flag=True, help="Add a bootstrap 95% CI of test macro-F1 (of the seed mean).")
def leaderboard(dataset, taxonomy, model, augmenter, sort, fmt, per_seed, ci):
    """Show stored runs as a table."""
    from benchmark import leaderboard as lb
    from benchmark.store import Store

    with Store() as store:
        runs = store.runs(dataset=dataset, taxonomy=taxonomy, model=model, augmenter=augmenter)
        click.echo(lb.render(runs, sort=sort, fmt=fmt, per_seed=per_seed, ci=ci, store=store))


def _add_extensions():
    """Commands that live in their own modules (light imports only at module level)."""
    from benchmark import cli_extra

    for cmd in cli_extra.commands():
        cli.add_command(cmd)


_add_extensions()


def main(argv=None):
    try:
        cli.main(args=argv, prog_name="bench", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BenchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted: nothing was stored for the unfinished run", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
