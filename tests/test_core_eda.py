"""EDA augmenter: determinism, the four operations, edge cases, the policy and `bench run --augmenter eda`."""
import time

import numpy as np
import pytest
from click.testing import CliRunner

from benchmark import policy
from benchmark.cli import cli, main
from benchmark.errors import BenchError
from benchmark.runner import load_data
from benchmark.store import Store
from plugins import wordnet
from plugins.eda import EDA


@pytest.fixture(scope="module")
def subset(nltk_data, data_dir):
    return load_data("goemotions", {"taxonomy": "original"}, limit=3000, limit_seed=0)


@pytest.fixture(scope="module")
def texts(subset):
    return subset.texts("train")[:400]


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_same_seed_identical_other_seed_different(texts):
    a, b = EDA().augment(texts, 4, seed=1), EDA().augment(texts, 4, seed=1)
    assert a == b
    c = EDA().augment(texts, 4, seed=2)
    assert a != c
    differ = sum(x != y for x, y in zip(a, c))
    assert differ > len(texts) // 2
    assert all(len(v) == 4 for v in a)
    assert sum(v != t for vs, t in zip(a, texts) for v in vs) > 0.8 * 4 * len(texts)


def test_output_does_not_depend_on_the_batch(texts):
    eda = EDA()
    whole = eda.augment(texts, 3, seed=7)
    part = EDA().augment(texts[::-1][:50], 3, seed=7)
    assert part == whole[::-1][:50]
    assert [eda.augment([t], 3, seed=7)[0] for t in texts[:20]] == whole[:20]


def test_each_operation_does_what_it_says(texts):
    src = [t for t in texts if len(t.split()) >= 8][:100]
    for t, vs in zip(src, EDA(0, 0, 0.2, 0).augment(src, 2, 0)):  # swap: same tokens
        assert all(sorted(v.split()) == sorted(t.split()) for v in vs)
    for t, vs in zip(src, EDA(0, 0, 0, 0.3).augment(src, 2, 0)):  # deletion: an ordered subsequence
        for v in vs:
            it = iter(t.split())
            assert all(w in it for w in v.split()) and 0 < len(v.split()) <= len(t.split())
    grew = 0
    for t, vs in zip(src, EDA(0, 0.2, 0, 0).augment(src, 2, 0)):  # insertion: input is a subsequence
        for v in vs:
            it = iter(v.split())
            assert all(w in it for w in t.split())
            grew += len(v.split()) > len(t.split())
    assert grew > 150
    changed = 0
    for t, vs in zip(src, EDA(0.2, 0, 0, 0).augment(src, 2, 0)):  # replacement: stopwords never change
        for v in vs:
            kept = [w for w in t.split() if w.lower() in wordnet.STOPWORDS]
            assert all(w in v.split() for w in kept)
            changed += v != t
    assert changed > 150


def test_synonyms_come_from_wordnet(nltk_data):
    out = EDA(1, 0, 0, 0).augment(["happy"], 3, 0)[0]
    assert set(out) <= set(wordnet.synonyms("happy")) and out
    assert EDA(1, 0, 0, 0).augment(["Happy!"], 2, 0)[0][0][0].isupper()


def test_edge_cases(nltk_data):
    eda = EDA()
    assert eda.augment(["", "   "], 4, 0) == [[], []]
    assert eda.augment(["😂😂"], 4, 0) == [["😂😂"] * 4]
    assert len(eda.augment(["happy"], 4, 0)[0]) == 4
    assert all(v.split() for v in eda.augment(["love love love love"], 8, 0)[0])
    for v in EDA(1, 0, 0, 0).augment(["[NAME] is happy [RELIGION] happy"], 4, 0)[0]:
        assert "[NAME]" in v and "[RELIGION]" in v and "happy" not in v.split()
    assert EDA(0, 1, 0, 0).augment(["[NAME], [RELIGION]"], 2, 0) == [["[NAME], [RELIGION]"] * 2]
    long = " ".join(["happy sad angry glad joy the of fear"] * 2000)  # 16,000 words
    t = time.perf_counter()
    assert len(EDA(0.3, 0.3, 0.3, 0.3).augment([long], 8, 0)[0]) == 8
    assert time.perf_counter() - t < 10
    assert eda.augment(["some text"], 0, 0) == [[]]


def test_bad_params_are_one_line_errors():
    with pytest.raises(BenchError, match="alpha_sr"):
        EDA(alpha_sr=2)
    with pytest.raises(BenchError, match="at least one"):
        EDA(0, 0, 0, 0)


def test_policy_copies_labels_and_keeps_originals_first(subset):
    texts, Y = subset.texts("train")[:300], subset.Y("train")[:300]
    out, Y_out, stats = policy.apply(EDA(), texts, Y, seed=0, scope="all", copies=2)
    assert out[:300] == texts and stats["generated"] == len(out) - 300 == 600
    np.testing.assert_array_equal(Y_out[300:], np.repeat(Y, 2, axis=0))
    assert stats["after"] == [3 * c for c in stats["before"]]


def test_minority_policy_raises_rare_labels_only(subset):
    texts, Y = subset.texts("train"), subset.Y("train")
    target = 150
    out, Y_out, stats = policy.apply(EDA(), texts, Y, seed=0, scope="minority", target=target)
    before, after = np.array(stats["before"]), np.array(stats["after"])
    rare = before < target
    assert rare.sum() >= 10 and (~rare).sum() >= 5
    assert (after[rare] >= 0.9 * target).all()  # a few overshoot: they co-occur with rarer labels' copies
    assert abs(np.median(after[rare]) - target) <= 0.05 * target
    assert out[: len(texts)] == texts
    # copies come only from rows that carry a rare label: rows with only frequent labels are left alone
    assert (Y_out[len(texts):][:, rare].sum(axis=1) > 0).all()
    assert stats["generated"] == len(out) - len(texts) > 0


def test_bench_run_eda_end_to_end(home, nltk_data, data_dir, monkeypatch):
    monkeypatch.setenv("EMOBENCH_AUG_CACHE", "0")  # --force below must really augment again
    args = ["run", "--dataset", "goemotions", "--augmenter", "eda", "--limit", "1500", "-q"]
    r = invoke(*args, "--seed", "1")
    assert r.exit_code == 0, r.output
    with Store() as s:
        (row,) = s.runs()
    sizes, aug = row["metrics"]["sizes"], row["aug_stats"]
    assert sizes["train"] == sizes["validation"] == sizes["test"] == 1500  # dev/test as without augmentation
    assert sizes["train_augmented"] == aug["n_after"] == 1500 + aug["generated"]
    assert 0.95 * 4 * 1500 <= aug["generated"] <= 4 * 1500
    assert row["config"]["augmenter"] == "eda"
    assert "already stored" in invoke(*args, "--seed", "1").output

    assert invoke(*args, "--seed", "2").exit_code == 0
    with Store() as s:
        rows = {r["seed"]: r for r in s.runs()}
    assert sorted(rows) == [1, 2]
    assert rows[1]["aug_stats"]["train_hash"] != rows[2]["aug_stats"]["train_hash"]
    assert rows[1]["metrics"]["sizes"] == rows[2]["metrics"]["sizes"]
    assert rows[1]["extra"]["test_hash"] == rows[2]["extra"]["test_hash"]  # test split never augmented

    assert invoke(*args, "--seed", "1", "--force").exit_code == 0
    with Store() as s:
        again = {r["seed"]: r for r in s.runs()}[1]
    assert again["aug_stats"]["train_hash"] == rows[1]["aug_stats"]["train_hash"]
    assert again["metrics"]["test"] == rows[1]["metrics"]["test"]


def test_missing_wordnet_names_the_setup_command(home, data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("EMOBENCH_AUG_CACHE", "0")
    monkeypatch.setenv("NLTK_DATA", str(tmp_path / "empty"))
    monkeypatch.setattr(wordnet, "search_roots", lambda: [tmp_path / "empty"])
    wordnet.clear_cache()
    try:
        with pytest.raises(SystemExit) as exit_:
            main(["run", "--dataset", "goemotions", "--augmenter", "eda", "--limit", "200", "-q"])
    finally:
        wordnet.clear_cache()
    err = capsys.readouterr().err
    assert exit_.value.code != 0
    assert "setup_nltk_data.py" in err and "WordNet" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    with Store() as s:
        assert s.count() == 0


def test_same_output_in_processes_with_different_hash_seeds(texts, tmp_path):
    import json
    import os
    import subprocess
    import sys

    (tmp_path / "in.json").write_text(json.dumps(texts[:100]))
    code = ("import json, sys; from plugins.eda import EDA; "
            "print(json.dumps(EDA().augment(json.load(open(sys.argv[1])), 4, seed=3)))")
    outs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "in.json")], capture_output=True,
                              text=True, env=env, cwd=wordnet.REPO)
        assert done.returncode == 0, done.stderr
        outs.append(json.loads(done.stdout))
    assert outs[0] == outs[1] == EDA().augment(texts[:100], 4, seed=3)
