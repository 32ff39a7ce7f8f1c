"""EDA throughput on the GoEmotions train texts: input sentences per second.

    python benchmarks/bench_eda.py [--copies 4] [--alpha 0.1] [--repeat 3] [--limit N]

Times ``EDA.augment`` over all train texts in batches of 2048 (as ``benchmark.policy`` calls it), after the
WordNet synonym table is loaded (its load time is reported apart). Target: >= 5,000 sentences/s.
"""
import argparse
import os
import statistics
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=4)
    ap.add_argument("--alpha", type=float, default=0.1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()

    from benchmark.runner import load_data
    from plugins import wordnet
    from plugins.eda import EDA

    texts = load_data("goemotions", {"taxonomy": "original"}).texts("train")[: args.limit]
    t = time.perf_counter()
    wordnet.clear_cache()
    wordnet.load(verbose=True)
    load_s = time.perf_counter() - t
    rates, walls, cpu_rates = [], [], []
    for _ in range(args.repeat):
        eda = EDA(args.alpha, args.alpha, args.alpha, args.alpha)  # fresh: per-word memo starts empty
        t, c = time.perf_counter(), time.process_time()
        out = []
        for i in range(0, len(texts), 2048):
            out += eda.augment(texts[i: i + 2048], args.copies, seed=0)
        wall = time.perf_counter() - t
        cpu_rates.append(len(texts) / (time.process_time() - c))
        walls.append(wall)
        rates.append(len(texts) / wall)
    made = sum(len(v) for v in out)
    print(f"texts={len(texts)} copies={args.copies} alpha={args.alpha} generated={made}")
    print(f"synonym table load: {load_s:.3f} s")
    print(f"augment wall: median {statistics.median(walls):.2f} s over {args.repeat} runs")
    print(f"throughput: median {statistics.median(rates):,.0f} sentences/s (best {max(rates):,.0f}), one process")
    print(f"per CPU second: median {statistics.median(cpu_rates):,.0f} sentences (load-independent)")
    print(f"load average: {open('/proc/loadavg').read().split()[0]}" if os.path.exists("/proc/loadavg") else "")


if __name__ == "__main__":
    main()
