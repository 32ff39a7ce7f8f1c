"""``bench sweep FILE.toml``: run a grid of configs; finished cells are skipped, failed ones recorded."""
import sys
import time

import click


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="List the cells and their state; run nothing.")
@click.option("--retry-failed", is_flag=True, help="Rerun only the cells recorded as failed.")
@click.option("--executor", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option("--max-workers", type=click.IntRange(min=1), help="Cells at once (default: CPU count).")
@click.option("--ray-address", help="Existing Ray cluster (e.g. auto or ray://host:10001); default: start one.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def sweep(file, dry_run, retry_failed, executor, max_workers, ray_address, quiet):
    """Run every cell of a sweep file (see docs/sweeps.md). Safe to rerun: done cells are skipped."""
    from benchmark import sweep as sw
    from benchmark.store import Store

    t0 = time.perf_counter()
    spec = sw.load(file)
    with Store() as store:
        st, todo = sw.plan(spec, store, retry_failed)
        n_done = sum(1 for c in spec.cells if st.get(c.run_id) == "done")
        n_failed = sum(1 for c in spec.cells if st.get(c.run_id) == "failed")
        n_pending = len(spec.cells) - n_done - n_failed
        merged = f" ({spec.merged} duplicate combinations merged)" if spec.merged else ""
        head = (f"sweep {spec.name}: {len(spec.cells)} cells{merged}: {n_done} done, {n_failed} failed, "
                f"{n_pending} pending")
        if dry_run:
            _list(spec, st, sw.errors(store, [c.run_id for c in spec.cells if st.get(c.run_id) == "failed"]))
            click.echo(head)
            click.echo(f"store: {store.path}")
            return
        if not todo:
            if n_failed and not retry_failed:
                click.echo(f"{head}. Nothing to run; rerun the failed cells with --retry-failed.")
                sys.exit(1)
            click.echo(f"{head}. Nothing to do: every cell is done ({time.perf_counter() - t0:.2f}s).")
            return
        what = "failed cells to retry" if retry_failed else "cells to run"
        click.echo(f"{head}. {len(todo)} {what} with the {executor} executor.", err=True)
        counts = sw.run(spec, store, todo, executor=executor, max_workers=max_workers, ray_address=ray_address,
                        progress=not quiet, echo=lambda m: click.echo(m, err=True))
        st = sw.statuses(store, [c.run_id for c in spec.cells])
        done = sum(1 for c in spec.cells if st.get(c.run_id) == "done")
        click.echo(f"sweep {spec.name}: ran {counts['done'] + counts['failed']} cells ({counts['done']} done, "
                   f"{counts['failed']} failed) in {time.perf_counter() - t0:.1f}s; "
                   f"{done}/{len(spec.cells)} cells done. store: {store.path}")
        if counts["failed"]:
            click.echo(f"{counts['failed']} cells failed (errors in the store's runs.error); "
                       f"rerun with --retry-failed", err=True)
            sys.exit(1)


def _list(spec, st, errors):
    from tabulate import tabulate

    keys = spec.varying()
    rows = [[i + 1, c.run_id, st.get(c.run_id, "pending")] + [_cell(c.values.get(k)) for k in keys]
            for i, c in enumerate(spec.cells)]
    if errors:
        for row, c in zip(rows, spec.cells):
            row.append((errors.get(c.run_id) or "").split("\n")[0][:100])
    click.echo(tabulate(rows, headers=["#", "run_id", "status"] + keys + (["error"] if errors else [])))


def _cell(v):
    from benchmark.sweep import show

    return "" if v is None else show(v)


def commands():
    return [sweep]
