"""Shared test fixtures. Tests run on small seeded subsets of the real shared data."""
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("EMOBENCH_DATA_DIR", ROOT.parent / "shared" / "data")).resolve()
os.environ["EMOBENCH_DATA_DIR"] = str(DATA)
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the CLI does (benchmark/cli.py)
# One cache for the whole test session (shared by tests, separate from the user's ~/.cache/emobench).
if "EMOBENCH_CACHE" not in os.environ:
    import tempfile

    os.environ["EMOBENCH_CACHE"] = tempfile.mkdtemp(prefix="emobench-test-cache-")


@pytest.fixture(scope="session")
def data_dir():
    if not (DATA / "goemotions" / "original" / "train.tsv").is_file():
        pytest.fail(f"shared data not found at {DATA}: set EMOBENCH_DATA_DIR")
    return DATA


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh EMOBENCH_HOME (results store) for one test."""
    h = tmp_path / "home"
    monkeypatch.setenv("EMOBENCH_HOME", str(h))
    return h


@pytest.fixture(scope="session")
def nltk_data():
    """An NLTK data folder with WordNet + stopwords (built once into ./nltk_data by scripts/setup_nltk_data.py)."""
    import subprocess
    import sys

    root = ROOT / "nltk_data"
    corpora = root / "corpora"
    if not ((corpora / "wordnet" / "lexnames").is_file() and (corpora / "stopwords" / "english").is_file()):
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / "setup_nltk_data.py"), str(root)],
                              capture_output=True, text=True)
        if done.returncode:
            pytest.fail(f"could not build NLTK data: {done.stderr.strip()}")
    os.environ["NLTK_DATA"] = os.pathsep.join([str(root)] + [p for p in os.environ.get("NLTK_DATA", "").split(
        os.pathsep) if p and p != str(root)])
    if "nltk.data" in sys.modules and str(root) not in sys.modules["nltk.data"].path:
        sys.modules["nltk.data"].path.insert(0, str(root))
    return root


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny models on a shared 2-core box run far faster on one torch thread; restored afterwards."""
    import torch

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)
