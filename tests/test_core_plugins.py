"""Plugin discovery through the emobench entry-point group, registries, and CLI hygiene."""
import json
import subprocess
import sys
import textwrap

import pytest

from benchmark import hookimpl, plugins
from benchmark.registry import Registry, Spec

HEAVY = ("torch", "transformers", "datasets", "sklearn", "textattack", "sentence_transformers")


def bench(*args, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "benchmark", *args], capture_output=True, text=True,
                          env=env, **kw)


def test_builtins_register_through_entry_points():
    infos = {i.name: i for i in plugins.plugin_infos()}
    assert infos["datasets"].distribution == "emobench"
    assert "register_datasets" in infos["datasets"].hooks
    assert "goemotions" in plugins.registry("dataset")
    assert {"none", "eda"} <= set(plugins.registry("augmenter").names())
    assert "tfidf-logreg" in plugins.registry("model")


def test_unknown_name_gets_did_you_mean(home):
    r = bench("run", "--dataset", "goemotion", "--augmenter", "none")
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0, r.stderr
    assert "did you mean 'goemotions'" in r.stderr.lower() and "Traceback" not in r.stderr
    r = bench("run", "--dataset", "goemotions", "--augmenter", "edaa")
    assert "did you mean 'eda'" in r.stderr.lower() and r.returncode == 2
    assert not (home / "results.sqlite").exists() or "runs" not in r.stdout


def test_registry_refuses_duplicates_builtins_win():
    reg = Registry("model")
    reg.add(Spec("model", "m", object, plugin="ext", distribution="emobench-ext"))
    reg.add(Spec("model", "m", object, plugin="models", distribution="emobench"))
    reg.add(Spec("model", "m", object, plugin="other", distribution="emobench-other"))
    assert reg.get("m").distribution == "emobench"
    assert len(reg.refused) == 2
    assert "emobench-ext" in reg.refused[0] and "emobench" in reg.refused[0]


@pytest.mark.parametrize("args", [["--help"], ["plugins", "--all"]])
def test_cli_start_imports_no_heavy_library(args):
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "benchmark", *args],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines() if "|" in line}
    assert not imported & set(HEAVY), imported & set(HEAVY)


def _fake_dist(tmp_path, dist, module, source):
    """A real installed distribution on sys.path: dist-info with an emobench entry point."""
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(source))
    info = tmp_path / f"{dist.replace('-', '_')}-0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.3\n")
    (info / "entry_points.txt").write_text(f"[emobench]\n{module} = {module}\n")


@pytest.fixture
def ext_env(tmp_path, monkeypatch):
    import os

    _fake_dist(tmp_path, "emobench-good", "good_plugin", """
        from benchmark import hookimpl

        @hookimpl
        def register_augmenters(register):
            register("shout", lambda: None, "upper-cases text")
    """)
    _fake_dist(tmp_path, "emobench-broken", "broken_plugin", "raise ImportError('no module named zzz')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    env.pop("EMOBENCH_LOAD_PLUGINS", None)
    env.pop("EMOBENCH_STRICT_PLUGINS", None)
    return env


def test_third_party_plugins_listed_broken_ones_skipped(ext_env):
    r = bench("plugins", "--json", env=ext_env)
    assert r.returncode == 0, r.stderr
    rows = {p["name"]: p for p in json.loads(r.stdout)}
    assert rows["good_plugin"]["distribution"] == "emobench-good"
    assert rows["good_plugin"]["version"] == "0.3"
    assert rows["good_plugin"]["augmenters"] == ["shout"]
    assert "datasets" not in rows  # built-ins hidden without --all
    assert "broken_plugin" in r.stderr and "failed to import" in r.stderr


def test_strict_makes_import_failure_fatal(ext_env):
    r = bench("--strict", "plugins", env=ext_env)
    assert r.returncode == 2 and "broken_plugin" in r.stderr and "Traceback" not in r.stderr
    r = bench("plugins", env=dict(ext_env, EMOBENCH_STRICT_PLUGINS="1"))
    assert r.returncode == 2


def test_load_plugins_env_restricts_distributions(ext_env):
    r = bench("plugins", "--all", "--json", env=dict(ext_env, EMOBENCH_LOAD_PLUGINS="emobench-broken"))
    names = {p["name"] for p in json.loads(r.stdout)}
    assert "good_plugin" not in names and "datasets" in names
    r = bench("plugins", "--json", env=dict(ext_env, EMOBENCH_LOAD_PLUGINS="emobench-good"))
    assert {p["name"] for p in json.loads(r.stdout)} == {"good_plugin"}
    assert "broken_plugin" not in r.stderr


def test_in_process_plugin_registration():
    class Plug:
        @hookimpl
        def register_models(self, register):
            register("const-model", lambda seed=0: None, "test")

    plugins.register_plugin(Plug(), name="test-plug")
    try:
        spec = plugins.get("model", "const-model")
        assert spec.distribution == "local" and spec.plugin == "test-plug"
    finally:
        plugins.unregister_plugin("test-plug")
    assert "const-model" not in plugins.registry("model")
