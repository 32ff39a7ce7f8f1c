"""bench transfer (GoEmotions -> CARER) with a tiny BERT and tiny sizes."""
import pytest

from benchmark import transfer as tr
from benchmark.cli import main
from benchmark.store import Store

PARAMS = ["lr=2e-3", "batch_size=16", "max_length=32", "epochs=1", "log_every=5"]


@pytest.fixture(scope="module")
def bert(tmp_path_factory, data_dir):
    from test_models_finetune import tiny_bert

    return tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


def transfer_args(bert, fig):
    args = ["transfer", "--source", "goemotions", "--target", "carer", "--sizes", "30,max", "--seeds", "2",
            "--limit-source", "120", "--limit-target", "80", "--target-param", "min_epoch_size=64",
            "--figure", str(fig), "-q", "--model-param", f"model={bert}"]
    for p in PARAMS:
        args += ["--model-param", p]
    return args


def test_transfer_runs_every_strategy_and_links_the_source(bert, home, tmp_path, capsys):
    main(transfer_args(bert, tmp_path / "fig"))
    out = capsys.readouterr()
    with Store() as store:
        runs = store.runs()
        cells = [r for r in runs if (r["extra"] or {}).get("protocol") == "transfer"]
        sources = [r for r in runs if r not in cells]
    assert len(sources) == 1 and sources[0]["dataset"] == "goemotions" and sources[0]["limit_n"] == 120
    src = sources[0]
    assert len(cells) == 3 * 2 * 2
    assert {(r["extra"]["strategy"], r["extra"]["train_size"], r["seed"]) for r in cells} == {
        (s, n, k) for s in tr.STRATEGIES for n in (30, "max") for k in (0, 1)}
    for r in cells:
        assert r["dataset"] == "carer" and r["extra"]["source_run"] == src["run_id"]
        size = r["metrics"]["sizes"]["train"]
        assert size == (30 if r["extra"]["train_size"] == 30 else 80)
        info = r["extra"]["info"]
        if r["extra"]["strategy"] == "baseline":
            assert info["init_from"] is None
        else:
            assert info["init_from"] == src["run_id"] and info["new_head"] is True  # 28 labels -> 6
            assert info["source"] == src["extra"]["checkpoint"]
        assert info["freeze"] is (r["extra"]["strategy"] == "freeze")
    # seeds draw different stratified subsets; the same seed draws the same one for every strategy
    by = {(r["extra"]["strategy"], r["seed"]): r for r in cells if r["extra"]["train_size"] == 30}
    h = {k: r["aug_stats"]["train_hash"] for k, r in by.items()}
    assert h[("baseline", 0)] == h[("freeze", 0)] == h[("nofreeze", 0)] != h[("baseline", 1)]
    assert "source run" in out.out and "figure:" in out.out
    assert len(list((tmp_path / "fig").glob("transfer_goemotions_to_carer_*.png"))) == 1

    # again: the source and every cell are reused
    main(transfer_args(bert, tmp_path / "fig"))
    err = capsys.readouterr().err
    assert "(stored, reused)" in err and err.count("(stored)") == 12
    with Store() as store:
        assert store.count() == 13


def test_transfer_bad_options(home, capsys):
    for args, needle in ((["--strategies", "baseline,frezee"], "Did you mean 'freeze'"),
                         (["--sizes", "100,all"], "'all'"),
                         (["--target", "carr"], "Did you mean 'carer'")):
        base = ["transfer", "--source", "goemotions"] + ([] if args[0] == "--target" else ["--target", "carer"])
        with pytest.raises(SystemExit) as e:
            main(base + args)
        assert e.value.code != 0 and needle in capsys.readouterr().err
    with Store() as store:
        assert store.count() == 0
