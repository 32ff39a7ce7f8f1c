"""Sweep benchmarks (docs/benchmarks.md, "Sweeps (issue 7)").

1. Rerunning a finished N-cell sweep (default 50 cheap cells): wall time of `bench sweep FILE`, which must
   only read the file, compute ids and ask the store once. Target: <= 2 s.
2. Speed-up of `--max-workers 2` over `--max-workers 1` on the same sweep (fresh stores).

    python benchmarks/bench_sweep.py [--cells 50] [--speedup-cells 8] [--speedup-limit 1000]
    python benchmarks/bench_sweep.py --table examples/paper_augmentation.toml   # its results (EMOBENCH_HOME)
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = [sys.executable, "-m", "benchmark"]


def sweep_file(folder, name, n, limit, taxonomy):
    p = Path(folder) / f"{name}.toml"
    p.write_text(f'name = "{name}"\n[fixed]\ndataset = "goemotions"\ntaxonomy = "{taxonomy}"\naugmenter = "none"\n'
                 f'model = "tfidf-logreg"\n' + (f"limit = {limit}\n" if limit else "")
                 + f"[axes]\nseed = {list(range(n))}\n")
    return p


def bench(args, home, check=True):
    env = dict(os.environ, EMOBENCH_HOME=str(home))
    t = time.perf_counter()
    out = subprocess.run(BENCH + args, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if check and out.returncode:
        sys.exit(f"bench {' '.join(args)} failed:\n{out.stderr[-3000:]}")
    return wall, out


def table(path):
    """Test macro-F1 of a sweep's finished cells: rows taxonomy, columns augmenter[scope]."""
    from tabulate import tabulate

    from benchmark import sweep
    from benchmark.store import Store

    sw = sweep.load(path)
    with Store() as store:
        st = sweep.statuses(store, [c.run_id for c in sw.cells])
        rows = [store.get(c.run_id) for c in sw.cells if st.get(c.run_id) == "done"]
    def column(cfg):
        return cfg["augmenter"] + ("" if cfg["augmenter"] == "none" else f" [{cfg['aug_scope']}]")

    cols, cells = [], {}
    for c in sw.cells:
        col = column(c.cfg.identity())
        cols += [col] if col not in cols else []
    for r in rows:
        cells.setdefault((r["taxonomy"], column(r["config"])), []).append(r["metrics"]["test"]["macro_f1"])
    taxes = [t for t in ("original", "ekman", "group") if any(k[0] == t for k in cells)]
    out = [[t] + [_fmt(cells.get((t, c))) for c in cols] for t in taxes]
    print(f"{len(rows)} of {len(sw.cells)} cells done; test macro-F1, mean ± std over seeds (n seeds)")
    print(tabulate(out, headers=["taxonomy"] + cols, tablefmt="github"))


def _fmt(xs):
    import numpy as np

    if not xs:
        return ""
    return f"{np.mean(xs):.4f} ± {np.std(xs):.4f} ({len(xs)})" if len(xs) > 1 else f"{xs[0]:.4f} (1)"


def load():
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=50)
    ap.add_argument("--limit", type=int, default=200, help="rows per split of each cell of the rerun sweep")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--speedup-cells", type=int, default=8)
    ap.add_argument("--speedup-limit", type=int, default=1000, help="0: the full data")
    ap.add_argument("--skip-speedup", action="store_true")
    ap.add_argument("--skip-rerun", action="store_true")
    ap.add_argument("--table", metavar="SWEEP.toml", help="only print the test macro-F1 table of a sweep's "
                    "finished cells (taxonomy x augmenter/scope, mean ± std over seeds)")
    ap.add_argument("--threads", type=int, help="set OMP/OPENBLAS/MKL_NUM_THREADS for every worker "
                    "(default: the sweep's CPUs / workers)")
    a = ap.parse_args()
    if a.table:
        return table(a.table)
    if a.threads:
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(a.threads)
    tmp = Path(tempfile.mkdtemp(prefix="bench-sweep-"))
    print(f"cpus {os.cpu_count()}, load average {load()}")

    if not a.skip_rerun:
        rerun(tmp, a)
    if not a.skip_speedup:
        speedup(tmp, a)


def rerun(tmp, a):
    f = sweep_file(tmp, "rerun", a.cells, a.limit, "group")
    wall, _ = bench(["sweep", str(f), "--max-workers", "2", "-q"], tmp / "home-rerun")
    print(f"first run of the {a.cells}-cell sweep (--max-workers 2): {wall:.1f} s")
    times = []
    for _ in range(a.repeats):
        wall, out = bench(["sweep", str(f)], tmp / "home-rerun")
        assert "Nothing to do" in out.stdout, out.stdout
        times.append(wall)
    print(f"rerun of the finished {a.cells}-cell sweep: median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}, {a.repeats} runs); says: {out.stdout.strip()}")
    dry = [bench(["sweep", str(f), "--dry-run"], tmp / "home-rerun")[0] for _ in range(3)]
    print(f"--dry-run of the same sweep: median {statistics.median(dry):.2f} s")


def speedup(tmp, a):
    g = sweep_file(tmp, "speedup", a.speedup_cells, a.speedup_limit, "original")
    walls = {}
    for w in (1, 2):
        print(f"load average before --max-workers {w}: {load()}")
        walls[w], _ = bench(["sweep", str(g), "--max-workers", str(w), "-q"], tmp / f"home-w{w}")
        print(f"{a.speedup_cells} cells (goemotions original, limit {a.speedup_limit}, tfidf-logreg), "
              f"--max-workers {w}, threads {os.environ.get('OMP_NUM_THREADS', 'default')}: {walls[w]:.1f} s")
    print(f"speed-up of --max-workers 2 over 1: {walls[1] / walls[2]:.2f}x (load average now {load()})")


if __name__ == "__main__":
    main()
