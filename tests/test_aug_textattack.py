"""textattack:<recipe> augmenters, offline, on real GoEmotions texts (skipped without the textattack extra)."""
import importlib.util
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from benchmark import plugins
from benchmark.cli import cli
from benchmark.errors import BenchError
from benchmark.runner import load_data
from benchmark.store import Store

pytestmark = pytest.mark.skipif(importlib.util.find_spec("textattack") is None,
                                reason="textattack is not installed (pip install -e '.[textattack]')")
RECIPES = ["eda", "wordnet", "deletion", "charswap", "embedding", "checklist"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def texts(data_dir):
    t = load_data("goemotions", {}, limit=200, limit_seed=4).texts("train")[:12]
    return t + ["I'm 100% sure we won 3 games, it is not over", "", "ok"]


@pytest.fixture(scope="module", autouse=True)
def offline_nltk(nltk_data):
    return nltk_data


def make(recipe):
    params = {"vocab": 5000} if recipe == "embedding" else {}  # a 5,000-word GloVe table keeps the test fast
    return plugins.get("augmenter", f"textattack:{recipe}").create(**params)


@pytest.mark.parametrize("recipe", RECIPES)
def test_recipe_offline_seeded_batch_independent(recipe, texts):
    aug = make(recipe)
    random.seed(123)
    np.random.seed(123)
    before = (random.random(), np.random.random())
    random.seed(123)
    np.random.seed(123)
    a = aug.augment(texts, 2, seed=3)
    assert (random.random(), np.random.random()) == before  # the caller's global RNG state is restored
    assert len(a) == len(texts) and all(len(v) <= 2 for v in a)
    assert a[-2] == []  # empty text: no copies
    assert sum(bool(v) for v in a) >= (2 if recipe == "checklist" else 5)  # checklist: numbers, contractions
    assert all(t not in v for t, v in zip(texts, a))
    assert aug.augment(texts[::-1], 2, seed=3)[::-1] == a
    if recipe != "checklist":  # checklist has few choices: different seeds can agree
        assert aug.augment(texts, 2, seed=4) != a


def test_checklist_changes_numbers_and_contractions(texts):
    out = plugins.get("augmenter", "textattack:checklist").create().augment(texts[-3:-2], 3, seed=0)[0]
    assert out and all(v != texts[-3] for v in out)
    assert any("100" not in v or "3 games" not in v or "I am" in v or "isn't" in v for v in out)


def test_same_output_in_another_process_with_other_hash_seed(texts):
    """TextAttack's set-ordered WordNet candidates are sorted: the output does not depend on PYTHONHASHSEED."""
    sample = texts[:6]
    here = plugins.get("augmenter", "textattack:eda").create().augment(sample, 3, seed=1)
    code = ("import json, sys; from benchmark import plugins; "
            "print(json.dumps(plugins.get('augmenter', 'textattack:eda').create()"
            ".augment(json.loads(sys.argv[1]), 3, seed=1)))")
    import json

    env = dict(os.environ, PYTHONHASHSEED="12345")
    done = subprocess.run([sys.executable, "-c", code, json.dumps(sample)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == here


def test_missing_extra_gives_install_hint(monkeypatch):
    from plugins import textattack_aug

    monkeypatch.setitem(sys.modules, "flair", None)
    with pytest.raises(BenchError, match=r"pip install -e '\.\[textattack\]'"):
        textattack_aug.import_textattack()


def test_bad_recipe_param_and_long_texts_skipped():
    with pytest.raises(BenchError, match="pct_words_to_swap"):
        plugins.get("augmenter", "textattack:wordnet").create(pct_words_to_swap=2)
    aug = plugins.get("augmenter", "textattack:deletion").create(max_words=20)
    out = aug.augment(["very sad " * 11, "very sad " * 10], 2, seed=0)
    assert out[0] == [] and len(out[1]) == 2  # 22 words > max_words: no copies (TextAttack is quadratic)


def test_bench_run_textattack_end_to_end(home, data_dir):
    r = CliRunner().invoke(cli, ["run", "-d", "goemotions", "-a", "textattack:wordnet", "--limit", "150",
                                 "--aug-copies", "2", "-q"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    with Store() as s:
        (row,) = s.runs()
    st = row["aug_stats"]
    assert st["n_before"] == 150 and 150 < st["n_after"] <= 450 and st["generated"] == st["n_after"] - 150
    assert sum(st["after"]) > sum(st["before"])
