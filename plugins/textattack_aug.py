"""TextAttack's augmentation recipes as emobench augmenters (``textattack:<recipe>``, extra ``textattack``).

Offline: ``import textattack`` calls ``nltk.download`` for several packages. Here NLTK_DATA points at the
project's NLTK folder (``scripts/setup_nltk_data.py``: WordNet + stopwords) and ``nltk.download`` is
replaced by a no-op while TextAttack is imported and the recipe is built (then restored).

Recipes: ``eda`` (EasyDataAugmenter), ``wordnet``, ``deletion``, ``charswap``, ``embedding`` (WordSwapEmbedding
+ WordEmbeddingDistance on a TextAttack ``WordEmbedding`` built from the local GloVe 6B 50d vectors and our
precomputed neighbour table as ``nn_matrix``) and ``checklist`` without WordSwapChangeName/ChangeLocation (they
need a flair NER model that cannot be had offline): number change, contraction and expansion.

Texts longer than ``max_words`` (default 100) words get no copies: each TextAttack step builds every
candidate of the text and a copy takes ``pct_words_to_swap * L`` steps, so the cost grows with ``L**2``
(GoEmotions texts have at most ~70 words).

Determinism: TextAttack draws from the global ``random`` and ``numpy.random``. Each text is augmented after
seeding both from (seed, text); the caller's global RNG states are saved before a batch and restored after.
TextAttack's WordNet lookups return ``list(set(...))`` of strings (order depends on PYTHONHASHSEED), and
EasyDataAugmenter shuffles ``list(set(...))``: both are sorted first here, so output is byte-identical across
processes for a seed.
"""
import hashlib
import os
import random
from pathlib import Path

from benchmark.errors import BenchError

RECIPES = ("eda", "wordnet", "deletion", "charswap", "embedding", "checklist")
INSTALL = "pip install -e '.[textattack]'"
REPO = Path(__file__).resolve().parents[1]


def _nltk_data():
    """Make the project's offline NLTK data visible (also to TextAttack's own ``nltk`` calls)."""
    roots = [p for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
    local = REPO / "nltk_data"
    if local.is_dir() and str(local) not in roots:
        os.environ["NLTK_DATA"] = os.pathsep.join(roots + [str(local)])
        import nltk.data

        if str(local) not in nltk.data.path:
            nltk.data.path.append(str(local))


class _offline_nltk:
    """Replace ``nltk.download`` by a no-op for the duration (TextAttack calls it on import)."""

    def __enter__(self):
        import nltk

        self.nltk, self.download = nltk, nltk.download
        nltk.download = lambda *a, **k: True

    def __exit__(self, *exc):
        self.nltk.download = self.download


def import_textattack():
    try:
        import flair  # noqa: F401  (textattack imports it; fail with the install hint if absent)
    except ImportError as exc:
        raise BenchError(f"textattack augmenters need the textattack extra: {INSTALL} ({exc})") from exc
    _nltk_data()
    from plugins import wordnet

    wordnet.find()  # one-line error naming the set-up command when WordNet is missing
    with _offline_nltk():
        try:
            import textattack
        except ImportError as exc:
            raise BenchError(f"textattack augmenters need the textattack extra: {INSTALL} ({exc})") from exc
        except LookupError as exc:
            raise BenchError(f"textattack: NLTK data missing; run `{wordnet.SETUP}` ({str(exc).split()[0]})") from exc
    return textattack


def _sorted_result(fn):
    return lambda *a, **k: sorted(fn(*a, **k))


def _stable(transformation):
    """Sort TextAttack's set-ordered WordNet candidate lists (hash order differs between processes)."""
    inner = getattr(transformation, "transformations", [transformation])
    for t in inner:
        for attr in ("_get_replacement_words", "_get_synonyms"):
            if type(t).__name__ in ("WordSwapWordNet", "WordInsertionRandomSynonym") and hasattr(t, attr):
                setattr(t, attr, _sorted_result(getattr(t, attr)))


def glove_embedding(vocab=50000):
    """A TextAttack ``WordEmbedding`` over our GloVe neighbour table (``nn_matrix`` row i = [i, neighbours])."""
    import numpy as np
    from textattack.shared import WordEmbedding

    from plugins import glove

    table = glove.neighbours(vocab, glove.K, verbose=True)
    nn = np.concatenate([np.arange(len(table.words), dtype=np.int32)[:, None], table.nn], axis=1)
    return WordEmbedding(table.vectors, dict(table.index), dict(enumerate(table.words)), nn_matrix=nn)


def build(recipe, n, pct_words_to_swap=0.1, max_candidates=50, min_cos_sim=0.8, vocab=50000):
    """The TextAttack augmenter for ``recipe`` giving up to ``n`` copies per text."""
    import_textattack()
    from textattack import augmentation as A
    from textattack.augmentation.recipes import DEFAULT_CONSTRAINTS

    kw = dict(pct_words_to_swap=pct_words_to_swap, transformations_per_example=n)
    with _offline_nltk():
        if recipe == "eda":
            aug = _SortedEDA(**kw)
            for part in (aug.synonym_replacement, aug.random_insertion):
                _stable(part.transformation)
            return aug
        if recipe == "wordnet":
            aug = A.WordNetAugmenter(**kw)
        elif recipe == "deletion":
            aug = A.DeletionAugmenter(**kw)
        elif recipe == "charswap":
            aug = A.CharSwapAugmenter(**kw)
        elif recipe == "embedding":
            from textattack.constraints.semantics import WordEmbeddingDistance
            from textattack.transformations import WordSwapEmbedding

            emb = glove_embedding(vocab)
            aug = A.Augmenter(WordSwapEmbedding(max_candidates=max_candidates, embedding=emb),
                              constraints=DEFAULT_CONSTRAINTS + [WordEmbeddingDistance(emb, min_cos_sim=min_cos_sim)],
                              **kw)
        elif recipe == "checklist":
            from textattack.transformations import (CompositeTransformation, WordSwapChangeNumber,
                                                    WordSwapContract, WordSwapExtend)

            aug = A.Augmenter(CompositeTransformation([WordSwapChangeNumber(), WordSwapExtend(), WordSwapContract()]),
                              constraints=[DEFAULT_CONSTRAINTS[0]], **kw)
        else:
            raise BenchError(f"unknown TextAttack recipe '{recipe}'. Valid choices: {', '.join(RECIPES)}")
    _stable(aug.transformation)
    return aug


def _eda_class():
    from textattack.augmentation import EasyDataAugmenter

    class SortedEDA(EasyDataAugmenter):
        """EasyDataAugmenter with ``sorted(set(...))`` in place of ``list(set(...))`` before the shuffle."""

        def augment(self, text):
            out = []
            for part in (self.synonym_replacement, self.random_deletion, self.random_swap, self.random_insertion):
                out += part.augment(text)
            out = sorted(set(out))
            random.shuffle(out)
            return out[: self.transformations_per_example]

    return SortedEDA


def _SortedEDA(**kw):
    return _eda_class()(**kw)


def text_seed(seed, text):
    return int.from_bytes(hashlib.blake2b(f"{seed}\0{text}".encode("utf-8", "surrogatepass"),
                                          digest_size=4).digest(), "big")


class TextAttackAugmenter:
    def __init__(self, recipe, pct_words_to_swap=0.1, max_candidates=50, min_cos_sim=0.8, vocab=50000, max_words=100):
        if recipe not in RECIPES:
            raise BenchError(f"unknown TextAttack recipe '{recipe}'. Valid choices: {', '.join(RECIPES)}")
        if isinstance(pct_words_to_swap, bool) or not isinstance(pct_words_to_swap, (int, float)) \
                or not 0 < pct_words_to_swap <= 1:
            raise BenchError(f"textattack:{recipe}: pct_words_to_swap must be in (0, 1], got {pct_words_to_swap!r}")
        self.recipe, self.pct_words_to_swap = recipe, pct_words_to_swap
        self.max_candidates, self.min_cos_sim, self.vocab = max_candidates, min_cos_sim, vocab
        if isinstance(max_words, bool) or not isinstance(max_words, int) or max_words < 1:
            raise BenchError(f"textattack:{recipe}: max_words must be a positive integer, got {max_words!r}")
        self.max_words = max_words
        if not isinstance(max_candidates, int) or not 1 <= max_candidates <= 50:
            raise BenchError(f"textattack:{recipe}: max_candidates must be an integer in [1, 50], got {max_candidates!r}")
        self._built = {}

    def augmenter(self, n):
        if n not in self._built:
            self._built[n] = build(self.recipe, n, self.pct_words_to_swap, self.max_candidates, self.min_cos_sim,
                                   self.vocab)
        return self._built[n]

    def augment(self, texts, n, seed):
        if n <= 0:
            return [[] for _ in texts]
        import numpy as np

        aug = self.augmenter(n)
        py_state, np_state = random.getstate(), np.random.get_state()
        try:
            out = []
            for text in texts:
                words = len(text.split())
                if not words or words > self.max_words:  # TextAttack's search is quadratic in the length
                    out.append([])
                    continue
                s = text_seed(seed, text)
                random.seed(s)
                np.random.seed(s)
                variants = [v for v in aug.augment(text) if v != text]
                out.append(variants[:n])
            return out
        finally:
            random.setstate(py_state)
            np.random.set_state(np_state)
