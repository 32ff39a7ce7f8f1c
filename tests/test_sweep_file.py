"""Sweep files: expansion, dedupe by run id, include/exclude, errors, --dry-run and failed-cell bookkeeping.

No cell runs here: ids come from configs only.
"""
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmark import runner, sweep
from benchmark.cli import cli
from benchmark.config import RunConfig
from benchmark.errors import BenchError, DataError
from benchmark.store import Store

ROOT = Path(__file__).resolve().parents[1]

GRID = """
name = "grid"
[fixed]
dataset = "goemotions"
limit = 200
aug_target = 50
[axes]
taxonomy = ["ekman", "group"]
augmenter = ["none", "eda"]
aug_scope = ["all", "minority"]
seed = [0, 1]
"""


def write(tmp_path, text, name="s.toml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def test_grid_expands_and_merges_identical_cells(tmp_path, data_dir):
    sw = sweep.load(write(tmp_path, GRID))
    # 2 taxonomies x 2 seeds x (none + eda x 2 scopes): augmenter none ignores the scope, so its 2 combos are 1 cell
    assert len(sw.cells) == 2 * 2 * 3 and sw.merged == 4
    assert len({c.run_id for c in sw.cells}) == len(sw.cells)
    # ids are those `bench run` computes (dataset defaults normalised in the same way)
    cfg = RunConfig(dataset="goemotions", dataset_params={"taxonomy": "ekman"}, augmenter="eda",
                    aug_scope="minority", aug_target=50, seed=1, limit=200)
    assert runner.normalize(cfg, runner.resolve(cfg)).run_id() in {c.run_id for c in sw.cells}
    assert sw.varying() == ["taxonomy", "augmenter", "aug_scope", "seed"]


def test_params_axes_include_exclude(tmp_path, data_dir):
    sw = sweep.load(write(tmp_path, """
[fixed]
dataset = "goemotions"
model_params = {ngram_max = 1}
[axes]
model_params = {C = [1.0, 4.0]}
seed = [0, 1]
[[include]]
taxonomy = "group"
aug_params = {alpha_sr = [0.05, 0.2]}
augmenter = "eda"
[[exclude]]
model_params = {C = 4.0}
seed = 1
"""))
    params = [(c.cfg.model_params, c.cfg.seed, c.cfg.augmenter) for c in sw.cells]
    assert ({"ngram_max": 1, "C": 4.0}, 1, "none") not in params
    assert ({"ngram_max": 1, "C": 1.0}, 1, "none") in params
    eda = [c.cfg for c in sw.cells if c.cfg.augmenter == "eda"]
    assert sorted(c.augmenter_params["alpha_sr"] for c in eda) == [0.05, 0.2]
    assert all(c.taxonomy == "group" and c.model_params == {"ngram_max": 1} for c in eda)
    assert len(sw.cells) == 3 + 2


@pytest.mark.parametrize("text, needle, line", [
    ("[fixed]\ndataset = 'goemotions'\n[axes]\nmodle = ['tfidf-logreg']\n", "did you mean 'model'", 4),
    ("[fixed]\ndataset = 'goemotions'\nseed = [0, 1\n", "Unclosed array", 3),
    ("[fixed]\ndataset = 'goemotions'\nseed = = 1\nlimit = 3\n", "invalid TOML", 3),
    ("[fixed]\ndataset = 'goemotions'\n[axes]\nseed = 3\n", "must be a non-empty list", 4),
    ("[fixd]\ndataset = 'goemotions'\n", "did you mean 'fixed'", 1),
    ("[fixed]\ndataset = 'goemotions'\n\nseed = '1'\n", "'seed' must be an integer", 4),
    ("[fixed]\ndataset = 'goemotions'\n[axes]\nmodel = ['tfidf-logreg', 'tfidf-logreq']\n",
     "Did you mean 'tfidf-logreg'", 4),
    ("[axes]\nseed = [0]\n", "no dataset", None),
])
def test_bad_files_name_file_and_line(tmp_path, text, needle, line):
    p = write(tmp_path, text)
    with pytest.raises(DataError) as err:
        sweep.load(p)
    assert needle in str(err.value) and str(p) in str(err.value)
    assert err.value.line == line


def test_cli_dry_run_lists_cells_writes_nothing_and_stays_light(tmp_path, home, data_dir):
    p = write(tmp_path, GRID)
    code = ("import sys; from benchmark.cli import main; main(['sweep', sys.argv[1], '--dry-run']); "
            "heavy = [m for m in ('sklearn', 'torch', 'datasets', 'transformers', 'ray') if m in sys.modules]; "
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert "sweep grid: 12 cells (4 duplicate combinations merged): 0 done, 0 failed, 12 pending" in out.stdout
    assert out.stdout.count("pending") == 13 and "HEAVY []" in out.stdout
    assert not (home / "results.sqlite").exists() or Store().count() == 0
    bad = CliRunner().invoke(cli, ["sweep", str(tmp_path / "missing.toml")])
    assert bad.exit_code != 0 and "cannot read sweep file" in str(bad.exception) + bad.output


def test_failed_cells_are_never_done_and_never_overwrite_done(tmp_path, home, data_dir):
    sw = sweep.load(write(tmp_path, GRID))
    a, b = sw.cells[:2]
    with Store() as s:
        sweep.record_failure(s, a, "ValueError: boom\n\ntraceback")
        assert not s.done(a.run_id) and s.get(a.run_id)["error"].startswith("ValueError: boom")
        s.save({"run_id": b.run_id, "group_id": b.cfg.group_id(), "status": "done", "config": b.cfg.identity()})
        sweep.record_failure(s, b, "late failure from a second sweep")
        assert s.done(b.run_id) and s.get(b.run_id)["error"] is None
        st, todo = sweep.plan(sw, s)
        assert st == {a.run_id: "failed", b.run_id: "done"} and len(todo) == len(sw.cells) - 2
        _, retry = sweep.plan(sw, s, retry_failed=True)
        assert [c.run_id for c in retry] == [a.run_id]
    r = CliRunner().invoke(cli, ["sweep", str(tmp_path / "s.toml"), "--dry-run"])
    assert "1 done, 1 failed, 10 pending" in r.output


def test_examples_parse(data_dir):
    for path in sorted((ROOT / "examples").glob("*.toml")):
        try:
            sw = sweep.load(path)
        except BenchError as exc:
            if "unknown augmenter" in str(exc) or "unknown model" in str(exc):
                continue  # an optional plugin is not installed here
            raise
        assert sw.cells, path
        if path.name == "paper_augmentation.toml":
            # 3 taxonomies x 3 seeds x (none + 3 augmenters x 2 scopes)
            assert len(sw.cells) == 63 and sw.merged == 9


def test_transfer_tables_give_bench_transfer_ids_and_run_after_their_source(tmp_path, home, data_dir,
                                                                            monkeypatch):
    from benchmark import executors, transfer

    p = write(tmp_path, """
[[transfer]]
source = "goemotions"
target = "carer"
strategies = ["baseline", "freeze"]
sizes = [100, "max"]
seeds = 2
model_params = {epochs = 1}
limit_target = 300
""")
    sw = sweep.load(p)
    src_cfg = transfer.source_config("goemotions", "transformer-finetune", {"epochs": 1})
    src_id = runner.normalize(src_cfg, runner.resolve(src_cfg)).run_id()
    cfg = transfer.cell_config("carer", "freeze", "max", 1, src_id, "transformer-finetune", {"epochs": 1},
                               source_dataset="goemotions", limit=300)
    assert sw.cells[0].run_id == src_id and sw.cells[0].after is None
    assert runner.normalize(cfg, runner.resolve(cfg)).run_id() in [c.run_id for c in sw.cells]
    assert len(sw.cells) == 1 + 2 * 2 * 2 and all(c.after == src_id for c in sw.cells[1:])

    calls = []

    def fake_local(jobs, max_workers=None):  # the source fails: its cells must not run
        calls.append([j.cfg.run_id() for j in jobs])
        for i, _ in enumerate(jobs):
            yield i, {"ok": False, "error": "RuntimeError: no GPU"}

    monkeypatch.setattr(executors, "local", fake_local)
    with Store() as s:
        counts = sweep.run(sw, s, sw.cells, progress=False, echo=lambda m: None)
        rows = s.runs(status="failed")
    assert calls == [[src_id]] and counts == {"done": 0, "failed": 9}
    assert sum("source run" in r["error"] and src_id in r["error"] for r in rows) == 8
