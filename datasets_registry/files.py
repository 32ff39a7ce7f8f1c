"""Datasets from plain files, no code needed: ``file:PATH`` (CSV, TSV, JSONL) or a TOML dataset card.

``file:data.csv`` is split into train/validation/test with a seeded, label-stratified split;
``file:folder`` reads ``train.*``, ``validation.*`` (or ``dev.*``/``val.*``) and ``test.*`` from the folder;
``card.toml`` names the files, columns, labels, label maps and citation (see docs/datasets.md).
The files' content hash is a dataset parameter (``sha256``), so editing a file gives a new run identity.
"""
import csv
import functools
import hashlib
import io
import json
from pathlib import Path

from benchmark.errors import BenchError, DataError

FORMATS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
DELIMITERS = {"csv": ",", "tsv": "\t"}
SPLIT_NAMES = {"train": ("train",), "validation": ("validation", "dev", "val", "valid"), "test": ("test",)}
CARD_KEYS = {"name", "description", "format", "text_column", "label_column", "label_sep", "labels", "encoding",
             "splits", "split_seed", "validation_size", "test_size", "label_maps", "sha256", "citation",
             "license", "source_url", "hub_id", "task", "title"}
CARD_PARAMS = ("format", "text_column", "label_column", "label_sep", "encoding", "split_seed", "validation_size",
               "test_size")


def file_spec(name):
    """A :class:`benchmark.registry.Spec` for ``file:PATH`` or ``path/to/card.toml``."""
    from benchmark.registry import Spec

    target = name[len("file:"):] if name.startswith("file:") else name
    path = Path(target).expanduser()
    if not path.exists():
        raise DataError(path, "file not found")
    card, defaults = {}, {}
    if path.suffix == ".toml":
        card = read_card(path)
        files = card_files(path, card)
        defaults = {k: card[k] for k in CARD_PARAMS if k in card}
        if "labels" in card:
            defaults["labels"] = ",".join(card["labels"])
    elif path.is_dir():
        files = folder_files(path)
    else:
        files = {"all": path}
    read = list(files.values()) + ([path] if card else [])
    defaults["sha256"] = content_hash(read)
    factory = functools.partial(_factory_signature, name, files, card, path if card else None)
    factory = functools.partial(factory, **defaults)
    desc = card.get("description") or f"local file dataset {target}"
    meta = {"card": {k: v for k, v in card.items() if k not in ("label_maps",)}}
    if card.get("label_maps"):
        meta["label_maps"] = card["label_maps"]
    return Spec("dataset", name, factory, desc, plugin="file", distribution="local", meta=meta)


def _factory_signature(name, files, card, card_path, format=None, text_column="text", label_column="label",
                       label_sep=None, labels=None, encoding="utf-8", split_seed=0, validation_size=0.1,
                       test_size=0.1, sha256=None):
    return load(name, files, card, card_path, format=format, text_column=text_column, label_column=label_column,
                label_sep=label_sep, labels=labels, encoding=encoding, split_seed=split_seed,
                validation_size=validation_size, test_size=test_size, sha256=sha256)


# -- locating files -------------------------------------------------------------------------------------------
def read_card(path):
    import tomllib

    from benchmark.registry import unknown_message
    from datasets_registry.textfiles import read_text

    try:
        card = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as exc:
        import re

        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        msg = str(exc)[: found.start()].strip() if found else str(exc)
        raise DataError(path, f"not valid TOML: {msg}", int(found.group(1)) if found else None) from None
    for key in card:
        if key not in CARD_KEYS:
            raise DataError(path, unknown_message("card key", key, sorted(CARD_KEYS)))
    if "splits" not in card or not isinstance(card["splits"], dict):
        raise DataError(path, "missing [splits] table (train/validation/test = file, or file = single file)")
    if "labels" in card and not (isinstance(card["labels"], list) and all(isinstance(x, str) for x in card["labels"])):
        raise DataError(path, "labels must be a list of strings")
    return card


def card_files(card_path, card):
    splits = card["splits"]
    bad = [k for k in splits if k not in ("train", "validation", "test", "file")]
    if bad:
        raise DataError(card_path, f"unknown split '{bad[0]}' in [splits] (train, validation, test or file)")
    if "file" in splits and len(splits) > 1:
        raise DataError(card_path, "[splits]: give either file = ... or train/validation/test files, not both")
    if "file" not in splits and not ("train" in splits and "test" in splits):
        raise DataError(card_path, "[splits] needs train and test files (validation is optional) or file = ...")
    out = {}
    for split, rel in splits.items():
        p = (card_path.parent / str(rel)).resolve()
        if not p.is_file():
            raise DataError(p, f"file not found (named by [splits] {split} in {card_path})")
        out["all" if split == "file" else split] = p
    return out


def folder_files(folder):
    out = {}
    for split, stems in SPLIT_NAMES.items():
        found = [p for s in stems for p in sorted(folder.glob(f"{s}.*")) if p.suffix in FORMATS]
        if found:
            out[split] = found[0]
    if "train" not in out or "test" not in out:
        raise DataError(folder, "a dataset folder needs train.csv|tsv|jsonl and test.* (validation.*/dev.* optional)")
    return out


def content_hash(paths):
    from benchmark.data import sha256_file

    h = hashlib.sha256()
    for p in paths:
        h.update(sha256_file(p).encode())
    return h.hexdigest()[:16]


# -- reading rows ---------------------------------------------------------------------------------------------
def file_format(path, fmt):
    if fmt:
        if fmt not in ("csv", "tsv", "jsonl"):
            raise BenchError(f"unknown format '{fmt}'. Valid choices: csv, tsv, jsonl")
        return fmt
    if Path(path).suffix.lower() not in FORMATS:
        raise DataError(path, "cannot tell the format from the file name; pass --dataset-param format=csv|tsv|jsonl")
    return FORMATS[Path(path).suffix.lower()]


def read_rows(path, fmt, text_column, label_column, encoding="utf-8"):
    """[(line, text, raw label)] from a CSV/TSV (header row) or JSONL file."""
    from datasets_registry.textfiles import read_text

    text = read_text(path, encoding, hint="re-save the file as UTF-8 or pass --dataset-param encoding=latin-1")
    rows = _read_jsonl(path, text, text_column, label_column) if fmt == "jsonl" else \
        _read_delimited(path, text, DELIMITERS[fmt], text_column, label_column)
    if not rows:
        raise DataError(path, "no data rows")
    for lineno, t, _ in rows:
        if not t.strip():
            raise DataError(path, f"empty text in column '{text_column}'", lineno)
    return rows


def _missing(path, column, columns, line):
    import difflib

    close = difflib.get_close_matches(column, columns, n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return DataError(path, f"missing column '{column}' (columns: {', '.join(columns)}).{hint} "
                           "Choose with --text-column/--label-column", line)


def _read_delimited(path, text, delim, text_column, label_column):
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    name = "comma" if delim == "," else "tab"
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise DataError(path, f"cannot read the header: {exc}", 1) from None
    header = [h.strip() for h in header]
    for alt, alt_name in ((",", "comma"), ("\t", "tab"), (";", "semicolon")):
        if alt != delim and len(header) == 1 and alt in header[0]:
            raise DataError(path, f"the header has no {name} but contains {alt_name}s: mixed delimiters? "
                                  "(pass --dataset-param format=csv or tsv)", 1)
    for col in (text_column, label_column):
        if col not in header:
            raise _missing(path, col, header, 1)
    ti, li = header.index(text_column), header.index(label_column)
    out = []
    try:
        for row in reader:
            lineno = reader.line_num
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            if len(row) != len(header):
                raw = lines[lineno - 1] if lineno - 1 < len(lines) else ""
                for alt, alt_name in ((",", "comma"), ("\t", "tab"), (";", "semicolon")):
                    if alt != delim and raw.count(alt) == len(header) - 1 and raw.count(delim) != len(header) - 1:
                        raise DataError(path, f"mixed delimiters: this line is {alt_name}-separated, the file "
                                              f"{name}-separated", lineno)
                raise DataError(path, f"expected {len(header)} {name}-separated columns ({', '.join(header)}), "
                                      f"found {len(row)} (quote fields that contain '{delim}')", lineno)
            out.append((lineno, row[ti], row[li]))
    except csv.Error as exc:
        raise DataError(path, f"bad CSV quoting: {exc}", reader.line_num) from None
    return out


def _read_jsonl(path, text, text_column, label_column):
    out = []
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(path, f"invalid JSON: {exc.msg} (column {exc.colno})", lineno) from None
        if not isinstance(obj, dict):
            raise DataError(path, "each line must be a JSON object", lineno)
        for col in (text_column, label_column):
            if col not in obj:
                raise _missing(path, col, list(obj), lineno)
        if not isinstance(obj[text_column], str):
            raise DataError(path, f"'{text_column}' must be a string", lineno)
        out.append((lineno, obj[text_column], obj[label_column]))
    return out


def split_labels(path, lineno, raw, label_sep):
    """Raw label cell -> list of label names (one for single-label)."""
    if isinstance(raw, list):
        return [str(x).strip() for x in raw if str(x).strip()]
    raw = "" if raw is None else str(raw)
    if label_sep:
        return [x.strip() for x in raw.split(label_sep) if x.strip()]
    if not raw.strip():
        raise DataError(path, "empty label (multi-label files need --label-sep)", lineno)
    return [raw.strip()]


# -- the loader -----------------------------------------------------------------------------------------------
def load(name, files, card, card_path, format=None, text_column="text", label_column="label", label_sep=None,
         labels=None, encoding="utf-8", split_seed=0, validation_size=0.1, test_size=0.1, sha256=None):
    import numpy as np

    from benchmark import data as bdata
    from benchmark.registry import unknown_message

    if sha256 is not None:
        now = content_hash(list(files.values()) + ([card_path] if card_path else []))
        if now != sha256:
            raise BenchError(f"dataset '{name}': files changed (content hash {now}, expected {sha256})")
    declared = labels.split(",") if isinstance(labels, str) else labels
    declared = [x.strip() for x in declared] if declared else None
    parsed, multi = {}, bool(label_sep)
    for split, path in files.items():
        fmt = file_format(path, format)
        rows = read_rows(path, fmt, text_column, label_column, encoding)
        multi = multi or any(isinstance(r[2], list) for r in rows)
        parsed[split] = (path, [(ln, t, split_labels(path, ln, raw, label_sep)) for ln, t, raw in rows])
    names = declared or sorted({x for _, rows in parsed.values() for _, _, ls in rows for x in ls})
    if not names:
        raise DataError(next(iter(files.values())), "no labels found")
    index = {n: i for i, n in enumerate(names)}
    rows_by_split = {}
    for split, (path, rows) in parsed.items():
        ids = []
        for ln, _, ls in rows:
            for x in ls:
                if x not in index:
                    raise DataError(path, unknown_message("label", x, names), ln)
            if not multi and len(ls) != 1:
                raise DataError(path, f"single-label row with {len(ls)} labels", ln)
            ids.append([index[x] for x in ls])
        rows_by_split[split] = ([t for _, t, _ in rows], bdata.multi_hot(ids, len(names)))
    if "all" in rows_by_split:
        rows_by_split = seeded_split(*rows_by_split.pop("all"), split_seed, validation_size, test_size,
                                     files["all"])
    elif "validation" not in rows_by_split:
        tr = seeded_split(*rows_by_split["train"], split_seed, validation_size, 0, files["train"])
        rows_by_split.update(train=tr["train"], validation=tr["validation"])
    expected = {k: v for k, v in (card.get("sha256") or {}).items()}
    read = list(files.values()) + ([card_path] if card_path else [])
    hashes, notes = bdata.hash_files(read, expected)
    out_card = {k: v for k, v in card.items() if k not in ("label_maps", "splits")}
    out_card.setdefault("task", "multi-label" if multi else "single-label")
    out_card["label_names"] = names
    out_card["split_sizes"] = {s: len(rows_by_split[s][0]) for s in ("train", "validation", "test")}
    params = {"label_column": label_column, "text_column": text_column, "label_sep": label_sep}
    ordered = {s: rows_by_split[s] for s in ("train", "validation", "test")}
    for s, (t, Y) in ordered.items():
        ordered[s] = (t, np.asarray(Y, dtype=np.int8))
    return bdata.build(name, ordered, names, multi, files=hashes, card=out_card, params=params, notes=notes)


def seeded_split(texts, Y, seed, validation_size, test_size, path):
    """Seeded, label-stratified train/validation/test split of one file's rows."""
    import numpy as np

    from benchmark.sampling import stratified_indices

    for k, v in (("validation_size", validation_size), ("test_size", test_size)):
        if not (isinstance(v, (int, float)) and 0 <= v < 1):
            raise BenchError(f"{k} must be a fraction in [0, 1), got {v!r}")
    n = len(texts)
    n_test, n_val = int(round(n * test_size)), int(round(n * validation_size))
    if n - n_test - n_val < 1 or (test_size and n_test < 1) or (validation_size and n_val < 1):
        raise DataError(path, f"{n} rows are too few to split (validation_size={validation_size}, "
                              f"test_size={test_size})")
    all_idx = np.arange(n)
    test = stratified_indices(Y, n_test, seed) if n_test else np.array([], dtype=int)
    rest = np.setdiff1d(all_idx, test)
    val = rest[stratified_indices(Y[rest], n_val, seed + 1)] if n_val else np.array([], dtype=int)
    train = np.setdiff1d(rest, val)
    out = {"train": train, "validation": val, "test": test}
    return {s: ([texts[i] for i in idx], Y[idx]) for s, idx in out.items() if len(idx) or s != "test"}
