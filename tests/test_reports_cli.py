"""bench leaderboard / compare / labels / figures / report on a store of real runs (GoEmotions, --limit)."""
import json
import re
import statistics

import pytest
from click.testing import CliRunner

import reports_models
from benchmark.cli import cli, main
from benchmark.store import Store

LIMIT = "600"
GOEMO = ["--dataset", "goemotions", "--limit", LIMIT, "-q"]


def invoke(*args):
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def transfer_plot_ready():
    try:
        from benchmark import figures_transfer, transfer  # noqa: F401
        return True
    except ImportError:
        return False


def wordnet_ready():
    try:
        from plugins import wordnet

        wordnet.find()
        return True
    except Exception:
        return False


@pytest.fixture(scope="module")
def store_runs(tmp_path_factory, data_dir):
    """3 seeds of a seed-sensitive model with loss curves, a tfidf-logreg baseline, and two runs on other test
    sets (Ekman labels; a smaller --limit) -- all real runs through `bench run`."""
    home = tmp_path_factory.mktemp("reports") / "home"
    reports_models.register()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMOBENCH_HOME", str(home))
        for seed in (0, 1, 2):
            invoke("run", *GOEMO, "--model", "sgd-curves", "--seed", str(seed))
        invoke("run", *GOEMO)
        invoke("run", *GOEMO, "--taxonomy", "ekman")
        invoke("run", "--dataset", "goemotions", "--limit", "400", "-q")
        if wordnet_ready():
            invoke("run", *GOEMO, "--augmenter", "eda", "--aug-copies", "1")
        if transfer_plot_ready():  # two BASELINE transfer cells (no source checkpoint needed), real runs
            from benchmark import runner, transfer

            with Store() as s:
                for size in (100, 300):
                    cfg = transfer.cell_config("goemotions", "baseline", size, 0, "nosource", model="tfidf-logreg",
                                               dataset_params={"taxonomy": "group"}, source_dataset="goemotions",
                                               limit=int(LIMIT))
                    runner.run(cfg, s)
        with Store() as s:
            runs = {}
            for r in s.runs():
                key = (r["model"], r["taxonomy"], r["limit_n"], r["augmenter"])
                runs.setdefault(key, []).append(r)
        yield home, runs
    reports_models.unregister()


def one(runs, model="tfidf-logreg", taxonomy="original", limit=600, augmenter="none"):
    return runs[(model, taxonomy, limit, augmenter)]


def test_leaderboard_mean_std_over_three_seeds(store_runs):
    _, runs = store_runs
    sgd = one(runs, "sgd-curves")
    scores = [r["metrics"]["test"]["macro_f1"] for r in sgd]
    assert len(scores) == 3 and len(set(scores)) > 1, "seeds should give different scores"
    out = invoke("leaderboard", "--model", "sgd-curves", "--ci")
    (line,) = [ln for ln in out.splitlines() if "sgd-curves" in ln]
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert f"{statistics.fmean(scores):.4f} ± {statistics.stdev(scores):.4f}" in cells
    assert cells[-1] == "3"
    lo, hi = map(float, re.search(r"\[([\d.]+), ([\d.]+)\]", line).groups())
    assert lo < statistics.fmean(scores) < hi
    per_seed = json.loads(invoke("leaderboard", "--model", "sgd-curves", "--per-seed", "--format", "json"))
    assert sorted(r["seed"] for r in per_seed) == [0, 1, 2]
    agg = json.loads(invoke("leaderboard", "--model", "sgd-curves", "--format", "json", "--ci"))
    assert agg[0]["n"] == 3 and agg[0]["ci_low"] == pytest.approx(lo, abs=1e-4)


def test_leaderboard_exports(store_runs):
    out = invoke("leaderboard", "--taxonomy", "original", "--format", "latex")
    assert out.startswith(r"\begin{tabular}") and r"\toprule" in out and r"\bottomrule" in out
    assert out.count(r"\textbf{") >= 1 and "sgd-curves" in out
    csv_out = invoke("leaderboard", "--format", "csv").splitlines()
    assert csv_out[0].startswith("dataset,") and len(csv_out) >= 4
    assert "<table" in invoke("leaderboard", "--format", "html")


def test_compare_gives_difference_ci_and_p_value(store_runs):
    _, runs = store_runs
    a, b = one(runs, "sgd-curves")[0], one(runs)[0]
    res = json.loads(invoke("compare", a["run_id"], b["run_id"][:8], "--format", "json"))
    fa, fb = a["metrics"]["test"]["macro_f1"], b["metrics"]["test"]["macro_f1"]
    # the stored decisions are compared, so the scores are the leaderboard's (float16 probabilities are not re-decided)
    assert res["macro_f1_a"] == pytest.approx(fa, abs=1e-6) and res["macro_f1_b"] == pytest.approx(fb, abs=1e-6)
    assert res["diff"] == pytest.approx(res["macro_f1_a"] - res["macro_f1_b"], abs=1e-6)
    assert res["ci_low"] <= res["diff"] <= res["ci_high"]
    assert 0 < res["p_value"] <= 1 and res["n_test"] == int(LIMIT)
    text = invoke("compare", a["run_id"], b["run_id"])
    assert re.search(r"p = \d\.\d{4}", text) and "95% CI" in text
    same = json.loads(invoke("compare", a["run_id"], a["run_id"], "--format", "json"))
    assert same["diff"] == 0 and same["p_value"] == 1


@pytest.mark.parametrize("other,message", [(("tfidf-logreg", "ekman", 600, "none"), "different label names"),
                                           (("tfidf-logreg", "original", 400, "none"), "different test sets")])
def test_compare_refuses_different_test_sets(store_runs, capsys, other, message):
    _, runs = store_runs
    a, b = one(runs)[0], runs[other][0]
    with pytest.raises(SystemExit) as exc:
        main(["compare", a["run_id"], b["run_id"]])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_labels_table_and_heatmap(store_runs, tmp_path):
    _, runs = store_runs
    data = json.loads(invoke("labels", "--dataset", "goemotions", "--taxonomy", "ekman", "--format", "json"))
    run = one(runs, taxonomy="ekman")[0]
    assert [r["label"] for r in data] == run["metrics"]["label_names"]
    assert {r["label"]: r["support"] for r in data} == run["metrics"]["test"]["support"]
    sgd = one(runs, "sgd-curves")
    out = invoke("labels", *[r["run_id"] for r in sgd], one(runs)[0]["run_id"], "--format", "github",
                 "--heatmap", str(tmp_path / "heat.png"))
    assert "sgd-curves" in out and "tfidf-logreg" in out and "±" in out
    assert (tmp_path / "heat.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (tmp_path / "heat.svg").exists()
    with pytest.raises(SystemExit):  # mixed label sets: one-line error naming the tasks
        main(["labels"])


def test_figures_from_a_real_store(store_runs, tmp_path):
    out = invoke("figures", "--out", str(tmp_path / "figs"))
    names = {p.name for p in (tmp_path / "figs").iterdir()}
    for stem in ("losses_goemotions_original_limit600", "per_label_f1_goemotions_original_limit600",
                 "per_label_heatmap_goemotions_ekman_limit600"):
        assert {stem + ".png", stem + ".svg"} <= names, (stem, sorted(names))
    assert "distribution_goemotions_original_limit600_original.png" in names
    assert all((tmp_path / "figs" / n).stat().st_size > 1000 for n in names)
    # only the sgd-curves runs have curves: the ekman task gets no loss figure
    assert "losses_goemotions_ekman_limit600.png" not in names
    if wordnet_ready():  # the eda run (scope all) gives the full-augmentation distribution
        assert any(n.startswith("distribution_goemotions_original_limit600_") and
                   ("fullaug" in n or "_eda" in n) for n in names), sorted(names)
    if transfer_plot_ready():
        assert any(n.startswith("transfer_goemotions_to_goemotions") for n in names), sorted(names)
    else:
        assert "skipped transfer curves: benchmark.figures_transfer is not installed" in out


def test_report_is_static_and_self_contained(store_runs, tmp_path):
    _, runs = store_runs
    invoke("report", "--out", str(tmp_path / "site"), "--no-figures")  # figures: see test_reports_browser
    page = (tmp_path / "site" / "index.html").read_text()
    assert page.count('<table class="sortable">') >= 4
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page), "the page must not load anything remote"
    assert "Content-Security-Policy" in page and "Cross-dataset matrix" in page
    run = one(runs)[0]
    assert f'id="run-{run["run_id"]}"' in page
    for path, digest in run["data_hashes"].items():
        assert digest in page
