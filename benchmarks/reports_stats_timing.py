"""Time the bootstrap CI and the paired tests at GoEmotions' full test size (5,427 x 28 labels).

Usage: python benchmarks/reports_stats_timing.py
"""
import time

import numpy as np

from benchmark import stats

n, L = 5427, 28
rng = np.random.default_rng(0)
Y = (rng.random((n, L)) < 0.06).astype(np.int8)
Pa = np.where(rng.random((n, L)) < 0.05, 1 - Y, Y)
Pb = np.where(rng.random((n, L)) < 0.06, 1 - Y, Y)
for name, fn in [("bootstrap CI, 1000 resamples", lambda: stats.bootstrap_ci(Y, Pa)),
                 ("paired bootstrap, 1000 resamples", lambda: stats.paired_bootstrap(Y, Pa, Pb)),
                 ("approximate randomization, 1000 permutations", lambda: stats.approximate_randomization(Y, Pa, Pb))]:
    t = time.perf_counter()
    fn()
    print(f"{name}: {time.perf_counter() - t:.2f} s")
