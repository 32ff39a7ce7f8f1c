"""Built-in datasets on the real shared files: sizes, label sets, cards, hashes, label-space projection."""
import numpy as np
import pytest

from benchmark import labelspace, plugins, runner
from benchmark.data import build
from benchmark.errors import BenchError

# From each folder's SOURCE.md (label counts per split; SemEval: positives per label).
EXPECTED = {
    "carer": {"sizes": {"train": 16000, "validation": 2000, "test": 2000},
              "labels": ["sadness", "joy", "love", "anger", "fear", "surprise"], "multi": False,
              "train": {"joy": 5362, "sadness": 4666, "anger": 2159, "fear": 1937, "love": 1304, "surprise": 572},
              "test": {"joy": 695, "sadness": 581, "anger": 275, "fear": 224, "love": 159, "surprise": 66}},
    "tweeteval-emotion": {"sizes": {"train": 3257, "validation": 374, "test": 1421},
                          "labels": ["anger", "joy", "optimism", "sadness"], "multi": False,
                          "train": {"anger": 1400, "joy": 708, "optimism": 294, "sadness": 855},
                          "test": {"anger": 558, "joy": 358, "optimism": 123, "sadness": 382}},
    "semeval2018-ec": {"sizes": {"train": 6838, "validation": 886, "test": 3259},
                       "labels": ["anger", "anticipation", "disgust", "fear", "joy", "love", "optimism", "pessimism",
                                  "sadness", "surprise", "trust"], "multi": True,
                       "train": {"anger": 2544, "anticipation": 978, "disgust": 2602, "fear": 1242, "joy": 2477,
                                 "love": 700, "optimism": 1984, "pessimism": 795, "sadness": 2008, "surprise": 361,
                                 "trust": 357},
                       "test": {"anger": 1101, "anticipation": 425, "disgust": 1099, "fear": 485, "joy": 1442,
                                "love": 516, "optimism": 1143, "pessimism": 375, "sadness": 960, "surprise": 170,
                                "trust": 153}},
}


@pytest.fixture(scope="module")
def loaded(data_dir):
    return {name: runner.load_data(name, {}) for name in EXPECTED}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_sizes_labels_and_counts_match_source(loaded, name):
    want, data = EXPECTED[name], loaded[name]
    spec = plugins.get("dataset", name)
    assert data.sizes() == want["sizes"] == spec.meta["card"]["split_sizes"]
    assert data.label_names == want["labels"] == spec.meta["card"]["label_names"]
    assert data.multi_label is want["multi"]
    for split in ("train", "test"):
        Y = data.Y(split)
        assert dict(zip(data.label_names, Y.sum(0).tolist())) == want[split]
        if not want["multi"]:
            assert (Y.sum(1) == 1).all()
    assert all(t.strip() for t in data.texts("validation"))
    for key in ("citation", "license", "source_url", "hub_id", "task", "sha256"):
        assert spec.meta["card"][key]
    assert set(spec.meta["label_maps"]) == {"ekman", "sentiment"}


def test_hashes_recorded_and_carer_val_mismatch_warned(loaded):
    carer = loaded["carer"]
    assert len(carer.files) == 3
    val = [p for p in carer.files if p.endswith("val.txt")][0]
    assert carer.files[val].startswith("7fa30d571b11")  # the hash actually read, not the card's
    assert [n for n in carer.notes if "val.txt" in n and "differs" in n]
    assert not [n for n in carer.notes if "train.txt" in n or "test.txt" in n]
    assert loaded["tweeteval-emotion"].notes == [] and len(loaded["tweeteval-emotion"].files) == 7
    assert loaded["semeval2018-ec"].notes == []


def test_semeval_neutral_is_an_explicit_recorded_param(data_dir):
    from benchmark.config import RunConfig

    spec = plugins.get("dataset", "semeval2018-ec")
    cfg = runner.normalize(RunConfig(dataset="semeval2018-ec"), {"dataset": spec})
    assert cfg.dataset_params == {"neutral": "none"}  # default written into the identity
    assert cfg.run_id() != RunConfig(dataset="semeval2018-ec", dataset_params={"neutral": "label"}).run_id()
    lab = spec.create(neutral="label")
    assert lab.label_names[-1] == "neutral" and int(lab.Y("train")[:, -1].sum()) == 204
    assert int(lab.Y("test")[:, -1].sum()) == 75 and (lab.Y("train").sum(1) >= 1).all()
    drop = spec.create(neutral="drop")
    assert drop.sizes() == {"train": 6838 - 204, "validation": 886 - 14, "test": 3259 - 75}
    with pytest.raises(BenchError, match="Did you mean 'label'"):
        spec.create(neutral="labels")


def test_projection_carer_and_tweeteval(loaded):
    carer = runner.load_data("carer", {}, "ekman")
    Y = carer.Y("train")
    col = {n: Y[:, i].sum() for i, n in enumerate(carer.label_names)}
    assert col["joy"] == 5362 + 1304  # love -> joy
    assert col["disgust"] == 0 and col["neutral"] == 0 and carer.sizes()["train"] == 16000
    assert not carer.multi_label and (Y.sum(1) == 1).all()
    tw = runner.load_data("tweeteval-emotion", {}, "sentiment")
    Y = tw.Y("test")
    assert dict(zip(tw.label_names, Y.sum(0).tolist())) == {"positive": 358 + 123, "negative": 558 + 382,
                                                            "ambiguous": 0, "neutral": 0}


def test_projection_semeval_reports_unmapped_labels(loaded):
    sem = loaded["semeval2018-ec"]
    data = runner.load_data("semeval2018-ec", {}, "ekman")
    notes = " ".join(data.notes)
    assert "anticipation 978" in notes and "trust 357" in notes
    Y0, Y = sem.Y("train"), data.Y("train")
    ix = {n: i for i, n in enumerate(sem.label_names)}
    only_unmapped = ((Y0.sum(1) > 0) & (Y0[:, [ix[n] for n in ix if n not in ("anticipation", "trust")]].sum(1) == 0))
    assert f"train: {int(only_unmapped.sum())} rows keep no label" in notes
    sad = data.label_names.index("sadness")
    assert (Y[:, sad] == ((Y0[:, ix["sadness"]] + Y0[:, ix["pessimism"]]) > 0)).all()
    assert data.sizes() == sem.sizes()  # multi-label rows are kept, not dropped


def test_single_label_rows_without_a_target_are_removed_and_reported():
    data = build("toy", {s: (["a", "b", "c"], np.eye(3, dtype=np.int8)) for s in ("train", "validation", "test")},
                 ["joy", "anticipation", "anger"], False)
    out, notes = labelspace.project(data, "ekman", None)  # no map of its own: the common table
    assert out.sizes()["train"] == 2 and out.texts("train") == ["a", "c"]
    assert any("anticipation 1" in n for n in notes) and any("removed" in n for n in notes)
    with pytest.raises(BenchError, match="no label that maps"):
        labelspace.project(build("x", {"train": (["a"], np.ones((1, 1), np.int8))}, ["zzz"], False), "ekman", None)


def test_hub_fallback_fails_offline_with_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOBENCH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(BenchError) as err:
        plugins.get("dataset", "tweeteval-emotion").create()
    assert "cardiffnlp/tweet_eval" in str(err.value) and "\n" not in str(err.value)
