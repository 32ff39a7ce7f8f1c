"""wordnet-synonym, glove-swap, the semantic filter, the augmentation cache, bench augment and the distribution
figures, on real GoEmotions subsets with the real WordNet and GloVe (a 5,000-word GloVe table keeps it fast)."""
import json
import random

import numpy as np
import pytest
from click.testing import CliRunner

from benchmark import plugins
from benchmark.augcache import augment_train
from benchmark.cli import cli, main
from benchmark.config import RunConfig
from benchmark.runner import load_data
from benchmark.store import Store
from plugins import wordnet

GLOVE = {"vocab": 5000}


@pytest.fixture(scope="module")
def subset(data_dir):
    return load_data("goemotions", {}, limit=600, limit_seed=3)


@pytest.fixture(scope="module")
def texts(subset):
    return subset.texts("train")[:80]


def make(name, **params):
    return plugins.get("augmenter", name).create(**params)


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("name,params", [("wordnet-synonym", {}), ("glove-swap", GLOVE)])
def test_seeded_batch_independent_and_stopwords_kept(name, params, texts, nltk_data):
    aug = make(name, **params)
    a = aug.augment(texts, 3, seed=5)
    assert a == make(name, **params).augment(texts, 3, seed=5)
    assert a != aug.augment(texts, 3, seed=6)
    assert aug.augment(texts[::-1], 3, seed=5)[::-1] == a  # a text's copies do not depend on the batch
    changed = 0
    for text, variants in zip(texts, a):
        assert len(variants) <= 3 and text not in variants
        tokens = text.split()
        for v in variants:
            new = v.split()
            if len(new) != len(tokens):  # multi-word WordNet lemmas add tokens; compare the kept ones
                continue
            for old, tok in zip(tokens, new):
                if old != tok:
                    changed += 1
                    assert old.lower().strip(".,!?\"'") not in wordnet.STOPWORDS, (old, tok)
                    assert "[" not in old
    assert changed > 50


def test_glove_swap_uses_precomputed_neighbours(nltk_data):
    from plugins import glove

    aug = make("glove-swap", k=5, **GLOVE)
    out = aug.augment(["I am so angry at him today"], 6, seed=0)[0]
    assert out
    table = glove.neighbours(5000)
    allowed = set(table.of("angry", 5)) | set(table.of("today", 5)) | {"angry", "today"}
    for v in out:
        words = v.split()
        assert words[:3] == ["I", "am", "so"] and words[4] == "at" and words[5] == "him"  # stopwords stay
        assert {words[3], words[6]} <= allowed
    assert table.nn.shape == (5000, glove.K) and (np.diff(table.sims.astype(np.float32), axis=1) <= 1e-3).all()


def test_bench_run_end_to_end_cache_reused_dev_test_untouched(home, nltk_data, data_dir):
    base = ["run", "-d", "goemotions", "--limit", "400", "-q"]
    assert invoke(*base, "-a", "none").exit_code == 0
    for name, extra in [("wordnet-synonym", []), ("glove-swap", ["--aug-param", "vocab=5000"])]:
        r = invoke(*base, "-a", name, "--aug-copies", "2", *extra)
        assert r.exit_code == 0, r.output
        r2 = invoke(*base, "-a", name, "--aug-copies", "2", *extra, "--model-param", "C=1.0")  # another model
        assert r2.exit_code == 0, r2.output
    with Store() as s:
        runs = {(r["augmenter"], r["config"]["model_params"].get("C")): r for r in s.runs()}
    none = runs[("none", None)]
    for name in ("wordnet-synonym", "glove-swap"):
        first, second = runs[(name, None)], runs[(name, 1.0)]
        st = first["aug_stats"]
        assert st["cache"] == "miss" and second["aug_stats"]["cache"] == "hit"
        assert st["train_hash"] == second["aug_stats"]["train_hash"]  # the same augmented set, reused
        assert st["n_before"] == 400 and st["n_after"] == 400 + st["generated"] and st["generated"] > 600
        assert sum(st["after"]) > sum(st["before"])
        assert "_source" not in st
        for key in ("dev_hash", "test_hash"):
            assert first["extra"][key] == none["extra"][key]
        assert first["metrics"]["sizes"]["validation"] == none["metrics"]["sizes"]["validation"]


def test_minority_scope_raises_rare_labels_only(subset, nltk_data):
    cfg = RunConfig(dataset="goemotions", augmenter="glove-swap", augmenter_params=GLOVE, aug_scope="minority",
                    aug_target=25, seed=1)
    texts, Y = subset.texts("train"), subset.Y("train")
    out, Y_out, stats = augment_train(cfg, plugins.get("augmenter", "glove-swap"), texts, Y, cache=False)
    before, after = np.array(stats["before"]), np.array(stats["after"])
    rare = before < 25
    assert rare.sum() >= 5 and (~rare).sum() >= 3
    assert np.median(after[rare]) >= 0.85 * 25 and after[rare].min() > before[rare].min()
    assert out[: len(texts)] == texts
    src = np.array(stats["_source"])
    np.testing.assert_array_equal(Y_out[len(texts):], Y[src])  # labels copied from each copy's source row
    assert (Y[src][:, rare].sum(axis=1) > 0).all()  # rows with only frequent labels are left alone


def test_semantic_filter_keeps_close_copies_and_reports_acceptance(subset, nltk_data):
    from benchmark.augfilter import similarities

    texts, Y = subset.texts("train")[:40], subset.Y("train")[:40]
    cfg = RunConfig(dataset="goemotions", augmenter="wordnet-synonym", aug_copies=2, aug_filter="min_cos=0.85")
    out, Y_out, st = augment_train(cfg, plugins.get("augmenter", "wordnet-synonym"), texts, Y, cache=False)
    copies, src = out[40:], st["_source"]
    assert 0 < st["filter_kept"] < st["filter_generated"]
    assert st["filter_acceptance"] == round(st["filter_kept"] / st["filter_generated"], 4)
    assert len(copies) == st["filter_kept"] == len(src) and st["n_after"] == len(out)
    sims = similarities([texts[i] for i in src], copies)
    assert (sims >= 0.85 - 1e-5).all()
    np.testing.assert_array_equal(Y_out[40:], Y[np.array(src)])


def test_bench_augment_cli_preview_out_plot(home, tmp_path, nltk_data, data_dir):
    out, figs = tmp_path / "aug.jsonl", tmp_path / "figs"
    r = invoke("augment", "-d", "goemotions", "-a", "wordnet-synonym", "--limit", "200", "--aug-scope", "minority",
               "--aug-target", "30", "--preview", "2", "--out", str(out), "--plot", str(figs), "-q")
    assert r.exit_code == 0, r.output
    assert "->" in r.output and "before" in r.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    orig = [x for x in rows if not x["augmented"]]
    assert len(orig) == 200 and len(rows) > 200
    for x in rows:
        if x["augmented"]:
            assert x["labels"] == rows[x["source"]]["labels"]
    assert (figs / "distribution_original.png").stat().st_size > 1000
    assert (figs / "distribution_minority.png").stat().st_size > 1000


def test_bad_filter_and_params_fail_in_one_line(home, capsys, nltk_data, data_dir):
    for args, needle in [(["--aug-filter", "min_cos=abc"], "not a valid float"),
                         (["--aug-filter", "maxcos=1"], "Valid keys"),
                         (["--aug-param", "p=3"], "p must be"),
                         (["--aug-param", "bogus=1"], "bad parameter")]:
        with pytest.raises(SystemExit) as exc:
            main(["run", "-d", "goemotions", "-a", "wordnet-synonym", "--limit", "100", "-q", *args])
        assert exc.value.code != 0
        err = capsys.readouterr().err.strip()
        assert needle in err and len(err.splitlines()) == 1, err
    assert not (home / "results.sqlite").exists() or Store().runs() == []


def test_distribution_figures_from_runs(tmp_path):
    from benchmark.figures_dist import from_runs

    labels = ["a", "b", "c"]
    runs = [{"dataset": "d", "augmenter": "none", "aug_stats": {"before": [50, 5, 2], "label_names": labels}},
            {"dataset": "d", "augmenter": "x", "aug_stats": {"before": [50, 5, 2], "after": [250, 25, 10],
                                                              "scope": "all", "label_names": labels}},
            {"dataset": "d", "augmenter": "x", "aug_stats": {"before": [50, 5, 2], "after": [50, 21, 20],
                                                              "scope": "minority", "target": 20,
                                                              "label_names": labels}}]
    paths = from_runs(runs, tmp_path)
    assert [p.name for p in paths] == ["distribution_original.png", "distribution_fullaug.png",
                                       "distribution_minority.png"]
    assert all(p.stat().st_size > 1000 for p in paths)
    assert from_runs([], tmp_path) == []


def test_one_word_emoji_and_repeated_texts(nltk_data):
    for name, params in [("wordnet-synonym", {}), ("glove-swap", GLOVE)]:
        aug = make(name, **params)
        state = random.getstate()
        out = aug.augment(["", "😀🎉", "sad", "sad " * 50, "the and of"], 3, seed=0)
        assert random.getstate() == state  # the global RNG is never used
        assert out[0] == [] and out[1] == [] and out[4] == []  # nothing replaceable: no copies
        assert 0 < len(out[2]) <= 3 and len(out[3]) == 3
