"""``bench augment``: augment a dataset's train split (cached) and inspect, save or plot the result."""
import json
import time

import click


@click.command()
@click.option("--dataset", "-d", required=True, help="Dataset name, file:PATH or card.toml.")
@click.option("--taxonomy", help="Dataset taxonomy (goemotions: original|ekman|group).")
@click.option("--dataset-param", "dataset_params", multiple=True, metavar="K=V")
@click.option("--label-space", default="native", show_default=True, help="native|ekman|sentiment")
@click.option("--augmenter", "-a", required=True)
@click.option("--aug-param", "aug_params", multiple=True, metavar="K=V", help="Augmenter parameter.")
@click.option("--aug-scope", default="all", show_default=True, help="all|minority")
@click.option("--aug-copies", default=4, show_default=True, help="Augmented copies per example (scope all).")
@click.option("--aug-target", type=int, help="Raise labels with fewer train rows than N to about N.")
@click.option("--aug-filter", help="Semantic filter, e.g. min_cos=0.8.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--limit", type=int, help="Seeded, label-stratified sample of N rows per split.")
@click.option("--preview", default=5, show_default=True, help="Show N random originals with their copies (0: none).")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write the augmented train set as JSONL.")
@click.option("--plot", type=click.Path(file_okay=False),
              help="Write distribution_original.png and distribution_fullaug|minority.png into this folder.")
@click.option("--no-cache", is_flag=True, help="Recompute (and do not store) the augmented set.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bars.")
def augment(dataset, taxonomy, dataset_params, label_space, augmenter, aug_params, aug_scope, aug_copies, aug_target,
            aug_filter, seed, limit, preview, out, plot, no_cache, quiet):
    """Augment the train split of a dataset (dev/test are never touched) and show what came out.

    Uses the same policy and cache as `bench run`, so a later run with the same settings reuses it.
    """
    import random

    from tabulate import tabulate

    from benchmark import runner
    from benchmark.augcache import augment_train
    from benchmark.cli import make_config
    from benchmark.errors import BenchError

    cfg = make_config(dataset, taxonomy, dataset_params, label_space, augmenter, aug_params, aug_scope, aug_copies,
                      aug_target, aug_filter, "tfidf-logreg", (), seed, limit)
    if augmenter == "none":
        raise BenchError("bench augment needs an augmenter other than 'none' (see bench plugins --all)")
    specs = runner.resolve(cfg)
    cfg = runner.normalize(cfg, specs)
    data = runner.load_data(cfg.dataset, cfg.dataset_params, cfg.label_space, cfg.limit, cfg.limit_seed)
    texts, Y = data.texts("train"), data.Y("train")
    t0 = time.perf_counter()
    aug_texts, aug_Y, stats = augment_train(cfg, specs["augmenter"], texts, Y, progress=not quiet,
                                            log=lambda m: click.echo(m, err=True),
                                            cache=False if no_cache else None)
    secs = time.perf_counter() - t0
    source = stats.pop("_source")
    copies = aug_texts[len(texts):]
    names = data.label_names

    line = (f"{cfg.dataset} train: {len(texts)} rows -> {len(aug_texts)} ({len(copies)} copies from "
            f"{len(set(source))} originals) with {augmenter} {cfg.augmenter_params or ''}"
            f"scope={aug_scope}{f' target={aug_target}' if aug_scope == 'minority' else f' copies={aug_copies}'} "
            f"seed={seed}; {secs:.1f}s, cache {stats.get('cache')}")
    click.echo(line)
    if "filter_acceptance" in stats:
        click.echo(f"filter {aug_filter}: kept {stats['filter_kept']}/{stats['filter_generated']} copies "
                   f"(acceptance {stats['filter_acceptance']}, mean cos {stats['filter_mean_cos']})")
    rows = [[n, b, a, a - b] for n, b, a in zip(names, stats["before"], stats["after"])]
    click.echo(tabulate(rows, headers=["label", "before", "after", "added"]))

    if preview > 0 and copies:
        by_src = {}
        for c, s in zip(copies, source):
            by_src.setdefault(s, []).append(c)
        picks = random.Random(seed).sample(sorted(by_src), min(preview, len(by_src)))
        for s in picks:
            labels = ", ".join(n for n, v in zip(names, Y[s]) if v)
            click.echo(f"\n[{labels}] {texts[s]}")
            for c in by_src[s]:
                click.echo(f"  -> {c}")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            for i, (t, y) in enumerate(zip(aug_texts, aug_Y)):
                row = {"text": t, "labels": [n for n, v in zip(names, y) if v],
                       "augmented": i >= len(texts), "source": int(source[i - len(texts)]) if i >= len(texts) else i}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        click.echo(f"wrote {len(aug_texts)} rows to {out}")
    if plot:
        from benchmark.figures_dist import plot_distributions

        key = "minority" if aug_scope == "minority" else "fullaug"
        paths = plot_distributions(names, stats["before"], plot, **{key: stats["after"]},
                                   target=aug_target if aug_scope == "minority" else None, title=cfg.dataset)
        click.echo("figures: " + ", ".join(str(p) for p in paths))


def commands():
    return [augment]
