"""EDA: Easy Data Augmentation (Wei & Zou, 2019), written for emobench.

Four operations on whitespace tokens of a text with ``L`` tokens:

- synonym replacement (SR): ``max(1, int(alpha_sr*L))`` distinct non-stopword words, each replaced (every
  occurrence) by a random WordNet synonym;
- random insertion (RI): ``max(1, int(alpha_ri*L))`` times, a random synonym of a random word is inserted
  at a random position (up to 10 tries to find a word with synonyms);
- random swap (RS): ``max(1, int(alpha_rs*L))`` swaps of two random positions;
- random deletion (RD): each token is deleted with probability ``p_rd`` (one random token is kept if all go).

As in the original code, each augmented copy applies ONE operation: the ``n`` copies of a text are drawn
from a pool holding ``n // k + 1`` slots for each of the ``k`` enabled operations (alpha > 0), shuffled and
cut to ``n``. Copies that come out equal to the input are kept (as in EDA), so a text always gets ``n``
copies; empty texts get none. Unlike the original, the text is not lowercased or stripped of punctuation:
punctuation around a replaced word is kept, ``[NAME]``-style placeholders are never replaced, and the
replacement follows the word's capitalization.

Each text gets its own ``random.Random`` seeded from (seed, text): output is byte-identical for the same
seed and does not depend on the other texts in the batch.
"""
import hashlib
import random
import re

from benchmark.errors import BenchError

_EDGES = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)
_PLACEHOLDER = re.compile(r"^\W*\[[A-Z_]+\]\W*$")
OPS = ("sr", "ri", "rs", "rd")


def text_rng(seed, text):
    """A ``random.Random`` that depends only on (seed, text)."""
    digest = hashlib.blake2b(f"{seed}\0{text}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


class EDA:
    def __init__(self, alpha_sr=0.1, alpha_ri=0.1, alpha_rs=0.1, p_rd=0.1):
        self.alpha_sr, self.alpha_ri, self.alpha_rs, self.p_rd = alpha_sr, alpha_ri, alpha_rs, p_rd
        params = {"alpha_sr": alpha_sr, "alpha_ri": alpha_ri, "alpha_rs": alpha_rs, "p_rd": p_rd}
        for name, value in params.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise BenchError(f"eda: {name} must be a number in [0, 1], got {value!r}")
        self.ops = [op for op, value in zip(OPS, params.values()) if value > 0]
        if not self.ops:
            raise BenchError("eda: all of alpha_sr, alpha_ri, alpha_rs, p_rd are 0; set at least one above 0")
        from plugins import wordnet

        self._synonyms = wordnet.load(verbose=True)  # fails here, before any work, when WordNet is missing
        self._stop = wordnet.STOPWORDS
        self._words = {}  # token -> (bare synonyms, replacements shaped like the token), memoized

    def augment(self, texts, n, seed):
        return [self.variants(text, n, seed) for text in texts]

    def variants(self, text, n, seed):
        tokens = text.split()
        if not tokens or n <= 0:
            return []
        rng = text_rng(seed, text)
        pool = [op for op in self.ops for _ in range(n // len(self.ops) + 1)]
        rng.shuffle(pool)
        out = []
        for op in pool[:n]:
            if op == "sr":
                words = self.replace(tokens, rng)
            elif op == "ri":
                words = self.insert(tokens, rng)
            elif op == "rs":
                words = self.swap(tokens, rng)
            else:
                words = self.delete(tokens, rng)
            out.append(" ".join(words))
        return out

    def word(self, token):
        """(synonyms, replacements) for one token; empty for placeholders and tokens without synonyms."""
        hit = self._words.get(token)
        if hit is None:
            pre, core, post = _EDGES.match(token).groups()
            syns = () if not core or _PLACEHOLDER.match(token) else self._synonyms(core)
            if core.isupper() and len(core) > 1:
                shaped = tuple(pre + s.upper() + post for s in syns)
            elif core[:1].isupper():
                shaped = tuple(pre + s[:1].upper() + s[1:] + post for s in syns)
            else:
                shaped = tuple(pre + s + post for s in syns)
            stop = core.lower() in self._stop
            hit = self._words[token] = (syns, () if stop else shaped)
        return hit

    def replace(self, tokens, rng):
        words, word = self._words, self.word
        cands = [t for t in dict.fromkeys(tokens) if (words.get(t) or word(t))[1]]
        if not cands:
            return tokens
        rng.shuffle(cands)
        k = max(1, int(self.alpha_sr * len(tokens)))
        new = {t: rng.choice(words[t][1]) for t in cands[:k]}
        return [new.get(t, t) for t in tokens]

    def insert(self, tokens, rng):
        k = max(1, int(self.alpha_ri * len(tokens)))
        adds = []
        for _ in range(k):
            for _try in range(10):
                tok = tokens[rng.randrange(len(tokens))]
                syns = (self._words.get(tok) or self.word(tok))[0]
                if syns:
                    adds.append((rng.randrange(len(tokens) + 1), rng.choice(syns)))
                    break
        if not adds:
            return tokens
        adds.sort(key=lambda a: a[0])  # stable: words inserted at one position keep their order
        out, j = [], 0
        for i, tok in enumerate(tokens):
            while j < len(adds) and adds[j][0] == i:
                out.append(adds[j][1])
                j += 1
            out.append(tok)
        out.extend(word for _, word in adds[j:])
        return out

    def swap(self, tokens, rng):
        words = list(tokens)
        if len(words) < 2:
            return words
        for _ in range(max(1, int(self.alpha_rs * len(words)))):
            i = rng.randrange(len(words))
            for _try in range(3):
                j = rng.randrange(len(words))
                if j != i:
                    words[i], words[j] = words[j], words[i]
                    break
        return words

    def delete(self, tokens, rng):
        if len(tokens) == 1:
            return tokens
        p = self.p_rd
        kept = [t for t in tokens if rng.random() > p]
        return kept or [tokens[rng.randrange(len(tokens))]]
