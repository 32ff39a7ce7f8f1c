"""contextual-mlm, back-translation and paraphrase with tiny random models the tests build and save
(real tokenizers trained on GoEmotions text), end to end through ``bench run``."""
import pytest
import torch
from click.testing import CliRunner
from tiny_models import goemotions_texts, tiny_models

from benchmark import plugins
from benchmark.cli import cli, main
from benchmark.runner import load_data, texts_hash
from benchmark.store import Store

LIMIT = 300


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def tiny():
    return tiny_models()


def params(name, tiny):
    return {
        "contextual-mlm": {"model": tiny["mlm"]},
        "back-translation": {"model": tiny["en_de"], "back_model": tiny["de_en"], "max_length": 48},
        "paraphrase": {"model": tiny["bart"], "max_length": 48},
    }[name]


def make(name, tiny, **extra):
    return plugins.get("augmenter", name).create(**params(name, tiny), **extra)


@pytest.mark.parametrize("name,copies", [("contextual-mlm", 2), ("back-translation", 1), ("paraphrase", 1)])
def test_bench_run_end_to_end(home, data_dir, tiny, name, copies):
    args = ["run", "-d", "goemotions", "-a", name, "--limit", str(LIMIT), "--aug-copies", str(copies), "-q"]
    for k, v in params(name, tiny).items():
        args += ["--aug-param", f"{k}={v}"]
    r = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    with Store() as s:
        (row,) = s.runs()
    st = row["aug_stats"]
    assert st["n_before"] == LIMIT and 0.5 * LIMIT * copies < st["generated"] <= LIMIT * copies
    assert st["n_after"] == LIMIT + st["generated"] == row["metrics"]["sizes"]["train_augmented"]
    assert all(a >= b for a, b in zip(st["after"], st["before"])) and sum(st["after"]) > sum(st["before"])
    # dev and test are the untouched limited splits
    data = load_data("goemotions", {}, limit=LIMIT)
    assert row["extra"]["dev_hash"] == texts_hash(data.texts("validation"))
    assert row["extra"]["test_hash"] == texts_hash(data.texts("test"))
    assert row["metrics"]["sizes"]["validation"] == row["metrics"]["sizes"]["test"] == LIMIT
    assert row["extra"]["resolved_params"]["augmenter"]["model"] == params(name, tiny)["model"]


@pytest.mark.parametrize("name", ["contextual-mlm", "back-translation", "paraphrase"])
def test_deterministic_and_aligned(tiny, name):
    texts = goemotions_texts(16, seed=3)
    a = make(name, tiny).augment(texts, 3, seed=5)
    b = make(name, tiny).augment(texts, 3, seed=5)  # fresh instance, same seed
    assert a == b
    assert len(a) == len(texts) and all(isinstance(v, list) and len(v) <= 3 for v in a)
    assert sum(map(len, a)) > len(texts)
    # each text's copies depend only on that text: reversing the batch reverses the output
    assert make(name, tiny, batch_size=5).augment(texts[::-1], 3, seed=5) == a[::-1]
    for text, variants in zip(texts, a):
        assert text not in variants and len(set(variants)) == len(variants)
    if name != "paraphrase":  # beam search needs no seed; the samplers do
        assert make(name, tiny).augment(texts, 3, seed=6) != a


def test_mlm_replaces_a_fraction_of_content_words(tiny):
    from plugins.mlm import _EDGE

    texts = goemotions_texts(40, seed=4)
    aug = make("contextual-mlm", tiny, p=0.2)
    vocab = {w.lower() for w in aug._load()[4].values()}
    changed = 0
    for text, variants in zip(texts, aug.augment(texts, 2, seed=1)):
        words = text.split()
        for v in variants:
            new = v.split()
            assert len(new) == len(words)
            diff = [(o, w) for o, w in zip(words, new) if o != w]
            assert 1 <= len(diff) <= max(1, round(0.2 * len(words)))
            for o, w in diff:
                assert _EDGE.match(w).group(2).lower() in vocab  # a whole vocabulary word, punctuation kept
            changed += len(diff)
    assert changed > 20


def test_diverse_groups_avoid_earlier_groups_tokens(tiny):
    from plugins.seq2seq import Seq2Seq

    net = Seq2Seq(tiny["bart"], "paraphrase", max_length=48)
    texts = goemotions_texts(6, seed=9)
    same = net.generate(texts, 2, "diverse", num_beams=2, groups=2, diversity_penalty=0.0)
    diverse = net.generate(texts, 2, "diverse", num_beams=2, groups=2, diversity_penalty=50.0)
    assert all(a == b for a, b in same)  # no penalty: both groups run the same search
    assert all(a != b for a, b in diverse)
    assert [d[0] for d in diverse] == [s[0] for s in same]  # the first group is never penalised


def test_hamming_penalty_counts_tokens_of_earlier_groups():
    from plugins.seq2seq import _Hamming

    earlier = torch.tensor([[[0, 5, 7], [0, 5, -1]], [[0, 2, 2], [0, 3, 3]]])  # 2 inputs x 2 earlier outputs
    proc = _Hamming(earlier, beams=2, penalty=0.5)
    out = proc(torch.zeros(4, 1, dtype=torch.long), torch.zeros(4, 10))  # step 1, 2 beams per input
    assert out[0, 5] == out[1, 5] == -1.0 and out[2, 2] == out[2, 3] == -0.5
    assert (out != 0).sum() == 2 * 1 + 2 * 2


def test_long_and_empty_texts_get_no_seq2seq_copies(tiny):
    aug = make("back-translation", tiny)
    long = " ".join(goemotions_texts(40))
    out = aug.augment(["", long, "so happy for you"], 2, seed=0)
    assert out[0] == [] and out[1] == [] and len(out[2]) >= 1
    assert aug.stats_["too_long"] == 1


@pytest.mark.parametrize("name,args,needle", [
    ("contextual-mlm", [], "--aug-param model=/path/to/model"),
    ("back-translation", ["--aug-param", "model=PLACEHOLDER"], "--aug-param back_model=/path/to/model"),
    ("paraphrase", ["--aug-param", "model=/no/such/folder"], "model folder not found: /no/such/folder"),
])
def test_unavailable_weights_fail_with_one_line(home, data_dir, tiny, capsys, monkeypatch, name, args, needle):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    args = [a.replace("PLACEHOLDER", tiny["en_de"]) for a in args]
    with pytest.raises(SystemExit) as exc:
        main(["run", "-d", "goemotions", "-a", name, "--limit", "100", "-q", *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and needle in err and "Traceback" not in err
    assert len(err.splitlines()) == 1
    with Store() as s:
        assert s.count() == 0
