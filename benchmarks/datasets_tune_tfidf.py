"""tfidf-logreg single-label grid (docs/benchmarks.md, "Datasets (issue 3)").

Usage: EMOBENCH_DATA_DIR=../shared/data python benchmarks/datasets_tune_tfidf.py carer tweeteval-emotion
"""
import sys
import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

from benchmark import runner

GRID = ((4, None), (4, "balanced"), (10, None), (10, "balanced"), (30, "balanced"))

for name in sys.argv[1:]:
    d = runner.load_data(name, {})
    tr, dv, te = [(d.texts(s), d.Y(s).argmax(1)) for s in ("train", "validation", "test")]
    vec = TfidfVectorizer(ngram_range=(1, 2), max_features=200000, sublinear_tf=True, strip_accents="unicode")
    X, Xd, Xt = vec.fit_transform(tr[0]), vec.transform(dv[0]), vec.transform(te[0])
    for C, cw in GRID:
        t = time.time()
        clf = LogisticRegression(C=C, class_weight=cw, max_iter=2000, random_state=0).fit(X, tr[1])
        dev = f1_score(dv[1], clf.predict(Xd), average="macro")
        test = f1_score(te[1], clf.predict(Xt), average="macro")
        print(f"{name} C={C} class_weight={cw} dev {dev:.4f} test {test:.4f} {time.time() - t:.1f}s", flush=True)
