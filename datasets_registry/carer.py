"""CARER / dair-ai ``emotion`` (Saravia et al., 2018): 20k English tweets, 6 emotions, single-label.

Upstream format: ``text;label`` lines, no header; ``val.txt`` starts with one empty line.
"""
from benchmark.errors import DataError

DESCRIPTION = "CARER (dair-ai emotion) tweets: 6 emotions, single-label, 16k/2k/2k"
HUB_ID, HUB_CONFIG = "dair-ai/emotion", "split"
FOLDER = "carer_emotion"
LABELS = ["sadness", "joy", "love", "anger", "fear", "surprise"]  # HF / paper order
SPLIT_FILES = {"train": "train.txt", "validation": "val.txt", "test": "test.txt"}

LABEL_MAPS = {
    "ekman": {"sadness": "sadness", "joy": "joy", "love": "joy", "anger": "anger", "fear": "fear",
              "surprise": "surprise"},
    "sentiment": {"sadness": "negative", "joy": "positive", "love": "positive", "anger": "negative",
                  "fear": "negative", "surprise": "ambiguous"},
}

CARD = {
    "title": "CARER: Contextualized Affect Representations for Emotion Recognition",
    "citation": "Saravia, E., Liu, H.-C. T., Huang, Y.-H., Wu, J., Chen, Y.-S. (2018). CARER: Contextualized Affect "
                "Representations for Emotion Recognition. EMNLP 2018, pp. 3687-3697. doi:10.18653/v1/D18-1404",
    "license": "\"The dataset should be used for educational and research purposes only.\" (dair-ai/emotion_dataset "
               "README); no formal licence",
    "source_url": "https://github.com/dair-ai/emotion_dataset",
    "hub_id": f"{HUB_ID} ({HUB_CONFIG})",
    "task": "single-label",
    "label_names": LABELS,
    "split_sizes": {"train": 16000, "validation": 2000, "test": 2000},
    # canonical sha256 (HF loader); the shared val.txt has one extra leading newline and differs
    "sha256": {
        "train.txt": "3ab03d945a6cb783d818ccd06dafd52d2ed8b4f62f0f85a09d7d11870865b190",
        "val.txt": "34faaa31962fe63cdf5dbf6c132ef8ab166c640254ab991af78f3aea375e79ef",
        "test.txt": "60f531690d20127339e7f054edc299a82c627b5ec0dd5d552d53d544e0cfcc17",
    },
    "folder": FOLDER,
}


def read_file(path):
    """``text;label`` lines (empty lines skipped) -> (texts, label ids)."""
    from datasets_registry.textfiles import read_lines

    index = {n: i for i, n in enumerate(LABELS)}
    texts, labels = [], []
    for lineno, line in read_lines(path, skip_empty=True):
        if ";" not in line:
            raise DataError(path, "expected 'text;label'", lineno)
        text, label = line.rsplit(";", 1)
        if not text.strip():
            raise DataError(path, "empty text", lineno)
        if label not in index:
            raise DataError(path, f"unknown label '{label}' (labels: {', '.join(LABELS)})", lineno)
        texts.append(text)
        labels.append(index[label])
    return texts, labels


def load(source="auto"):
    """``source``: ``auto`` (local copy under the data dir, else the hub), ``local`` or ``hub``."""
    from benchmark import data as bdata
    from datasets_registry.textfiles import hub_load, local_folder

    folder = local_folder(FOLDER, "train.txt", source)
    files, notes = {}, []
    if folder is None:
        dd = hub_load("CARER", HUB_ID, HUB_CONFIG, FOLDER)
        split_ids = {s: (list(dd[s]["text"]), list(dd[s]["label"])) for s in SPLIT_FILES}
    else:
        split_ids = {s: read_file(folder / f) for s, f in SPLIT_FILES.items()}
        files, notes = bdata.hash_files([folder / f for f in SPLIT_FILES.values()], CARD["sha256"])
    rows = {s: (t, bdata.multi_hot([[i] for i in ids], len(LABELS))) for s, (t, ids) in split_ids.items()}
    return bdata.build("carer", rows, LABELS, False, files=files, card=CARD, notes=notes)
