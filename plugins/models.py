"""Built-in models. Each factory imports its implementation lazily."""
from benchmark import hookimpl


def tfidf_logreg(seed=0, C=4.0, max_features=200000, ngram_max=2, min_df=1, class_weight="auto"):
    from plugins.tfidf_logreg import TfidfLogReg

    return TfidfLogReg(seed=seed, C=C, max_features=max_features, ngram_max=ngram_max, min_df=min_df,
                       class_weight=class_weight)


@hookimpl
def register_models(register):
    register("tfidf-logreg", tfidf_logreg, "TF-IDF word 1-2-grams + one-vs-rest logistic regression (scikit-learn)")
