"""Where sweep cells run: a local process pool or Ray tasks.

Workers compute a cell and return its row and arrays; they never touch the store. The driver is the
single writer, so a killed worker or driver can lose at most the cells in flight, never a row half-written.
Executors yield ``(index, result)`` as cells finish; ``result`` is ``{"ok", "row", "arrays", "curves"}``
or ``{"ok": False, "error"}``. Light imports only: this module is imported in every fresh worker.
"""
import os
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from benchmark.config import RunConfig

# Environment a worker needs to find data, caches and offline models (also passed to Ray workers).
ENV_VARS = ("EMOBENCH_HOME", "EMOBENCH_CACHE", "EMOBENCH_DATA_DIR", "EMOBENCH_AUG_CACHE",
            "EMOBENCH_LOAD_PLUGINS", "EMOBENCH_STRICT_PLUGINS", "NLTK_DATA", "HF_HOME", "HF_HUB_OFFLINE",
            "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "TOKENIZERS_PARALLELISM", "XDG_CACHE_HOME")
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Job:
    cfg: RunConfig
    num_cpus: float = 1
    num_gpus: float = 0


def worker_env():
    """The driver's environment for workers, with paths made absolute (workers may start elsewhere)."""
    from benchmark import paths

    env = {k: os.environ[k] for k in ENV_VARS if k in os.environ}
    env["EMOBENCH_HOME"] = str(paths.home().resolve())
    data = paths.data_dir(required=False)
    if data:
        env["EMOBENCH_DATA_DIR"] = str(Path(data).expanduser().resolve())
    if "EMOBENCH_CACHE" in env:
        env["EMOBENCH_CACHE"] = str(Path(env["EMOBENCH_CACHE"]).expanduser().resolve())
    return env


def cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


class _Capture:
    """Stands in for the Store inside a worker: keeps the row instead of writing it."""

    def __init__(self):
        self.saved = None

    def done(self, run_id):
        return False

    def save(self, row, arrays=None, curves=None):
        self.saved = (row, arrays, list(curves or []))

    def get(self, run_id):
        return self.saved[0]


def run_cell(cfg, env=None):
    """Run one cell in this (worker) process. Never raises for a failing cell."""
    os.environ.update(env or {})
    t0 = time.perf_counter()
    try:
        from benchmark import runner  # keeps loaded datasets in-process: consecutive cells share them

        store = _Capture()
        runner.run(cfg, store, force=False, progress=False, log=lambda msg: None)
        row, arrays, curves = store.saved
        return {"ok": True, "row": row, "arrays": arrays, "curves": curves,
                "seconds": time.perf_counter() - t0}
    except Exception as exc:
        from benchmark.errors import BenchError

        head = str(exc) if isinstance(exc, BenchError) else f"{type(exc).__name__}: {exc}"
        head = head.strip().splitlines()[0] if head.strip() else type(exc).__name__
        return {"ok": False, "error": f"{head}\n\n{traceback.format_exc()[-6000:]}",
                "seconds": time.perf_counter() - t0}


def _init_worker(env, threads):
    os.environ.update(env)
    # numpy/scipy's OpenBLAS: 2 threads per worker made tfidf-logreg cells ~10x slower here (docs/benchmarks.md)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    for var in THREAD_VARS:  # torch and MKL: the worker's share of the cores
        os.environ.setdefault(var, str(threads))


def _failure(msg):
    return {"ok": False, "error": msg}


def local(jobs, max_workers=None):
    """A process pool (spawn: safe with torch). At most ``max_workers`` cells are in flight."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    if not jobs:
        return
    n = max(1, min(max_workers or cpus(), len(jobs)))
    env = worker_env()
    threads = max(1, cpus() // n)

    def pool():
        return ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init_worker, initargs=(env, threads))

    queue = list(enumerate(jobs))[::-1]
    running = {}
    ex = pool()
    try:
        while queue or running:
            while queue and len(running) < n:
                i, job = queue.pop()
                running[ex.submit(run_cell, job.cfg, env)] = i
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            broken = False
            for fut in finished:
                i = running.pop(fut)
                try:
                    res = fut.result()
                except BrokenProcessPool:
                    broken = True
                    res = _failure("a worker process died while this cell ran (killed, or out of memory?)")
                except Exception as exc:
                    res = _failure(f"{type(exc).__name__}: {exc}")
                yield i, res
            if broken:  # every cell in flight is lost with the pool; start a fresh one for the rest
                for fut, i in list(running.items()):
                    yield i, _failure("a worker process died while this cell ran (killed, or out of memory?)")
                running.clear()
                ex.shutdown(wait=False, cancel_futures=True)
                ex = pool()
    finally:
        ex.shutdown(wait=False, cancel_futures=True)


def ray(jobs, address=None, max_workers=None):
    """Each cell a Ray task with its declared ``num_cpus``/``num_gpus``.

    Uses a running Ray (``ray.init`` done by the caller), else connects to ``address``, else starts a
    local instance (with ``max_workers`` CPUs when given). Workers get the driver's EMOBENCH_*/NLTK/HF
    variables, so a cache directory on a shared filesystem is shared by every node.
    """
    try:
        import ray as ray_
    except ImportError:
        from benchmark.errors import BenchError

        raise BenchError("--executor ray needs Ray: pip install 'emobench[ray]'") from None
    if not jobs:
        return
    env = worker_env()
    own = not ray_.is_initialized()
    if own:
        kw = {"include_dashboard": False, "log_to_driver": False}
        if address:
            ray_.init(address=address, **kw)
        else:
            ray_.init(num_cpus=max_workers or cpus(), **kw)
    task = ray_.remote(run_cell)
    limit = max_workers or len(jobs)
    queue = list(enumerate(jobs))[::-1]
    running = {}
    try:
        while queue or running:
            while queue and len(running) < limit:
                i, job = queue.pop()
                ref = task.options(num_cpus=job.num_cpus, num_gpus=job.num_gpus, max_retries=1,
                                   runtime_env={"env_vars": env}).remote(job.cfg, env)
                running[ref] = i
            ready, _ = ray_.wait(list(running), num_returns=1)
            for ref in ready:
                i = running.pop(ref)
                try:
                    res = ray_.get(ref)
                except Exception as exc:  # the task's worker died or Ray failed it
                    res = _failure(f"ray task failed: {type(exc).__name__}: {str(exc).strip()[:2000]}")
                yield i, res
    finally:
        for ref in running:
            ray_.cancel(ref, force=True)
        if own:
            ray_.shutdown()
