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
