"""Short text summaries of a stored run."""


def summary(row):
    from tabulate import tabulate

    m = row["metrics"]
    keys = ["macro_f1", "micro_f1", "weighted_f1"] + (["hamming_loss", "subset_accuracy"] if m["multi_label"]
                                                      else ["accuracy"])
    keys += [k for k in ("hamming_loss", "subset_accuracy", "accuracy") if k in m["test"] and k not in keys]
    table = [[k] + [f"{m[s][k]:.4f}" if k in m[s] else "" for s in ("dev", "test")] for k in keys]
    cfg = row["config"]
    head = (f"run {row['run_id']}: dataset={row['dataset']}"
            + (f" taxonomy={row['taxonomy']}" if row.get("taxonomy") else "")
            + (f" label_space={row['label_space']}" if row.get("label_space") not in (None, "native") else "")
            + (f" eval={row['eval_dataset']}" if row.get("eval_dataset") else "")
            + f" augmenter={row['augmenter']} model={row['model']} seed={row['seed']}"
            + (f" limit={cfg.get('limit')}" if cfg.get("limit") else ""))
    sizes = m.get("sizes", {})
    lines = [head, f"train {sizes.get('train')} (+{sizes.get('train_augmented', 0) - sizes.get('train', 0)} augmented)"
             f", dev {sizes.get('validation')}, test {sizes.get('test')}; {row['timings'].get('total', 0):.1f}s",
             tabulate(table, headers=["metric", "dev", "test"])]
    overlap = (row.get("extra") or {}).get("overlap")
    if overlap:
        lines.append(f"eval overlap: {overlap['overlap_with_train']} of {overlap['eval_test_rows']} test texts "
                     f"occur in the training data and were excluded")
    return "\n".join(lines)


def distribution(aug_stats):
    """Train label counts before and after augmentation, one compact line per label."""
    from tabulate import tabulate

    names, before, after = aug_stats["label_names"], aug_stats["before"], aug_stats["after"]
    rows = [[n, b, a, f"x{a / b:.1f}" if b else ""] for n, b, a in zip(names, before, after)]
    head = (f"train label distribution ({aug_stats.get('n_before')} -> {aug_stats.get('n_after')} rows, "
            f"scope {aug_stats.get('scope', 'all')}):")
    return head + "\n" + tabulate(rows, headers=["label", "before", "after", "ratio"], tablefmt="plain")
