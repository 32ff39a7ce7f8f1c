"""GoEmotions (Demszky et al., 2020): 58k Reddit comments, 27 emotions + neutral, multi-label.

Taxonomies: ``original`` (28), ``ekman`` (7) and ``group`` (4, sentiment), the last two derived
in code from the 28-label data through the official GoEmotions mapping.
"""
from pathlib import Path

from benchmark.errors import BenchError, DataError

DESCRIPTION = "GoEmotions Reddit comments: 28 labels (original), 7 (ekman) or 4 (group); multi-label"
HUB_ID = "google-research-datasets/go_emotions"
TAXONOMIES = ("original", "ekman", "group")
SPLIT_FILES = {"train": "train.tsv", "validation": "dev.tsv", "test": "test.tsv"}

ORIGINAL = ["admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity",
            "desire", "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear",
            "gratitude", "grief", "joy", "love", "nervousness", "optimism", "pride", "realization", "relief",
            "remorse", "sadness", "surprise", "neutral"]
# google-research/goemotions data/ekman_mapping.json
EKMAN_GROUPS = {
    "anger": ["anger", "annoyance", "disapproval"],
    "disgust": ["disgust"],
    "fear": ["fear", "nervousness"],
    "joy": ["joy", "amusement", "approval", "excitement", "gratitude", "love", "optimism", "relief", "pride",
            "admiration", "desire", "caring"],
    "sadness": ["sadness", "disappointment", "embarrassment", "grief", "remorse"],
    "surprise": ["surprise", "realization", "confusion", "curiosity"],
}
# google-research/goemotions data/sentiment_mapping.json
SENTIMENT_GROUPS = {
    "positive": EKMAN_GROUPS["joy"],
    "negative": EKMAN_GROUPS["anger"] + EKMAN_GROUPS["disgust"] + EKMAN_GROUPS["fear"] + EKMAN_GROUPS["sadness"],
    "ambiguous": EKMAN_GROUPS["surprise"],
}
EKMAN = ["anger", "disgust", "fear", "joy", "neutral", "sadness", "surprise"]  # order of the released files
GROUP = ["ambiguous", "negative", "neutral", "positive"]


def _invert(groups):
    out = {src: dst for dst, srcs in groups.items() for src in srcs}
    out["neutral"] = "neutral"
    return out


TO_EKMAN = _invert(EKMAN_GROUPS)
TO_SENTIMENT = _invert(SENTIMENT_GROUPS)
LABELS = {"original": ORIGINAL, "ekman": EKMAN, "group": GROUP}
MAPS = {"original": {n: n for n in ORIGINAL}, "ekman": TO_EKMAN, "group": TO_SENTIMENT}

# For --label-space: every taxonomy's names onto Ekman-7 and sentiment-4.
LABEL_MAPS = {
    "ekman": {**TO_EKMAN, **{n: n for n in EKMAN}},
    "sentiment": {**TO_SENTIMENT, **{e: TO_SENTIMENT[EKMAN_GROUPS[e][0]] for e in EKMAN_GROUPS}, **{g: g for g in GROUP}},
}

CARD = {
    "title": "GoEmotions: A Dataset of Fine-Grained Emotions",
    "citation": "Demszky, D., Movshovitz-Attias, D., Ko, J., Cowen, A., Nemade, G., Ravi, S. (2020). "
                "GoEmotions: A Dataset of Fine-Grained Emotions. ACL 2020.",
    "license": "Apache-2.0 repository (google-research/google-research); no separate data licence stated",
    "source_url": "https://github.com/google-research/google-research/tree/master/goemotions",
    "hub_id": HUB_ID,
    "task": "multi-label",
    "label_names": {t: LABELS[t] for t in TAXONOMIES},
    "split_sizes": {"train": 43410, "validation": 5426, "test": 5427},
    "sha256": {
        "train.tsv": "1c254a142be5c00e80d819b9ae1bbd36d94b2eeb8f4b1271846508d57e57d9c5",
        "dev.tsv": "575489c079c9de1097062a01738f998590d6b7ead66dd1c9fd1d2ba01fd8bc62",
        "test.tsv": "0587b2dd8b27b97352adbfc3fb083d46005c8946657fdc2b1ca8b1cc7f1f8be4",
        "labels.txt": "45c3ef86782d2a4d7fedcd6d8c111aa0d0e94720689bd164fac94fefb4495a89",
    },
    "folder": "goemotions/original",
}


def read_tsv(path, n_labels):
    """Upstream TSV (no header, quoting off): text<TAB>ids<TAB>comment_id -> (texts, id lists)."""
    from datasets_registry.textfiles import read_lines

    texts, labels = [], []
    for lineno, line in read_lines(path):
        cols = line.split("\t")
        if len(cols) != 3:
            raise DataError(path, f"expected 3 tab-separated columns (text, label ids, id), found {len(cols)}", lineno)
        text, ids = cols[0], cols[1]
        if not text.strip():
            raise DataError(path, "empty text", lineno)
        try:
            row = [int(x) for x in ids.split(",")]
        except ValueError:
            raise DataError(path, f"label ids must be comma-separated integers, got '{ids}'", lineno) from None
        bad = [x for x in row if not 0 <= x < n_labels]
        if bad:
            raise DataError(path, f"label id {bad[0]} out of range 0..{n_labels - 1}", lineno)
        texts.append(text)
        labels.append(row)
    return texts, labels


def to_taxonomy(label_ids, taxonomy):
    """Original label ids -> sorted ids in ``taxonomy`` (duplicates collapsed)."""
    names, mapping = LABELS[taxonomy], MAPS[taxonomy]
    index = {n: i for i, n in enumerate(names)}
    return [sorted({index[mapping[ORIGINAL[i]]] for i in ids}) for ids in label_ids]


def load(taxonomy="original", source="auto"):
    """Load GoEmotions. ``source``: ``auto`` (local folder, else the hub), ``local`` or ``hub``."""
    from benchmark import data as bdata
    from benchmark import paths

    if taxonomy not in TAXONOMIES:
        from benchmark.registry import unknown_message

        raise BenchError(unknown_message("taxonomy", taxonomy, list(TAXONOMIES)))
    folder = None
    if source in ("auto", "local"):
        base = paths.data_dir(required=source == "local")
        folder = base / "goemotions" / "original" if base else None
        if folder is not None and not (folder / "train.tsv").is_file():
            if source == "local":
                raise DataError(folder / "train.tsv", "file not found (point --data-dir at the shared data folder)")
            folder = None
    if folder is None:
        split_ids, files = _from_hub(), {}
        notes = []
    else:
        split_ids, files, notes = _from_folder(Path(folder))
    L = len(LABELS[taxonomy])
    rows = {s: (t, bdata.multi_hot(to_taxonomy(ids, taxonomy), L)) for s, (t, ids) in split_ids.items()}
    return bdata.build("goemotions", rows, LABELS[taxonomy], True, files=files, card=CARD,
                       params={"taxonomy": taxonomy}, notes=notes)


def _from_folder(folder):
    from benchmark.data import hash_files
    from datasets_registry.textfiles import read_names

    names = read_names(folder / "labels.txt") if (folder / "labels.txt").is_file() else ORIGINAL
    if names != ORIGINAL:
        raise DataError(folder / "labels.txt", f"expected the 28 GoEmotions labels in order, got {len(names)} names")
    out = {split: read_tsv(folder / fname, len(ORIGINAL)) for split, fname in SPLIT_FILES.items()}
    paths_read = [folder / f for f in SPLIT_FILES.values()] + [folder / "labels.txt"]
    files, notes = hash_files([p for p in paths_read if p.is_file()], CARD["sha256"])
    return out, files, notes


def _from_hub():
    try:
        import datasets

        dd = datasets.load_dataset(HUB_ID, "simplified")
    except Exception as exc:
        raise BenchError(f"GoEmotions: no local copy and the hub is unreachable ({type(exc).__name__}); "
                         "pass --data-dir or set EMOBENCH_DATA_DIR to the folder holding goemotions/original") from exc
    return {s: (list(dd[s]["text"]), [list(x) for x in dd[s]["labels"]]) for s in ("train", "validation", "test")}
