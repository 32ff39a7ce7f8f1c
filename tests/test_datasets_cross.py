"""Cross-dataset evaluation (overlap detection across mention anonymisation) and the bench matrix/datasets commands."""
import csv
import json

import pytest

from benchmark.cli import main
from benchmark.runner import overlap_key
from benchmark.store import Store


def bench(capsys, *args):
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def test_overlap_key_matches_tweeteval_anonymisation():
    assert overlap_key("@SomeOne I &amp; you  are SO happy ") == overlap_key("@user i & you are so happy")
    assert overlap_key("happy") != overlap_key("sad")


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Small fits: BLAS threads only add contention on the shared test machine."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def semeval_csv(data_dir, tmp_path_factory):
    """300 real SemEval-2018 test tweets (raw @mentions) with one Ekman-mappable label, as a CSV dataset."""
    from datasets_registry.semeval import LABELS, read_file

    texts, Y = read_file(data_dir / "semeval2018_ec_en" / "E-c-En-test-gold.txt")
    keep = ("anger", "joy", "sadness", "fear")
    rows = []
    for t, y in zip(texts, Y):
        names = [n for n, v in zip(LABELS, y) if v and n in keep]
        if len(names) == 1:
            rows.append((t, names[0]))
    rows = sorted(rows, key=lambda r: "@" not in r[0])[:300]  # mentions first: they need the normalisation
    path = tmp_path_factory.mktemp("cross") / "semeval_test_sample.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        w.writerows(rows)
    return path


def test_cross_eval_reports_and_excludes_overlap(semeval_csv, home, capsys, data_dir):
    from benchmark import runner

    code, out, err = bench(capsys, "run", "-q", "-d", f"file:{semeval_csv}", "--eval-dataset", "tweeteval-emotion",
                           "--label-space", "ekman")
    assert code == 0, err
    with Store() as store:
        (run,) = store.runs()
    ov = run["extra"]["overlap"]
    A = runner.load_data(f"file:{semeval_csv}", {}, "ekman")
    B = runner.load_data("tweeteval-emotion", {}, "ekman")
    seen = {overlap_key(t) for s in ("train", "validation") for t in A.texts(s)}
    expected = sum(overlap_key(t) in seen for t in B.texts("test"))
    raw_seen = {t.strip().lower() for s in ("train", "validation") for t in A.texts(s)}
    raw = sum(t.strip().lower() in raw_seen for t in B.texts("test"))
    assert ov["excluded"] == expected > raw  # @user anonymisation hides matches from exact comparison
    assert ov["eval_test_rows"] == 1421 and run["metrics"]["sizes"]["test"] == 1421 - expected
    assert f"{expected} of 1421 test texts" in err
    assert run["dataset"] == f"file:{semeval_csv}" and run["eval_dataset"] == "tweeteval-emotion"
    assert any("tweeteval_emotion" in p for p in run["data_hashes"]) and str(semeval_csv) in run["data_hashes"]
    assert run["config"]["extra"]["eval_dataset_params"] == {}


def test_cross_eval_needs_a_shared_label_space(semeval_csv, home, capsys):
    code, _, err = bench(capsys, "run", "-q", "-d", f"file:{semeval_csv}", "--eval-dataset", "tweeteval-emotion")
    assert code != 0 and "--label-space ekman" in err and err.count("\n") == 1


def test_datasets_list_show_plot_and_matrix(home, capsys, tmp_path):
    code, out, _ = bench(capsys, "datasets", "list")
    assert code == 0
    for name in ("carer", "goemotions", "semeval2018-ec", "tweeteval-emotion"):
        assert name in out
    png = tmp_path / "tw.png"
    code, out, err = bench(capsys, "datasets", "show", "tweeteval-emotion", "--plot", str(png))
    assert code == 0, err
    assert "optimism" in out and "3257" in out and "train ∩ test 0" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    code, out, _ = bench(capsys, "datasets", "show", "tweeteval-emotion", "--json")
    stats = json.loads(out)
    assert stats["labels"]["train"] == {"anger": 1400, "joy": 708, "optimism": 294, "sadness": 855}
    assert stats["duplicates"]["train"]["extra_rows"] == 25  # SOURCE.md: 25 duplicate tweet lines within train

    for space, seed in (("native", "0"), ("native", "1"), ("ekman", "0")):
        code, _, err = bench(capsys, "run", "-q", "-d", "tweeteval-emotion", "--limit", "200", "--label-space",
                             space, "--seed", seed)
        assert code == 0, err
    code, out, _ = bench(capsys, "matrix", "--format", "json")
    cells = json.loads(out)
    assert {c["dataset"]: c["n"] for c in cells} == {"tweeteval-emotion n=200": 2, "tweeteval-emotion (ekman) n=200": 1}
    assert all(0 <= c["macro_f1"] <= 1 and c["config"] == "none × tfidf-logreg" for c in cells)
    with Store() as store:
        runs = [r for r in store.runs() if r["label_space"] == "native"]
    mean = sum(r["metrics"]["test"]["macro_f1"] for r in runs) / 2
    assert [c for c in cells if "ekman" not in c["dataset"]][0]["macro_f1"] == pytest.approx(mean)
    code, out, _ = bench(capsys, "matrix", "--format", "csv")
    assert out.splitlines()[0] == "config,tweeteval-emotion n=200,tweeteval-emotion (ekman) n=200"
    code, out, _ = bench(capsys, "matrix", "--format", "latex")
    assert "\\begin{tabular}" in out
