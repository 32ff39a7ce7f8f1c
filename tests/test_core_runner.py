"""The runner, results store, metrics and CLI end to end on seeded GoEmotions subsets."""
import json
import sqlite3

import numpy as np
import pytest
from click.testing import CliRunner

from benchmark import hookimpl, metrics, plugins
from benchmark.cli import cli
from benchmark.config import RunConfig
from benchmark.runner import run
from benchmark.sampling import stratified_indices
from benchmark.store import Store

LIMIT = 800


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_run_stores_one_complete_row_and_skips_rerun(home, data_dir):
    args = ["run", "--dataset", "goemotions", "--augmenter", "none", "--limit", str(LIMIT), "-q"]
    r = invoke(*args)
    assert r.exit_code == 0, r.output
    assert "macro_f1" in r.output and "store:" in r.output
    with Store() as s:
        (row,) = s.runs()
        assert row["config"]["limit"] == LIMIT and row["config"]["dataset_params"] == {"taxonomy": "original"}
        assert row["metrics"]["sizes"] == {"train": LIMIT, "train_augmented": LIMIT, "validation": LIMIT,
                                           "test": LIMIT}
        assert 0 < row["metrics"]["test"]["macro_f1"] < 1
        assert len(row["metrics"]["test"]["per_label_f1"]) == 28
        assert {"numpy", "scikit-learn", "emobench", "python"} <= set(row["versions"])
        assert all(len(h) == 64 for h in row["data_hashes"].values())
        assert {"load", "augment", "fit", "predict", "total"} <= set(row["timings"])
        arr = s.arrays(row["run_id"])
        assert arr["test_proba"].shape == (LIMIT, 28) and arr["test_y"].shape == (LIMIT, 28)
        assert len(row["metrics"]["thresholds"]) == 28
    r2 = invoke(*args)
    assert "already stored" in r2.output
    with Store() as s:
        assert s.count() == 1
    r3 = invoke(*args, "--force")
    assert "already stored" not in r3.output
    with Store() as s:
        assert s.count() == 1


def test_default_and_explicit_taxonomy_share_an_id(home, data_dir):
    invoke("run", "--dataset", "goemotions", "--limit", "300", "-q")
    r = invoke("run", "--dataset", "goemotions", "--taxonomy", "original", "--limit", "300", "-q")
    assert "already stored" in r.output


@pytest.mark.parametrize("taxonomy,n", [("ekman", 7), ("group", 4)])
def test_taxonomies_run(home, data_dir, taxonomy, n):
    r = invoke("run", "--dataset", "goemotions", "--taxonomy", taxonomy, "--limit", "500", "-q")
    assert r.exit_code == 0, r.output
    with Store() as s:
        (row,) = s.runs()
    assert row["taxonomy"] == taxonomy and len(row["metrics"]["label_names"]) == n


def test_model_failure_leaves_no_row(home, data_dir):
    class Boom:
        def __init__(self, seed=0):
            self.seed = seed

        def fit(self, texts, Y, **kw):
            raise RuntimeError("kaboom")

    class Plug:
        @hookimpl
        def register_models(self, register):
            register("boom", Boom, "raises in fit")

    plugins.register_plugin(Plug(), name="boom-plug")
    try:
        with Store() as s:
            with pytest.raises(Exception) as err:
                run(RunConfig(dataset="goemotions", model="boom", limit=200), s)
            assert "model plugin 'boom' failed: RuntimeError: kaboom" in str(err.value)
            assert s.count() == 0
    finally:
        plugins.unregister_plugin("boom-plug")


def test_interrupt_leaves_no_partial_row(home, data_dir, monkeypatch):
    from plugins import tfidf_logreg

    def interrupted(self, texts):
        raise KeyboardInterrupt

    monkeypatch.setattr(tfidf_logreg.TfidfLogReg, "predict_proba", interrupted)
    with Store() as s:
        with pytest.raises(KeyboardInterrupt):
            run(RunConfig(dataset="goemotions", limit=200), s)
        assert s.count() == 0
        tables = {r[0] for r in s.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"runs", "predictions", "curves"} <= tables
        assert s.conn.execute("SELECT COUNT(*) FROM predictions").fetchone()[0] == 0


def test_leaderboard_formats(home, data_dir):
    invoke("run", "--dataset", "goemotions", "--limit", "300", "-q")
    rows = json.loads(invoke("leaderboard", "--format", "json").output)
    keys = {"dataset", "taxonomy", "augmenter", "model", "seed", "limit", "macro_f1", "micro_f1", "run_id"}
    assert keys <= set(rows[0])
    assert rows[0]["taxonomy"] == "original" and rows[0]["limit"] == 300
    assert "\\toprule" in invoke("leaderboard", "--format", "latex").output
    assert invoke("leaderboard", "--format", "csv").output.startswith("dataset,")
    assert "<table" in invoke("leaderboard", "--format", "html").output


def test_stratified_sample_is_seeded_and_keeps_rare_labels(data_dir):
    from datasets_registry import goemotions

    Y = goemotions.load().Y("train")
    a, b = stratified_indices(Y, 1000, 0), stratified_indices(Y, 1000, 0)
    c = stratified_indices(Y, 1000, 1)
    assert len(a) == 1000 == len(set(a)) and (a == b).all() and not (a == c).all()
    assert (Y[a].sum(0) > 0).all()  # every label, even grief (77 rows), is present
    share, full = Y[a].mean(0), Y.mean(0)
    assert np.abs(share - full).max() < 0.03


def test_thresholds_maximise_dev_f1_per_label():
    rng = np.random.default_rng(0)
    Y = rng.integers(0, 2, size=(400, 3))
    P = np.clip(Y * 0.3 + rng.random((400, 3)) * 0.7, 0, 1)
    thr = metrics.tune_thresholds(P, Y)
    from sklearn.metrics import f1_score

    for j in range(3):
        best = max(f1_score(Y[:, j], P[:, j] >= t, zero_division=0) for t in metrics.GRID)
        assert f1_score(Y[:, j], P[:, j] >= thr[j]) == pytest.approx(best)


def test_store_is_atomic_under_concurrent_writers(tmp_path):
    import threading

    path = tmp_path / "s.sqlite"

    def write(k):
        with Store(path) as s:
            for i in range(20):
                s.save({"run_id": f"{k}-{i}", "group_id": "g", "status": "done", "config": {"i": i},
                        "metrics": {}, "timings": {}}, arrays={"x": np.zeros(3)})

    threads = [threading.Thread(target=write, args=(k,)) for k in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    con = sqlite3.connect(path)
    assert con.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 80
    assert con.execute("SELECT COUNT(*) FROM predictions").fetchone()[0] == 80


def test_policy_logs_label_distribution_before_and_after(home, data_dir, nltk_data, monkeypatch):
    monkeypatch.setenv("EMOBENCH_AUG_CACHE", "0")
    r = CliRunner().invoke(cli, ["run", "-d", "goemotions", "--taxonomy", "group", "-a", "eda", "--limit", "300",
                                 "--aug-scope", "minority", "--aug-target", "100", "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    table = r.output.split("scope minority):")[1].splitlines()[2:6]
    with Store() as s:
        (row,) = s.runs()
    stats = row["aug_stats"]
    for line, name, b, a in zip(table, stats["label_names"], stats["before"], stats["after"]):
        assert line.split()[:3] == [name, str(b), str(a)]
    assert min(stats["before"]) < 100 and min(stats["after"]) >= 90  # raised to about the target
