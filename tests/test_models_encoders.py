"""sentence-encoder, zero-shot (embedding and LLM backends) and ensemble on seeded GoEmotions subsets."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from benchmark import metrics
from benchmark.cli import main
from benchmark.config import RunConfig
from benchmark.errors import BenchError
from benchmark.runner import load_data, run
from benchmark.store import Store

LIMIT = 120  # rows per split: every test here embeds the same 360 texts (the session cache is shared)


def go(db, model, limit=LIMIT, **params):
    row, _ = run(RunConfig(dataset="goemotions", model=model, model_params=params, limit=limit), db,
                 log=lambda m: None)
    return row


@pytest.fixture(scope="module")
def stored(tmp_path_factory, data_dir):
    """One store with tfidf-logreg and sentence-encoder runs (logreg and MLP heads) on the subset."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMOBENCH_HOME", str(tmp_path_factory.mktemp("enc-home")))
        with Store() as store:
            rows = {"tfidf": go(store, "tfidf-logreg"), "logreg": go(store, "sentence-encoder"),
                    "mlp": go(store, "sentence-encoder", head="mlp")}
            yield store, rows


def test_sentence_encoder_contract_and_embedding_cache(stored):
    store, rows = stored
    for name in ("logreg", "mlp"):
        row = rows[name]
        P = store.arrays(row["run_id"])["test_proba"].astype(np.float32)
        assert P.shape == (LIMIT, 28) and P.min() >= 0 and P.max() <= 1
        assert 0 < row["metrics"]["test"]["macro_f1"] <= 1
        info = row["extra"]["info"]
        assert info["dim"] == 384 and info["head"] == name and info["encoder"].endswith("model")
    # the second run (other head) found every text in the cache: it encoded nothing
    cache = rows["mlp"]["extra"]["info"]["cache"]
    assert cache["encoded"] == 0 and cache["hits"] >= 3 * LIMIT
    # the MLP head stores loss curves and a best epoch chosen on dev
    curves = store.curves(rows["mlp"]["run_id"])
    assert {c[0] for c in curves} == {"train", "dev"}
    assert 1 <= rows["mlp"]["extra"]["best_epoch"] <= 40


def test_sentence_encoder_seeded_and_fit_returns_self(data_dir):
    from plugins.encoders import sentence_encoder

    data = load_data("goemotions", {}, limit=LIMIT)
    X, Y = data.texts("train"), data.Y("train")
    dev = (data.texts("validation"), data.Y("validation"))
    a = sentence_encoder(seed=3, head="mlp", epochs=5)
    assert a.fit(X, Y, multi_label=True, eval_set=dev) is a
    b = sentence_encoder(seed=3, head="mlp", epochs=5).fit(X, Y, multi_label=True, eval_set=dev)
    np.testing.assert_array_equal(a.predict_proba(dev[0]), b.predict_proba(dev[0]))
    # single-label data: rows are a distribution over labels
    y1 = np.eye(28, dtype=int)[Y.argmax(1)]
    m = sentence_encoder(seed=0).fit(X, y1, multi_label=False)
    P = m.predict_proba(dev[0][:10])
    np.testing.assert_allclose(P.sum(1), 1, atol=1e-5)


def test_zero_shot_needs_no_training_and_beats_chance(data_dir):
    from plugins.encoders import zero_shot

    data = load_data("goemotions", {}, limit=LIMIT)
    names, Y = data.label_names, data.Y("train")
    texts, gold = data.texts("test"), data.Y("test")
    a = zero_shot()
    assert a.fit(data.texts("train"), Y, multi_label=True, label_names=names) is a
    b = zero_shot().fit([], np.zeros((0, 28)), multi_label=True, label_names=names)  # no training data at all
    P = a.predict_proba(texts)
    assert P.shape == (LIMIT, 28) and P.min() >= 0 and P.max() <= 1
    np.testing.assert_array_equal(P, b.predict_proba(texts))
    # gold labels rank better than the average rank a random scorer gives them ((28 + 1) / 2 = 14.5)
    rank = (-P).argsort(1).argsort(1) + 1
    assert rank[gold == 1].mean() < 12
    c = zero_shot(scoring="cosine", descriptions={"joy": "I am so happy!"}).fit([], Y[:0], label_names=names)
    assert c.info_["descriptions"]["joy"] == "I am so happy!"
    Pc = c.predict_proba(texts)
    assert Pc.min() >= 0 and Pc.max() <= 1
    with pytest.raises(BenchError, match="unknown labels"):
        zero_shot(descriptions={"happiness": "x"}).fit([], Y[:0], label_names=names)


# -- LLM zero-shot against a loopback server --------------------------------------------------------
REPLIES = ["joy, love", "Happiness", "1. Anger\n2. rage", "neutral"]  # 'happiness' and 'rage' are not labels


class FakeChat(BaseHTTPRequestHandler):
    calls = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        prompt = body["messages"][-1]["content"]
        text = prompt.rsplit("Text: ", 1)[1]
        FakeChat.calls.append(text)
        if text.startswith("fail"):
            self.send_error(400, "bad request")
            return
        reply = REPLIES[sum(map(ord, text)) % len(REPLIES)]
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def chat_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeChat.calls = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_zero_shot_llm_counts_hallucinated_labels(chat_server, home, data_dir):
    from plugins.encoders import zero_shot_llm

    names = ["anger", "joy", "love", "neutral"]
    texts = [f"text number {i}" for i in range(24)]
    m = zero_shot_llm(base_url=chat_server, concurrency=3, retries=0)
    P = m.fit([], np.zeros((0, 4)), label_names=names).predict_proba(texts)
    valid = {"joy, love": {"joy", "love"}, "Happiness": set(), "1. Anger\n2. rage": {"anger"}, "neutral": {"neutral"}}
    replies = [REPLIES[sum(map(ord, t)) % len(REPLIES)] for t in texts]
    expect = np.array([[n in valid[r] for n in names] for r in replies], dtype=np.float32)
    np.testing.assert_array_equal(P, expect)
    bad = sum(r in ("Happiness", "1. Anger\n2. rage") for r in replies)
    assert m.info_["invalid_labels"] == bad > 0
    assert {e["label"] for e in m.info_["invalid_examples"]} == {"happiness", "rage"}
    assert m.info_["replies_without_valid_label"] == replies.count("Happiness")
    # replies are cached on disk: asking again sends nothing
    n_calls = len(FakeChat.calls)
    m.predict_proba(texts)
    assert len(FakeChat.calls) == n_calls == 24
    # a failed request scores 0 for every label and is counted; only all-failed raises
    P = m.predict_proba(["fail me", texts[0]])
    assert m.info_["failed_requests"] == 1 and P[0].sum() == 0 and P[1].sum() > 0
    with pytest.raises(BenchError, match="HTTP 400"):
        m.predict_proba(["fail again"])


def test_zero_shot_llm_run_stores_invalid_label_report(chat_server, home, data_dir):
    with Store() as store:
        row = go(store, "zero-shot-llm", limit=30, base_url=chat_server)
    info = row["extra"]["info"]
    assert info["requests"] == 60 and info["invalid_labels"] > 0 and info["invalid_examples"]


# -- ensemble ---------------------------------------------------------------------------------------
def test_ensemble_of_stored_runs_averages_their_probabilities(stored):
    store, rows = stored
    ids = [rows["tfidf"]["run_id"], rows["logreg"]["run_id"]]
    ens = go(store, "ensemble", members=",".join(ids))
    got = store.arrays(ens["run_id"])
    parts = [store.arrays(i) for i in ids]
    for split in ("dev", "test"):
        mean = np.mean([p[f"{split}_proba"].astype(np.float32) for p in parts], axis=0)
        np.testing.assert_allclose(got[f"{split}_proba"].astype(np.float32), mean, atol=2e-3)
    # thresholds re-tuned on the averaged dev probabilities
    expect = metrics.tune_thresholds(got["dev_proba"], got["dev_y"])
    np.testing.assert_allclose(got["thresholds"], expect)
    assert [m["run_id"] for m in ens["extra"]["info"]["members"]] == ids
    # weights
    w = go(store, "ensemble", members=",".join(ids), weights="3,1")
    wp = store.arrays(w["run_id"])["test_proba"].astype(np.float32)
    expect = 0.75 * parts[0]["test_proba"].astype(np.float32) + 0.25 * parts[1]["test_proba"].astype(np.float32)
    np.testing.assert_allclose(wp, expect, atol=2e-3)


def test_ensemble_reads_members_from_another_store(stored, tmp_path):
    store, rows = stored
    ids = ",".join(rows[k]["run_id"][:8] for k in ("tfidf", "mlp"))  # unique prefixes work too
    with Store(tmp_path / "other.sqlite") as other:
        ens = go(other, "ensemble", members=ids, store=str(store.path))
        got = other.arrays(ens["run_id"])["test_proba"].astype(np.float32)
        one = go(other, "ensemble", members=",".join(f"{rows[k]['run_id']}@{store.path}" for k in ("tfidf", "mlp")))
        np.testing.assert_array_equal(other.arrays(one["run_id"])["test_proba"],
                                      other.arrays(ens["run_id"])["test_proba"])
        with pytest.raises(BenchError, match="no results store"):
            go(other, "ensemble", members=f"{rows['tfidf']['run_id']}@{tmp_path}/missing.sqlite,x")
    mean = np.mean([store.arrays(rows[k]["run_id"])["test_proba"].astype(np.float32) for k in ("tfidf", "mlp")], 0)
    np.testing.assert_allclose(got, mean, atol=2e-3)


def test_ensemble_refuses_runs_with_different_test_sets(stored, capsys):
    store, rows = stored
    other = go(store, "tfidf-logreg", limit=80)
    before = store.count()
    with pytest.raises(BenchError, match="different dev sets"):
        go(store, "ensemble", members=f"{rows['tfidf']['run_id']},{other['run_id']}")
    with pytest.raises(BenchError, match="dev set differs"):  # members fine, but this run's data differs
        go(store, "ensemble", limit=80, members=f"{rows['tfidf']['run_id']},{rows['logreg']['run_id']}")
    with pytest.raises(SystemExit) as exc:
        main(["run", "-d", "goemotions", "--limit", str(LIMIT), "-m", "ensemble", "-q",
              "--model-param", f"members={rows['tfidf']['run_id']},nosuchrun"])
    assert exc.value.code != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ensemble: no finished run 'nosuchrun'") and "\n" not in err
    assert store.count() == before


def test_ensemble_of_models_trained_in_fit(stored):
    store, rows = stored
    ens = go(store, "ensemble", models="tfidf-logreg,sentence-encoder")
    got = store.arrays(ens["run_id"])["test_proba"].astype(np.float32)
    mean = np.mean([store.arrays(rows[k]["run_id"])["test_proba"].astype(np.float32) for k in ("tfidf", "logreg")],
                   axis=0)
    np.testing.assert_allclose(got, mean, atol=2e-3)
    assert [m["model"] for m in ens["extra"]["info"]["models"]] == ["tfidf-logreg", "sentence-encoder"]
