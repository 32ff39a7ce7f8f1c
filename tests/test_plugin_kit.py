"""The plugin authors' kit: the example package installed for real, and the contract checker."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmark import hookimpl, plugins
from benchmark.testing import PluginContractError, check_plugin, plugin_params

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "emobench-plugin-example"


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    """The example package built and installed (wheel) into its own folder, found through PYTHONPATH."""
    target = tmp_path_factory.mktemp("site")
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                        "--target", str(target), str(EXAMPLE)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return target


def bench(site, *args, home):
    env = dict(os.environ, PYTHONPATH=str(site), EMOBENCH_HOME=str(home))
    return subprocess.run([sys.executable, "-m", "benchmark", *args], capture_output=True, text=True, env=env)


def test_example_package_is_discovered_and_runs(example_site, tmp_path):
    r = bench(example_site, "plugins", "--json", home=tmp_path)
    assert r.returncode == 0, r.stderr
    (row,) = [p for p in json.loads(r.stdout) if p["distribution"] == "emobench-plugin-example"]
    assert row["version"] == "0.2.0"
    assert row["datasets"] == ["example-feelings"] and row["augmenters"] == ["char-noise"]
    assert row["models"] == ["nearest-centroid"]
    r = bench(example_site, "run", "--dataset", "example-feelings", "--augmenter", "char-noise",
              "--model", "nearest-centroid", "--aug-copies", "2", "-q", home=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "train 36 (+72 augmented)" in r.stdout
    r = bench(example_site, "leaderboard", "--format", "json", home=tmp_path)
    (run,) = json.loads(r.stdout)
    assert run["dataset"] == "example-feelings" and 0 <= run["macro_f1"] <= 1


def test_example_plugins_pass_the_contract(example_site, monkeypatch):
    monkeypatch.syspath_prepend(str(example_site))
    import emobench_plugin_example as ex

    installed = plugins.pm.is_registered(ex)  # `make test` pip-installs the example (entry point)
    if not installed:
        plugins.register_plugin(ex, name="example-inproc")
    try:
        for name in ("example-feelings", "char-noise", "nearest-centroid"):
            assert check_plugin(name)
    finally:
        if not installed:
            plugins.unregister_plugin("example-inproc")


@plugin_params("augmenter", exclude=("contextual-mlm", "back-translation", "paraphrase", "llm-paraphrase"))
def test_builtin_augmenters_pass_the_contract(name):
    if name.startswith("textattack:"):
        pytest.importorskip("textattack")
    check_plugin(name, kind="augmenter")


@plugin_params("model")
def test_builtin_models_pass_the_contract(name):
    from benchmark import plugins as p

    spec = p.get("model", name)
    if spec.meta.get("needs"):  # e.g. stored member runs, an LLM endpoint
        pytest.skip(f"{name} needs {spec.meta['needs']}")
    check_plugin(name, kind="model")


@plugin_params("dataset")
def test_builtin_datasets_pass_the_contract(name, data_dir):
    check_plugin(name, kind="dataset")


# -- deliberately broken plugins ------------------------------------------------------------------

class Nondeterministic:
    def augment(self, texts, n, seed):
        return [[t + " " + str(np.random.random())] * min(n, 1) for t in texts]


class OutOfRange:
    def __init__(self, seed=0):
        self.seed = seed

    def fit(self, texts, Y, **kw):
        self.L = np.asarray(Y).shape[1]
        return self

    def predict_proba(self, texts):
        return np.full((len(texts), self.L), 1.7)


def bad_dataset():
    import datasets

    from benchmark.data import EmoData

    feats = datasets.Features({"text": datasets.Value("string"), "labels": datasets.Sequence(datasets.Value("int8"))})
    rows = {"text": ["good day", "bad day"], "labels": [[1, 0], [0, 1, 0]]}  # row 1 has a 3rd label
    dd = datasets.DatasetDict({s: datasets.Dataset.from_dict(rows, features=feats)
                               for s in ("train", "validation", "test")})
    return EmoData("bad", dd, ["pos", "neg"], False)


class Broken:
    @hookimpl
    def register_augmenters(self, register):
        register("flaky", Nondeterministic, "nondeterministic")

    @hookimpl
    def register_models(self, register):
        register("overconfident", OutOfRange, "probabilities above 1")

    @hookimpl
    def register_datasets(self, register):
        register("bad-labels", bad_dataset, "out-of-range label", card={
            "citation": "x", "license": "x", "source_url": "x", "task": "single-label",
            "label_names": ["pos", "neg"], "split_sizes": {"train": 2}})


@pytest.fixture
def broken():
    plugins.register_plugin(Broken(), name="broken-for-tests")
    yield
    plugins.unregister_plugin("broken-for-tests")


@pytest.mark.parametrize("name,message", [
    ("flaky", "same seed gave different output"),
    ("overconfident", "outside [0, 1]"),
    ("bad-labels", "outside the label set"),
])
def test_checker_explains_broken_plugins(broken, name, message):
    with pytest.raises(PluginContractError) as err:
        check_plugin(name)
    assert message in str(err.value) and "Fix:" in str(err.value) and name in str(err.value)


def test_plugin_raising_during_run_fails_with_one_line(broken, home, data_dir):
    from click.testing import CliRunner

    from benchmark.cli import main

    with pytest.raises(SystemExit) as code:
        main(["run", "--dataset", "goemotions", "--model", "overconfident", "--limit", "200", "-q"])
    assert code.value.code == 2
    from benchmark.store import Store

    with Store() as s:
        assert s.count() == 0
    del CliRunner
