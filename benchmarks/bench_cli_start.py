"""CLI start-up: wall time of `bench --help` and `bench plugins` (median of N subprocess runs).

    python benchmarks/bench_cli_start.py [--repeat 7]

Also runs both with ``python -X importtime`` and fails if torch, transformers, datasets or sklearn get
imported. Target: <= 0.3 s. Prints the slowest imports (cumulative) to show where start-up time goes.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HEAVY = ("torch", "transformers", "datasets", "sklearn", "textattack", "sentence_transformers")
COMMANDS = {"bench --help": ["--help"], "bench plugins": ["plugins"]}


def bench_cmd():
    exe = shutil.which("bench", path=os.path.dirname(sys.executable)) or shutil.which("bench")
    return [exe] if exe else [sys.executable, "-m", "benchmark.cli"]


def importtime(args):
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "benchmark.cli", *args],
                          capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cum, name = line.split(":", 1)[1].split("|")
            rows.append((int(cum), name[1:].rstrip()))  # nested imports keep their leading spaces
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--top", type=int, default=8)
    args = ap.parse_args()
    cmd, ok = bench_cmd(), True
    for label, extra in COMMANDS.items():
        subprocess.run(cmd + extra, capture_output=True)  # warm the page cache and .pyc files
        walls = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            subprocess.run(cmd + extra, capture_output=True, check=True)
            walls.append(time.perf_counter() - t)
        rows = importtime(extra)
        heavy = sorted({name.strip().split(".")[0] for _, name in rows} & set(HEAVY))
        ok &= not heavy
        print(f"{label:14s} median {statistics.median(walls):.3f} s  min {min(walls):.3f} s  "
              f"(n={args.repeat})  heavy imports: {', '.join(heavy) or 'none'}")
        top = sorted((c, n) for c, n in rows if not n.startswith(" "))[::-1][: args.top]
        print("   slowest top-level imports: " + ", ".join(f"{n} {c / 1e6:.3f}s" for c, n in top))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
