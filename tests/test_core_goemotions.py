"""GoEmotions loading: taxonomies reproduce the released ekman/group files row for row."""
import numpy as np
import pytest

from benchmark.errors import DataError
from datasets_registry import goemotions as ge


def _ids(path, n):
    texts, ids = ge.read_tsv(path, n)
    return texts, [sorted(set(r)) for r in ids]


@pytest.mark.parametrize("taxonomy", ["ekman", "group"])
@pytest.mark.parametrize("split", ["train.tsv", "dev.tsv", "test.tsv"])
def test_derived_taxonomy_matches_released_files(data_dir, taxonomy, split):
    texts, orig = _ids(data_dir / "goemotions" / "original" / split, 28)
    n = len(ge.LABELS[taxonomy])
    want_texts, want = _ids(data_dir / "goemotions" / taxonomy / split, n)
    assert texts == want_texts
    assert ge.to_taxonomy(orig, taxonomy) == want


def test_label_names_match_released_files(data_dir):
    from datasets_registry.textfiles import read_names

    for tax in ge.TAXONOMIES:
        assert read_names(data_dir / "goemotions" / tax / "labels.txt") == ge.LABELS[tax]


def test_load_yields_hf_datasets_with_multi_hot_labels(data_dir):
    import datasets

    data = ge.load("ekman")
    assert isinstance(data.splits, datasets.DatasetDict)
    assert data.sizes() == {"train": 43410, "validation": 5426, "test": 5427}
    Y = data.Y("train")
    assert Y.shape == (43410, 7) and set(np.unique(Y)) == {0, 1}
    assert (Y.sum(1) >= 1).all()
    assert data.label_names == ge.EKMAN and data.multi_label
    assert all(len(h) == 64 for h in data.files.values()) and len(data.files) == 4
    assert not data.notes  # files match the card


def _write(folder, lines, name="train.tsv", raw=None):
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_bytes(raw if raw is not None else ("\n".join(lines) + "\n").encode())
    return p


@pytest.mark.parametrize("lines,raw,problem,line", [
    (["ok text\t1\tid1", "missing columns\t2"], None, "expected 3 tab-separated columns", 2),
    (["ok\t1\ta", "x\t3\tb", "bad id\t28\tc"], None, "label id 28 out of range", 3),
    ([], b"", "empty file", None),
    ([], "fine\t1\ta\ncaf\xe9\t2\tb\n".encode("latin-1"), "not valid UTF-8", 2),
    (["ok\tx,1\ta"], None, "comma-separated integers", 1),
])
def test_malformed_tsv_errors_name_file_and_line(tmp_path, lines, raw, problem, line):
    p = _write(tmp_path, lines, raw=raw)
    with pytest.raises(DataError) as err:
        ge.read_tsv(p, 28)
    assert problem in str(err.value) and str(p) in str(err.value)
    assert err.value.line == line


def test_quotes_are_kept_verbatim(data_dir):
    texts, _ = ge.read_tsv(data_dir / "goemotions" / "original" / "dev.tsv", 28)
    assert len(texts) == 5426
    assert any('"' in t for t in texts)
