"""file:PATH and TOML-card datasets: end to end, and one-line errors for malformed files (store untouched)."""
import csv
import json

import pytest

from benchmark.cli import main
from benchmark.store import Store

LABELS = ["sadness", "joy", "love", "anger", "fear", "surprise"]


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Small fits: BLAS threads only add contention on the shared test machine."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        yield


@pytest.fixture(scope="module")
def rows(data_dir):
    """The first 400 rows of the real CARER train file."""
    from datasets_registry.carer import read_file

    texts, ids = read_file(data_dir / "carer_emotion" / "train.txt")
    return [(t, LABELS[i]) for t, i in zip(texts[:400], ids[:400])]


def write_csv(path, rows, header=("text", "label"), delimiter=",", newline="\n", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f, delimiter=delimiter, lineterminator=newline)
        w.writerow(header)
        w.writerows(rows)
    return path


def card(path, data_file, extra=""):
    path.write_text(f'''name = "carer-sample"
description = "400 CARER rows written by the test"
format = "csv"
labels = {json.dumps(LABELS)}
citation = "Saravia et al. (2018)"
license = "research only"
{extra}
[splits]
file = "{data_file}"

[label_maps.ekman]
sadness = "sadness"
joy = "joy"
love = "joy"
anger = "anger"
fear = "fear"
surprise = "surprise"
''')
    return path


def bench(*args, capsys=None):
    """Run the CLI in-process; returns (exit code, stdout, stderr)."""
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr() if capsys else None
    return code, out.out if out else "", out.err if out else ""


def test_toml_card_and_csv_run_end_to_end(tmp_path, rows, home, capsys):
    write_csv(tmp_path / "sample.csv", rows)
    toml = card(tmp_path / "card.toml", "sample.csv")
    code, out, err = bench("run", "--dataset", str(toml), "-q", "--label-space", "ekman", capsys=capsys)
    assert code == 0, err
    assert "macro_f1" in out
    with Store() as store:
        (run,) = store.runs()
    assert run["dataset"] == str(toml) and run["label_space"] == "ekman"
    assert run["metrics"]["sizes"] == {"train": 320, "validation": 40, "test": 40, "train_augmented": 320}
    assert run["metrics"]["label_names"][:4] == ["anger", "disgust", "fear", "joy"]
    assert set(run["data_hashes"]) == {str(tmp_path / "sample.csv"), str(toml)}
    params = run["config"]["dataset_params"]
    assert params["sha256"] and params["split_seed"] == 0 and params["labels"] == ",".join(LABELS)


def test_split_files_multilabel_and_jsonl(tmp_path):
    from benchmark import runner

    folder = tmp_path / "ml"
    folder.mkdir()
    for split, n in (("train", 30), ("dev", 6), ("test", 6)):
        with open(folder / f"{split}.jsonl", "w") as f:
            for i in range(n):
                f.write(json.dumps({"body": f"text {split} {i}", "tags": "joy|anger" if i % 2 else "fear"}) + "\n")
    spec = runner.dataset_spec(f"file:{folder}")
    data = spec.create(text_column="body", label_column="tags", label_sep="|")
    assert data.multi_label and data.label_names == ["anger", "fear", "joy"]
    assert data.sizes() == {"train": 30, "validation": 6, "test": 6}
    assert data.Y("train").sum(0).tolist() == [15, 15, 15]


def test_crlf_and_bom_load_like_plain_utf8(tmp_path, rows):
    from benchmark import runner

    plain = runner.dataset_spec(f"file:{write_csv(tmp_path / 'plain.csv', rows)}").create()
    crlf = runner.dataset_spec(f"file:{write_csv(tmp_path / 'crlf.csv', rows, newline=chr(13) + chr(10))}").create()
    bom = runner.dataset_spec(f"file:{write_csv(tmp_path / 'bom.csv', rows, encoding='utf-8-sig')}").create()
    for other in (crlf, bom):
        for split in ("train", "validation", "test"):
            assert other.texts(split) == plain.texts(split)
            assert (other.Y(split) == plain.Y(split)).all()
    assert not any(t.endswith("\r") for t in crlf.texts("train"))


def _bad(tmp_path, rows):
    """name -> (file contents as bytes, expected line, words in the message)."""
    good = "text,label\n" + "".join(f"{t},{lab}\n" for t, lab in rows[:50])
    lines = good.split("\n")
    return {
        "columns": ("\n".join(lines[:5] + [lines[5] + ",extra"] + lines[6:]).encode(), 6, "expected 2"),
        "label": ("\n".join(lines[:7] + [lines[7].rsplit(",", 1)[0] + ",happy"] + lines[8:]).encode(), 8,
                  "unknown label 'happy'"),
        "empty": ("\n".join(lines[:3] + ["   ,joy"] + lines[4:]).encode(), 4, "empty text"),
        "latin1": ("\n".join(lines[:9] + ["caf\u00e9 au lait,joy"] + lines[10:]).encode("latin-1"), 10, "not valid UTF-8"),
        "mixed": ("\n".join(lines[:4] + [lines[4].replace(",", "\t")] + lines[5:]).encode(), 5, "mixed delimiters"),
        "missing": (good.replace("text,label", "sentence,label", 1).encode(), 1, "missing column 'text'"),
    }


@pytest.fixture(scope="module")
def stored_home(tmp_path_factory, rows):
    """A results store holding one good file-dataset run."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EMOBENCH_HOME", str(home))
        write_csv(home / "ok.csv", rows[:60])
        assert bench("run", "-q", "-d", f"file:{home / 'ok.csv'}")[0] == 0
    return home


@pytest.mark.parametrize("case", ["columns", "label", "empty", "latin1", "mixed", "missing"])
def test_malformed_file_one_line_error_and_store_untouched(tmp_path, rows, stored_home, monkeypatch, capsys, case):
    monkeypatch.setenv("EMOBENCH_HOME", str(stored_home))
    capsys.readouterr()
    content, line, words = _bad(tmp_path, rows)[case]
    bad = tmp_path / f"{case}.csv"
    bad.write_bytes(content)
    toml = card(tmp_path / f"{case}.toml", bad.name)
    before = (stored_home / "results.sqlite").read_bytes()
    for target in (f"file:{bad}", str(toml)):
        extra = ["--dataset-param", "labels=" + ",".join(LABELS)] if target.startswith("file:") else []
        code, out, err = bench("run", "-q", "-d", target, *extra, capsys=capsys)
        assert code != 0
        assert err.count("\n") == 1 and err.startswith("error: "), err
        assert f"{bad.name}:{line}:" in err and words in err, err
        assert "Traceback" not in err + out
    with Store() as store:
        assert store.count() == 1
    assert (stored_home / "results.sqlite").read_bytes() == before


def test_label_sep_option_becomes_a_dataset_param(tmp_path, home, capsys):
    path = tmp_path / "ml.tsv"
    path.write_text("tweet\temotions\n" + "".join(f"sample text {i}\t{'joy;love' if i % 3 else 'anger'}\n"
                                                  for i in range(60)))
    code, out, err = bench("run", "-q", "-d", f"file:{path}", "--text-column", "tweet", "--label-column", "emotions",
                           "--label-sep", ";", capsys=capsys)
    assert code == 0, err
    with Store() as store:
        (run,) = store.runs()
    p = run["config"]["dataset_params"]
    assert (p["text_column"], p["label_column"], p["label_sep"]) == ("tweet", "emotions", ";")
    assert run["metrics"]["multi_label"] and run["metrics"]["label_names"] == ["anger", "joy", "love"]


def test_bad_cards_name_file_and_line(tmp_path, rows, capsys):
    write_csv(tmp_path / "sample.csv", rows[:40])
    (tmp_path / "typo.toml").write_text('name = "x"\nlabel_colum = "label"\n[splits]\nfile = "sample.csv"\n')
    (tmp_path / "broken.toml").write_text('name = "x"\n[splits\nfile = "sample.csv"\n')
    (tmp_path / "nofile.toml").write_text('[splits]\ntrain = "train.csv"\ntest = "sample.csv"\n')
    for name, words in (("typo", "Did you mean 'label_column'?"), ("broken", "broken.toml:2: not valid TOML"),
                        ("nofile", "train.csv: file not found")):
        code, _, err = bench("run", "-q", "-d", str(tmp_path / f"{name}.toml"), capsys=capsys)
        assert code != 0 and err.count("\n") == 1 and words in err, err
