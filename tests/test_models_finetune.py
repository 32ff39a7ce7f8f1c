"""transformer-finetune with a tiny BERT the test builds (WordPiece vocab trained on GoEmotions text)."""
import json
from pathlib import Path

import numpy as np
import pytest

from benchmark import metrics
from benchmark.cli import main
from benchmark.config import RunConfig
from benchmark.runner import load_data, run
from benchmark.store import Store

LIMIT = 160
FAST = {"epochs": 3, "lr": 2e-3, "batch_size": 16, "max_length": 32, "log_every": 5, "eval_batch_size": 64}


class Interrupted(Exception):
    pass


_BUILT = {}


def tiny_bert(path, seed=0):
    """A random 2-layer, hidden-32 BERT with a real tokenizer, saved like a hub model (built once per session)."""
    if seed in _BUILT:
        return _BUILT[seed]
    import torch
    from tiny_models import goemotions_texts, wordpiece_tokenizer
    from transformers import BertConfig, BertModel

    tok = wordpiece_tokenizer(goemotions_texts(600), vocab_size=800)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=64)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        BertModel(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    _BUILT[seed] = str(path)
    return str(path)


@pytest.fixture(scope="module")
def bert(tmp_path_factory, data_dir):
    return tiny_bert(tmp_path_factory.mktemp("tiny-bert"))


@pytest.fixture(scope="module")
def data(data_dir):
    return load_data("goemotions", {}, limit=LIMIT)


def make(bert, seed=0, **kw):
    from plugins.finetune import transformer_finetune

    return transformer_finetune(seed=seed, model=bert, **{**FAST, **kw})


def fit(model, data, run_dir=None):
    return model.fit(data.texts("train"), data.Y("train"), multi_label=True,
                     eval_set=(data.texts("validation"), data.Y("validation")), run_dir=run_dir,
                     label_names=data.label_names)


def test_runner_loss_curves_checkpoint_and_dev_thresholds(bert, home, monkeypatch):
    calls = []
    tune = metrics.tune_thresholds

    def spy(proba, Y, *a, **k):
        calls.append((np.array(proba), np.array(Y), tune(proba, Y, *a, **k)))
        return calls[-1][2]

    monkeypatch.setattr(metrics, "tune_thresholds", spy)
    with Store() as store:
        cfg = RunConfig(dataset="goemotions", model="transformer-finetune", limit=LIMIT,
                        model_params={**FAST, "model": bert})
        row, _ = run(cfg, store, log=lambda m: None)
        curves = store.curves(row["run_id"])
        arrays = store.arrays(row["run_id"])
    train = [c for c in curves if c[0] == "train"]
    dev = [c for c in curves if c[0] == "dev"]
    assert len(dev) == FAST["epochs"] and [c[2] for c in dev] == [1.0, 2.0, 3.0]
    assert len(train) > FAST["epochs"]
    assert train[-1][3] < train[0][3]  # training loss goes down
    assert [c[1] for c in train] == sorted(c[1] for c in train)
    # thresholds are tuned by the runner on the dev predictions and labels, not fixed at 0.5
    proba, Y, thr = calls[-1]
    assert np.array_equal(Y, arrays["dev_y"]) and np.allclose(proba, arrays["dev_proba"], atol=1e-3)
    assert np.array_equal(arrays["thresholds"], thr) and not np.allclose(thr, 0.5)
    assert row["metrics"]["thresholds"] == pytest.approx([float(x) for x in thr])
    extra = row["extra"]
    assert extra["best_epoch"] in (1, 2, 3)
    ckpt = Path(extra["checkpoint"])
    assert (ckpt / "model.safetensors").is_file() and not (ckpt.parent / "resume").exists()
    labels = json.loads((ckpt / "labels.json").read_text())
    assert labels["label_names"] == row["metrics"]["label_names"]
    assert json.loads((ckpt / "config.json").read_text())["id2label"]["0"] == labels["label_names"][0]
    assert extra["info"]["hparams"]["lr"] == FAST["lr"]


def test_same_seed_same_predictions_and_no_global_rng_leak(bert, data):
    import torch

    before = torch.get_rng_state().clone()
    a = fit(make(bert, seed=1), data).predict_proba(data.texts("test"))
    assert torch.equal(torch.get_rng_state(), before)
    b = fit(make(bert, seed=1), data).predict_proba(data.texts("test"))
    c = fit(make(bert, seed=2), data).predict_proba(data.texts("test"))
    assert np.array_equal(a, b)
    assert not np.allclose(a, c)


def test_interrupted_fit_resumes_from_last_epoch(bert, data, tmp_path, monkeypatch):
    import plugins.transformer_finetune as tf

    full = fit(make(bert), data, tmp_path / "a")
    expected = full.predict_proba(data.texts("test"))

    def stop(epoch):
        if epoch == 1:
            raise Interrupted

    monkeypatch.setattr(tf, "_after_epoch", stop)
    with pytest.raises(Interrupted):
        fit(make(bert), data, tmp_path / "b")
    assert (tmp_path / "b" / "resume" / "state.pt").is_file()
    monkeypatch.setattr(tf, "_after_epoch", lambda epoch: None)
    resumed = fit(make(bert), data, tmp_path / "b")
    assert resumed.resumed_from_ == 1
    assert [h for h in resumed.history_ if h[0] == "dev"] == [h for h in full.history_ if h[0] == "dev"]
    assert np.allclose(resumed.predict_proba(data.texts("test")), expected, atol=1e-6)
    # other data: the saved state does not match, so it starts afresh
    monkeypatch.setattr(tf, "_after_epoch", stop)
    with pytest.raises(Interrupted):
        fit(make(bert), data, tmp_path / "c")
    monkeypatch.setattr(tf, "_after_epoch", lambda epoch: None)
    other = make(bert).fit(data.texts("train")[:-1], data.Y("train")[:-1], multi_label=True,
                           eval_set=(data.texts("validation"), data.Y("validation")), run_dir=tmp_path / "c")
    assert other.resumed_from_ is None


def test_losses_freeze_and_init_from(bert, data, tmp_path):
    src = fit(make(bert, epochs=1), data, tmp_path / "src")
    focal = fit(make(bert, epochs=1, loss="focal", pos_weight="sqrt"), data)
    assert focal.history_[0][3] != src.history_[0][3]
    # same labels: the head is kept; freeze trains the head only
    frozen = fit(make(bert, epochs=1, init_from=src.checkpoint_, freeze=True), data)
    assert frozen.info_["new_head"] is False
    assert frozen.info_["trainable_params"] < src.info_["trainable_params"] / 5
    # other labels (single-label, 3 classes): a new head
    Y = np.eye(3, dtype=int)[np.arange(len(data.texts("train"))) % 3]
    dY = np.eye(3, dtype=int)[np.arange(len(data.texts("validation"))) % 3]
    m = make(bert, epochs=1, init_from=src.checkpoint_).fit(
        data.texts("train"), Y, multi_label=False, eval_set=(data.texts("validation"), dY), label_names=list("abc"))
    P = m.predict_proba(data.texts("test")[:10])
    assert m.info_["new_head"] is True and P.shape == (10, 3) and np.allclose(P.sum(1), 1, atol=1e-5)


def test_mean_pooling_and_head_lr(bert, data, tmp_path):
    m = fit(make(bert, pooling="mean", head_lr=1e-2), data, tmp_path / "mean")
    train = [h[3] for h in m.history_ if h[0] == "train"]
    assert train[-1] < train[0]  # training loss goes down
    assert json.loads((Path(m.checkpoint_) / "labels.json").read_text())["pooling"] == "mean"
    P = m.predict_proba(data.texts("test"))
    assert P.shape == (len(data.texts("test")), len(data.label_names)) and not np.allclose(P, P[0])
    # head_lr changes training; the (unused) BERT pooler is not trained with mean pooling
    same_lr = fit(make(bert, pooling="mean"), data)
    assert not np.allclose(same_lr.predict_proba(data.texts("test")), P)
    pooler = 32 * 32 + 32
    assert fit(make(bert, epochs=1), data).info_["trainable_params"] - m.info_["trainable_params"] == pooler
    # init_from a mean-pooled checkpoint, same labels: head kept
    again = fit(make(bert, epochs=1, pooling="mean", init_from=m.checkpoint_), data)
    assert again.info_["new_head"] is False


def test_minilm_cpu_preset(bert, data):
    from plugins.transformer_finetune import resolve_params

    hp = resolve_params("minilm-cpu", pooling=None, lr=3e-3, pos_weight=False)
    assert (hp["pooling"], hp["head_lr"], hp["freeze_embeddings"]) == ("mean", 3e-3, True)
    assert hp["lr"] == 3e-3 and hp["pos_weight"] is False  # explicit values beat the preset
    m = fit(make(bert, preset="minilm-cpu", epochs=1, lr=2e-3), data)
    assert m.info_["pooling"] == "mean" and m.info_["head_lr"] == 3e-3
    plain = fit(make(bert, epochs=1, lr=2e-3), data)
    # mean pooling freezes the pooler, freeze_embeddings the word embeddings: fewer trainable parameters
    assert m.info_["trainable_params"] == plain.info_["trainable_params"] - (32 * 32 + 32) - 800 * 32


def test_cli_errors_store_nothing(bert, home, capsys):
    base = ["run", "-d", "goemotions", "-m", "transformer-finetune", "--limit", "40", "-q"]
    with pytest.raises(SystemExit) as e:
        main(base + ["--preset", "paper"])  # bert-base-cased: offline, so a one-line error
    assert e.value.code != 0
    err = capsys.readouterr().err
    assert "bert-base-cased" in err and "offline" in err and "Traceback" not in err
    for args, needle in ((["--preset", "papr"], "Valid choices: paper"),
                         (["--init-from", "nosuchrun"], "nosuchrun"),
                         (["--model-param", f"model={bert}", "--model-param", "loss=hinge"], "focal"),
                         (["--model-param", f"model={bert}", "--model-param", "pooling=max"], "cls, mean")):
        with pytest.raises(SystemExit) as e:
            main(base + args)
        assert e.value.code != 0 and needle in capsys.readouterr().err
    with Store() as store:
        assert store.count() == 0
