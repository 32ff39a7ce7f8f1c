"""TweetEval emotion (Barbieri et al., 2020): SemEval-2018 tweets, 4 emotions, single-label.

Upstream format: ``{split}_text.txt`` and line-aligned ``{split}_labels.txt`` (integer ids), ``mapping.txt``.
"""
from benchmark.errors import DataError

DESCRIPTION = "TweetEval emotion tweets (subset of SemEval-2018 E-c): 4 emotions, single-label"
HUB_ID, HUB_CONFIG = "cardiffnlp/tweet_eval", "emotion"
FOLDER = "tweeteval_emotion"
LABELS = ["anger", "joy", "optimism", "sadness"]
SPLITS = {"train": "train", "validation": "val", "test": "test"}

LABEL_MAPS = {
    "ekman": {"anger": "anger", "joy": "joy", "optimism": "joy", "sadness": "sadness"},
    "sentiment": {"anger": "negative", "joy": "positive", "optimism": "positive", "sadness": "negative"},
}

CARD = {
    "title": "TweetEval: Unified Benchmark and Comparative Evaluation for Tweet Classification (emotion task)",
    "citation": "Barbieri, F., Camacho-Collados, J., Espinosa-Anke, L., Neves, L. (2020). TweetEval: Unified Benchmark "
                "and Comparative Evaluation for Tweet Classification. Findings of EMNLP 2020. Underlying data: "
                "Mohammad, S., Bravo-Marquez, F., Salameh, M., Kiritchenko, S. (2018). SemEval-2018 Task 1: "
                "Affect in Tweets. SemEval-2018, pp. 1-17.",
    "license": "\"TweetEval is released without any restrictions but restrictions may apply to individual tasks "
               "(which are derived from existing datasets) or Twitter (main data source).\" (README)",
    "source_url": "https://github.com/cardiffnlp/tweeteval/tree/main/datasets/emotion",
    "hub_id": f"{HUB_ID} ({HUB_CONFIG})",
    "task": "single-label",
    "label_names": LABELS,
    "split_sizes": {"train": 3257, "validation": 374, "test": 1421},
    "sha256": {
        "mapping.txt": "656dea85d149716af96206ca19bec0d94e9dc6de3f5079f5c7c2a241ec76cadb",
        "test_labels.txt": "245072348c711961785be6d395997f97cf7fcda3effeae7805664171dc75f913",
        "test_text.txt": "7e1070f5d3e3fcece5bc73680bff9981e90d8f7b2f1009bfe7a01d059d1c6091",
        "train_labels.txt": "987e767d8679e18abdf7de37a6d2bcd0a40a296ddd704e8d515cf0e3033c8d9c",
        "train_text.txt": "2c62f67aeb3eac1aea0e5a9c3d0f4bc337992581f3f858061786a1fb4d79d95e",
        "val_labels.txt": "313730630160b7e0a6b4235b800c76683f4aeeb72d094eb69646630cd5cfe338",
        "val_text.txt": "e2e30c86b8cbb97944d6543aedc06eace3bb275cb2f381aba787b838b4f23ca5",
    },
    "folder": FOLDER,
}


def read_mapping(path):
    from datasets_registry.textfiles import read_lines

    names = []
    for lineno, line in read_lines(path, skip_empty=True):
        cols = line.split("\t")
        if len(cols) != 2 or cols[0].strip() != str(len(names)):
            raise DataError(path, f"expected '{len(names)}<TAB>name'", lineno)
        names.append(cols[1].strip())
    if names != LABELS:
        raise DataError(path, f"expected labels {', '.join(LABELS)}, got {', '.join(names)}")
    return names


def read_split(text_path, label_path):
    """Aligned text and label files -> (texts, label ids)."""
    from datasets_registry.textfiles import read_lines

    texts, labels = read_lines(text_path), read_lines(label_path)
    if len(texts) != len(labels):
        raise DataError(label_path, f"{len(labels)} labels for {len(texts)} texts in {text_path}")
    out_t, out_y = [], []
    for (lineno, text), (_, label) in zip(texts, labels):
        if not text.strip():
            raise DataError(text_path, "empty text", lineno)
        if label.strip() not in {str(i) for i in range(len(LABELS))}:
            raise DataError(label_path, f"label must be 0..{len(LABELS) - 1}, got '{label}'", lineno)
        out_t.append(text)
        out_y.append(int(label))
    return out_t, out_y


def load(source="auto"):
    """``source``: ``auto`` (local copy under the data dir, else the hub), ``local`` or ``hub``."""
    from benchmark import data as bdata
    from datasets_registry.textfiles import hub_load, local_folder

    folder = local_folder(FOLDER, "train_text.txt", source)
    files, notes = {}, []
    if folder is None:
        dd = hub_load("TweetEval emotion", HUB_ID, HUB_CONFIG, FOLDER)
        split_ids = {s: (list(dd[s]["text"]), list(dd[s]["label"])) for s in SPLITS}
    else:
        read_mapping(folder / "mapping.txt")
        split_ids = {s: read_split(folder / f"{p}_text.txt", folder / f"{p}_labels.txt") for s, p in SPLITS.items()}
        read = [folder / "mapping.txt"] + [folder / f"{p}_{k}.txt" for p in SPLITS.values() for k in ("text", "labels")]
        files, notes = bdata.hash_files(read, CARD["sha256"])
    rows = {s: (t, bdata.multi_hot([[i] for i in ids], len(LABELS))) for s, (t, ids) in split_ids.items()}
    return bdata.build("tweeteval-emotion", rows, LABELS, False, files=files, card=CARD, notes=notes)
