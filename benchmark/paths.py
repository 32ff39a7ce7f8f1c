"""Where data, results and caches live."""
import os
from pathlib import Path

from benchmark.errors import BenchError


def data_dir(required=True):
    """The folder with the shared datasets: ``--data-dir`` / ``EMOBENCH_DATA_DIR``.

    Falls back to ``../shared/data`` beside the current directory or the checkout.
    """
    env = os.environ.get("EMOBENCH_DATA_DIR")
    if env:
        return Path(env).expanduser()
    for base in (Path.cwd(), Path(__file__).resolve().parents[1]):
        cand = base.parent / "shared" / "data"
        if cand.is_dir():
            return cand
    if required:
        raise BenchError("no data folder: pass --data-dir or set EMOBENCH_DATA_DIR (e.g. ../shared/data)")
    return None


def home():
    """Results and caches: ``EMOBENCH_HOME`` (default ``./emobench-results``)."""
    return Path(os.environ.get("EMOBENCH_HOME", "emobench-results")).expanduser()


def store_path():
    return home() / "results.sqlite"


def cache_dir(*parts):
    """Disk caches shared by all runs and stores: ``EMOBENCH_CACHE`` (default ``~/.cache/emobench``)."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "emobench"
    root = Path(os.environ.get("EMOBENCH_CACHE", default)).expanduser()
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
