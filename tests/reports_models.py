"""Test plugins for the reports tests: a seed-sensitive model that records loss curves, and a dataset
whose label names are HTML/JS injection attempts (real GoEmotions Ekman rows, renamed labels)."""
import numpy as np

from benchmark import hookimpl

XSS_LABEL = "<script>alert(1)</script>"
XSS_LABEL2 = '<img src=x onerror="window.__xss=1">'


class SGDCurves:
    """TF-IDF + one SGD logistic regression per label, trained epoch by epoch (partial_fit, shuffled by
    ``seed``); records the train and dev log-loss of every epoch in ``history_``."""

    def __init__(self, seed=0, epochs=4, alpha=1e-4):
        self.seed, self.epochs, self.alpha = seed, epochs, alpha

    def fit(self, texts, Y, *, multi_label=True, eval_set=None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier

        Y = np.asarray(Y)
        self.vec_ = TfidfVectorizer(sublinear_tf=True).fit(texts)
        X = self.vec_.transform(texts)
        dev = (self.vec_.transform(eval_set[0]), np.asarray(eval_set[1])) if eval_set else None
        self.clfs_ = [SGDClassifier(loss="log_loss", alpha=self.alpha, random_state=self.seed + 1000 * j)
                      for j in range(Y.shape[1])]
        self.history_ = []
        for epoch in range(1, self.epochs + 1):
            for j, clf in enumerate(self.clfs_):
                clf.partial_fit(X, Y[:, j], classes=[0, 1])
            self.history_.append(("train", epoch, epoch, self._loss(X, Y)))
            if dev is not None:
                self.history_.append(("dev", epoch, epoch, self._loss(*dev)))
        return self

    def _proba(self, X):
        return np.stack([clf.predict_proba(X)[:, 1] for clf in self.clfs_], axis=1)

    def _loss(self, X, Y):
        P = np.clip(self._proba(X), 1e-7, 1 - 1e-7)
        return float(-(Y * np.log(P) + (1 - Y) * np.log(1 - P)).mean())

    def predict_proba(self, texts):
        return self._proba(self.vec_.transform(texts)).astype(np.float32)


def sgd_curves(seed=0, epochs=4, alpha=1e-4):
    return SGDCurves(seed=seed, epochs=epochs, alpha=alpha)


def xss_dataset(taxonomy="ekman"):
    from benchmark import plugins
    from benchmark.data import replace_splits

    data = plugins.get("dataset", "goemotions").create(taxonomy=taxonomy)
    names = list(data.label_names)
    names[0], names[1] = XSS_LABEL, XSS_LABEL2
    rows = {s: (data.texts(s), data.Y(s)) for s in data.splits}
    return replace_splits(data, rows, label_names=names)


class Plugin:
    @hookimpl
    def register_models(self, register):
        register("sgd-curves", sgd_curves, "test: TF-IDF + per-label SGD, epoch loss curves")

    @hookimpl
    def register_datasets(self, register):
        register("xss-emotions", xss_dataset, "test: GoEmotions with <script> label names")


def register():
    from benchmark import plugins

    if not plugins.pm.has_plugin("reports-test"):
        plugins.register_plugin(Plugin(), name="reports-test")


def unregister():
    from benchmark import plugins

    if plugins.pm.has_plugin("reports-test"):
        plugins.unregister_plugin("reports-test")
