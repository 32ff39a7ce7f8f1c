"""A small sweep run with the local process pool and with a local Ray instance: identical metrics per cell."""
import json

import pytest

from benchmark import sweep
from benchmark.store import Store

# 4 cells on seeded 200-row GoEmotions subsets (none/eda x 2 seeds), plus one cell that raises
# (C=-1 is rejected by scikit-learn) to check that a failure is recorded and the sweep goes on.
SMALL = """
name = "small"
[fixed]
dataset = "goemotions"
taxonomy = "ekman"
model = "tfidf-logreg"
limit = 200
aug_copies = 1
[axes]
augmenter = ["none", "eda"]
seed = [0, 1]
[[include]]
model_params = {C = -1.0}
"""


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory, nltk_data, data_dir):
    from plugins import wordnet

    wordnet.load()  # build the synonym table once into the shared disk cache; workers read it from there
    p = tmp_path_factory.mktemp("sweep") / "small.toml"
    p.write_text(SMALL)
    return p


def _run(path, executor, only_seed=None, **kw):
    sw = sweep.load(path)
    with Store() as s:
        _, todo = sweep.plan(sw, s)
        todo = [c for c in todo if only_seed is None or c.cfg.seed == only_seed]
        counts = sweep.run(sw, s, todo, executor=executor, progress=False, echo=lambda m: None, **kw)
        rows = {r["run_id"]: r for r in s.runs(status=None)}
        again = sweep.plan(sw, s)[1]
    return sw, counts, rows, again


def _metrics(rows):
    return {k: json.dumps(r["metrics"], sort_keys=True) for k, r in rows.items() if r["status"] == "done"}


@pytest.fixture(scope="module")
def local_result(sweep_file, tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("EMOBENCH_HOME", str(tmp_path_factory.mktemp("local-home")))
    try:
        yield _run(sweep_file, "local", max_workers=2)
    finally:
        mp.undo()


def test_local_pool_runs_records_failure_and_skips_on_rerun(local_result):
    sw, counts, rows, again = local_result
    assert len(sw.cells) == 5 and counts == {"done": 4, "failed": 1}
    assert set(rows) == {c.run_id for c in sw.cells}
    (bad,) = [r for r in rows.values() if r["status"] == "failed"]
    assert bad["config"]["model_params"] == {"C": -1.0} and "C" in bad["error"] and bad["metrics"] is None
    eda = [r for r in rows.values() if r["augmenter"] == "eda"]
    assert all(r["metrics"]["sizes"]["train_augmented"] > r["metrics"]["sizes"]["train"] for r in eda)
    assert again == []  # done and failed cells are not rerun (failed ones only with --retry-failed)


def test_ray_gives_identical_metrics(local_result, sweep_file, tmp_path, monkeypatch):
    ray = pytest.importorskip("ray", reason="Ray is the optional extra 'ray'")
    monkeypatch.setenv("EMOBENCH_HOME", str(tmp_path / "ray-home"))
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        sw, counts, rows, again = _run(sweep_file, "ray", only_seed=0)  # none, eda and the failing cell
    finally:
        ray.shutdown()
    assert counts == {"done": 2, "failed": 1} and len(again) == 2
    local = _metrics(local_result[2])
    ray_metrics = _metrics(rows)
    assert len(ray_metrics) == 2 and all(local[k] == v for k, v in ray_metrics.items())
    assert {r["status"] for r in rows.values()} == {"done", "failed"}
