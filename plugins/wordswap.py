"""Word substitution shared by ``wordnet-synonym`` and ``glove-swap``.

For a text of ``L`` whitespace tokens, each copy replaces ``max(1, round(p*L))`` random tokens that have
substitutes (never stopwords, never ``[NAME]``-style placeholders) by a random substitute. Punctuation around
a token is kept and the substitute follows the token's capitalization. Copies equal to the input or to an
earlier copy are retried (at most ``4*n`` draws). If a text has fewer distinct variants than ``n`` and
``fill`` is true, its variants are repeated to make ``n`` copies (so ``--aug-target`` is reached); texts with
no replaceable word get no copies.

Each text has its own ``random.Random`` seeded from (seed, text): byte-identical output for a seed,
independent of the batch.
"""
import re

from benchmark.errors import BenchError
from plugins.eda import text_rng

_EDGES = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)
_PLACEHOLDER = re.compile(r"^\W*\[[A-Z_]+\]\W*$")


def check_fraction(name, key, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise BenchError(f"{name}: {key} must be a number in (0, 1], got {value!r}")


class WordSwap:
    """Subclasses set ``self.lookup`` (word -> tuple of substitutes) and ``self.stop`` in ``load()``."""

    name = "word-swap"

    def __init__(self, p=0.15, fill=True):
        check_fraction(self.name, "p", p)
        self.p, self.fill = p, bool(fill)
        self.lookup, self.stop = None, frozenset()
        self._memo = {}

    def load(self):
        raise NotImplementedError

    def augment(self, texts, n, seed):
        if self.lookup is None:
            self.load()
        return [self.variants(text, n, seed) for text in texts]

    def substitutes(self, token):
        """Replacements for ``token``, shaped like it (case, surrounding punctuation); () if none."""
        hit = self._memo.get(token)
        if hit is None:
            pre, core, post = _EDGES.match(token).groups()
            low = core.lower()
            if not core or _PLACEHOLDER.match(token) or low in self.stop or not core.replace("'", "").isalpha():
                hit = ()
            else:
                subs = [s for s in self.lookup(low) if s != low and s not in self.stop]
                if core.isupper() and len(core) > 1:
                    subs = [s.upper() for s in subs]
                elif core[:1].isupper():
                    subs = [s[:1].upper() + s[1:] for s in subs]
                hit = tuple(pre + s + post for s in subs)
            self._memo[token] = hit
        return hit

    def variants(self, text, n, seed):
        tokens = text.split()
        if n <= 0 or not tokens:
            return []
        slots = [(i, subs) for i, t in enumerate(tokens) if (subs := self.substitutes(t))]
        if not slots:
            return []
        rng = text_rng(seed, text)
        k = min(len(slots), max(1, round(self.p * len(tokens))))
        out, seen = [], {" ".join(tokens)}
        for _ in range(4 * n):
            words = list(tokens)
            for i, subs in rng.sample(slots, k):
                words[i] = rng.choice(subs)
            v = " ".join(words)
            if v not in seen:
                seen.add(v)
                out.append(v)
                if len(out) == n:
                    break
        if self.fill and out:
            out = [out[i % len(out)] for i in range(n)]
        return out


class WordNetSynonym(WordSwap):
    """``wordnet-synonym``: substitutes are WordNet synonyms (``plugins.wordnet``, offline NLTK data)."""

    name = "wordnet-synonym"

    def load(self):
        from plugins import wordnet

        self.lookup, self.stop = wordnet.load(verbose=True), wordnet.STOPWORDS


class GloveSwap(WordSwap):
    """``glove-swap``: substitutes are a word's ``k`` nearest GloVe 6B 50d neighbours with cosine >= ``min_sim``,
    among the ``vocab`` most frequent word-like GloVe entries (table precomputed once, cached on disk)."""

    name = "glove-swap"

    def __init__(self, p=0.15, k=10, min_sim=0.0, vocab=50000, fill=True):
        super().__init__(p=p, fill=fill)
        if not isinstance(min_sim, (int, float)) or not -1 <= min_sim <= 1:
            raise BenchError(f"glove-swap: min_sim must be a number in [-1, 1], got {min_sim!r}")
        if not isinstance(k, int) or not 1 <= k <= 50:
            raise BenchError(f"glove-swap: k must be an integer in [1, 50], got {k!r}")
        self.k, self.min_sim, self.vocab = k, min_sim, vocab

    def load(self):
        from plugins import glove, wordnet

        table = glove.neighbours(self.vocab, glove.K, verbose=True)
        self.lookup = lambda w: table.of(w, self.k, self.min_sim)
        self.stop = wordnet.STOPWORDS
