"""SemEval-2018 Task 1 E-c English (Mohammad et al., 2018): tweets, 11 emotions, multi-label.

Upstream format: TSV with header ``ID, Tweet, anger … trust`` (11 binary columns). An all-zero row means
"neutral or no emotion"; what to do with it is the explicit ``neutral`` parameter (part of the run identity):
``none`` keeps the row with no label (the official 11-label task), ``label`` adds a 12th label ``neutral``,
``drop`` removes the row.
"""
from benchmark.errors import BenchError, DataError

DESCRIPTION = "SemEval-2018 Task 1 E-c English tweets: 11 emotions, multi-label (neutral=none|label|drop)"
HUB_ID, HUB_CONFIG = "SemEvalWorkshop/sem_eval_2018_task_1", "subtask5.english"
FOLDER = "semeval2018_ec_en"
LABELS = ["anger", "anticipation", "disgust", "fear", "joy", "love", "optimism", "pessimism", "sadness",
          "surprise", "trust"]
SPLIT_FILES = {"train": "E-c-En-train.txt", "validation": "E-c-En-dev.txt", "test": "E-c-En-test-gold.txt"}
NEUTRAL = ("none", "label", "drop")

LABEL_MAPS = {
    # anticipation and trust have no Ekman counterpart: reported as unmapped (see docs/datasets.md)
    "ekman": {"anger": "anger", "anticipation": None, "disgust": "disgust", "fear": "fear", "joy": "joy",
              "love": "joy", "optimism": "joy", "pessimism": "sadness", "sadness": "sadness",
              "surprise": "surprise", "trust": None, "neutral": "neutral"},
    "sentiment": {"anger": "negative", "anticipation": "ambiguous", "disgust": "negative", "fear": "negative",
                  "joy": "positive", "love": "positive", "optimism": "positive", "pessimism": "negative",
                  "sadness": "negative", "surprise": "ambiguous", "trust": "positive", "neutral": "neutral"},
}

CARD = {
    "title": "SemEval-2018 Task 1: Affect in Tweets, subtask E-c (English)",
    "citation": "Mohammad, S. M., Bravo-Marquez, F., Salameh, M., Kiritchenko, S. (2018). SemEval-2018 Task 1: "
                "Affect in Tweets. Proceedings of SemEval-2018, pp. 1-17.",
    "license": "not stated upstream (research use); the copy's repository (cbaziotis/ntua-slp-semeval2018) is MIT, "
               "the data are the SemEval organisers'",
    "source_url": "https://competitions.codalab.org/competitions/17751 (copy: "
                  "https://github.com/cbaziotis/ntua-slp-semeval2018/tree/master/datasets/task1/E-c)",
    "hub_id": f"{HUB_ID} ({HUB_CONFIG})",
    "task": "multi-label",
    "label_names": LABELS,
    "split_sizes": {"train": 6838, "validation": 886, "test": 3259},
    "all_zero_rows": {"train": 204, "validation": 14, "test": 75},
    "sha256": {
        "E-c-En-train.txt": "498893ef1ecc5698d44ba9fd815d3ee88278f24fc549b202ddf36a4452f96675",
        "E-c-En-dev.txt": "1124cf56bd255fadea9e734a13133a9bd2202022f6d8a0ea560f076d8562517f",
        "E-c-En-test-gold.txt": "e2e1d2af0aeb381cd37c7c4fbbd833eed929cab610a7a027c80b8e4f7aa07df5",
    },
    "folder": FOLDER,
}


def read_file(path):
    """Header + ``ID<TAB>Tweet<TAB>11 x 0/1`` rows -> (texts, (n, 11) 0/1 rows)."""
    from datasets_registry.textfiles import read_lines

    lines = read_lines(path)
    (_, header), body = lines[0], lines[1:]
    if header.split("\t") != ["ID", "Tweet"] + LABELS:
        raise DataError(path, f"expected header ID, Tweet, {', '.join(LABELS)}", 1)
    texts, rows = [], []
    for lineno, line in body:
        cols = line.split("\t")
        if len(cols) != 2 + len(LABELS):
            raise DataError(path, f"expected {2 + len(LABELS)} tab-separated columns, found {len(cols)}", lineno)
        if not cols[1].strip():
            raise DataError(path, "empty text", lineno)
        bad = [c for c in cols[2:] if c not in ("0", "1")]
        if bad:
            raise DataError(path, f"label columns must be 0 or 1, got '{bad[0]}'", lineno)
        texts.append(cols[1])
        rows.append([int(c) for c in cols[2:]])
    return texts, rows


def load(neutral="none", source="auto"):
    """``neutral``: ``none`` | ``label`` | ``drop`` (all-zero rows); ``source``: ``auto`` | ``local`` | ``hub``."""
    import numpy as np

    from benchmark import data as bdata
    from benchmark.registry import unknown_message
    from datasets_registry.textfiles import hub_load, local_folder

    if neutral not in NEUTRAL:
        raise BenchError(unknown_message("neutral choice", str(neutral), list(NEUTRAL)))
    folder = local_folder(FOLDER, SPLIT_FILES["train"], source)
    files, notes = {}, []
    if folder is None:
        dd = hub_load("SemEval-2018 E-c", HUB_ID, HUB_CONFIG, FOLDER)
        split_rows = {s: (list(dd[s]["Tweet"]), np.array([[int(bool(x)) for x in dd[s][n]] for n in LABELS]).T)
                      for s in SPLIT_FILES}
    else:
        split_rows = {s: read_file(folder / f) for s, f in SPLIT_FILES.items()}
        files, notes = bdata.hash_files([folder / f for f in SPLIT_FILES.values()], CARD["sha256"])
    names = LABELS + (["neutral"] if neutral == "label" else [])
    rows = {}
    for split, (texts, Y) in split_rows.items():
        Y = np.asarray(Y, dtype=np.int8).reshape(len(texts), len(LABELS))
        empty = Y.sum(1) == 0
        if neutral == "label":
            Y = np.hstack([Y, empty[:, None].astype(np.int8)])
        elif neutral == "drop":
            keep = np.flatnonzero(~empty)
            texts, Y = [texts[i] for i in keep], Y[keep]
        rows[split] = (texts, Y)
    return bdata.build("semeval2018-ec", rows, names, True, files=files, card=CARD,
                       params={"neutral": neutral}, notes=notes)
