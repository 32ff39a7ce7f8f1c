"""benchmark.stats against scikit-learn, and the behaviour of the bootstrap and randomization tests."""
import numpy as np
import pytest
from sklearn.metrics import f1_score

from benchmark import leaderboard as lb
from benchmark import stats


def random_task(n=400, L=6, seed=0, noise=0.3):
    rng = np.random.default_rng(seed)
    Y = (rng.random((n, L)) < np.linspace(0.05, 0.4, L)).astype(np.int8)
    Y[:, 0] = 0  # a label absent from the gold split is left out of the macro average
    P = np.where(rng.random((n, L)) < noise, 1 - Y, Y).astype(np.int8)
    return Y, P


def sk_macro(Y, P):
    present = [j for j in range(Y.shape[1]) if Y[:, j].any()]
    return f1_score(Y, P, average="macro", labels=present, zero_division=0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_macro_f1_matches_sklearn(seed):
    Y, P = random_task(seed=seed)
    assert stats.macro_f1(Y, P) == pytest.approx(sk_macro(Y, P), abs=1e-6)


def test_bootstrap_resamples_match_sklearn_on_the_resampled_rows():
    Y, P = random_task(n=120, seed=3)
    W = stats.resample_weights(len(Y), n_boot=5, seed=7)
    assert (W.sum(1) == len(Y)).all()
    scores = stats.bootstrap_scores(Y, P, n_boot=5, seed=7)
    mask = stats.present(Y)
    for w, s in zip(W, scores):
        idx = np.repeat(np.arange(len(Y)), w.astype(int))
        expect = f1_score(Y[idx][:, mask], P[idx][:, mask], average="macro", zero_division=0)
        assert s == pytest.approx(expect, abs=1e-5)


def test_bootstrap_ci_is_seeded_and_contains_the_estimate():
    Y, P = random_task()
    ci = stats.bootstrap_ci(Y, P, seed=1)
    assert ci == stats.bootstrap_ci(Y, P, seed=1)
    assert ci != stats.bootstrap_ci(Y, P, seed=2)
    assert ci[0] < stats.macro_f1(Y, P) < ci[1]
    # more test examples -> narrower interval
    Y2, P2 = random_task(n=4000)
    ci2 = stats.bootstrap_ci(Y2, P2, seed=1)
    assert ci2[1] - ci2[0] < ci[1] - ci[0]


def test_tests_separate_a_real_difference_from_none():
    Y, Pa = random_task(n=600, noise=0.1, seed=4)
    _, Pb = random_task(n=600, noise=0.3, seed=4)
    p, diff = stats.approximate_randomization(Y, Pa, Pb, n_perm=500)
    assert diff == pytest.approx(stats.macro_f1(Y, Pa) - stats.macro_f1(Y, Pb))
    assert diff > 0 and p < 0.01
    (lo, hi), p_boot = stats.paired_bootstrap(Y, Pa, Pb, n_boot=500)
    assert 0 < lo < diff < hi and p_boot < 0.01
    # the same predictions: no difference, p = 1
    p_same, d_same = stats.approximate_randomization(Y, Pa, Pa, n_perm=200)
    assert d_same == 0 and p_same == 1
    # two equally noisy predictors: usually not significant
    Pc = np.where(np.random.default_rng(9).random(Pb.shape) < 0.3, 1 - Y, Y)
    p_null, _ = stats.approximate_randomization(Y, Pb, Pc, n_perm=500)
    assert p_null > 0.01


def test_latex_export_is_booktabs_with_the_best_value_bold_and_escaped():
    headers = ["model", "macro_f1", "hamming"]
    table = [["a_b & c", lb.Num(0.5, 0.01), lb.Num(0.2)], ["d", lb.Num(0.6, 0.02), lb.Num(0.1)]]
    out = lb.export(headers, table, "latex", best=["macro_f1", "min:hamming"])
    lines = out.splitlines()
    assert lines[0] == r"\begin{tabular}{lrr}" and r"\toprule" in lines and r"\bottomrule" in lines
    assert r"a\_b \& c" in out
    assert r"\textbf{0.6000 $\pm$ 0.0200}" in out and r"\textbf{0.1000}" in out
    assert r"\textbf{0.5000" not in out and r"\textbf{0.2000}" not in out


def test_every_format_renders_and_html_escapes():
    headers = ["label", "f1"]
    table = [["<script>alert(1)</script>", lb.Num(0.25)], ["x", lb.Num(0.5)]]
    for fmt in lb.FORMATS:
        out = lb.export(headers, table, fmt, best=["f1"])
        assert "alert(1)" in out
    html = lb.export(headers, table, "html", best=["f1"])
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<td data-v="0.5"><strong>0.5000</strong></td>' in html
    import json

    assert json.loads(lb.export(headers, table, "json"))[1] == {"label": "x", "f1": 0.5}
    assert lb.export(headers, table, "csv").splitlines()[0] == "label,f1"
