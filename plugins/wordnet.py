"""Fast WordNet synonyms for augmenters, read offline from an NLTK data folder.

``synonyms(word)`` gives what ``nltk.corpus.wordnet.synsets(word)`` would give (NLTK's morphy rules and
exception lists included), cleaned as EDA does: lemma names lowercased, ``_``/``-`` -> space, only letters and
spaces kept, the word itself left out. Sorted, so the result never depends on hash order.

The table is built once per WordNet copy (files read through NLTK's data API, ~ seconds) and pickled to
``cache_dir("wordnet")`` under the sha256 of the WordNet files, so later loads take a fraction of a second.
``STOPWORDS`` is the list written by ``scripts/setup_nltk_data.py`` (scikit-learn's ENGLISH_STOP_WORDS).
"""
import hashlib
import os
import pickle
import re
import sys
from pathlib import Path

from benchmark.errors import BenchError

REPO = Path(__file__).resolve().parents[1]
SETUP = "`python scripts/setup_nltk_data.py` (or `make setup`)"
POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# nltk.corpus.reader.wordnet.WordNetCorpusReader.MORPHOLOGICAL_SUBSTITUTIONS (copied so lookups need no NLTK)
RULES = {
    "n": [("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"), ("shes", "sh"),
          ("men", "man"), ("ies", "y")],
    "v": [("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", "")],
    "a": [("er", ""), ("est", ""), ("er", "e"), ("est", "e")],
    "r": [],
}
FORMAT = 2  # bump when the pickled table changes shape
STOPWORDS = frozenset((REPO / "plugins" / "stopwords_en.txt").read_text(encoding="utf-8").split())
_NOT_LETTERS = re.compile(r"[^a-z ]+")


def search_roots():
    """NLTK data folders in NLTK's order: NLTK_DATA, the repo's and cwd's ``nltk_data``, NLTK's defaults."""
    roots = [p for p in os.environ.get("NLTK_DATA", "").split(os.pathsep) if p]
    roots += [REPO / "nltk_data", Path.cwd() / "nltk_data", Path.home() / "nltk_data"]
    for prefix in (sys.prefix, "/usr", "/usr/local"):
        roots += [Path(prefix) / "share" / "nltk_data", Path(prefix) / "lib" / "nltk_data"]
    roots.append(Path(sys.prefix) / "nltk_data")
    return [Path(r).expanduser() for r in roots]


def find():
    """(root, files) of the first WordNet copy found; ``files`` are the paths hashed for the cache key."""
    for root in search_roots():
        folder = root / "corpora" / "wordnet"
        if (folder / "data.noun").is_file() and (folder / "index.noun").is_file():
            return root, sorted(p for p in folder.iterdir() if p.name.split(".")[0] in ("data", "index")
                                or p.suffix == ".exc")
        if (root / "corpora" / "wordnet.zip").is_file():
            return root, [root / "corpora" / "wordnet.zip"]
    where = ", ".join(str(r) for r in search_roots()[:3])
    raise BenchError(f"WordNet data not found (NLTK_DATA, {where}, ...): run {SETUP} to build ./nltk_data")


def fingerprint(files):
    h = hashlib.sha256(f"format {FORMAT}\n".encode())
    for path in files:
        h.update(path.name.encode() + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:20]


def _clean(name):
    name = _NOT_LETTERS.sub("", name.replace("_", " ").replace("-", " ").lower())
    return " ".join(name.split())


def build(root):
    """{'lemmas': {pos: {lemma: "syn|syn|..."}}, 'exc': {pos: {form: bases}}} from the WordNet files under ``root``."""
    import nltk.data

    if str(root) not in nltk.data.path:
        nltk.data.path.insert(0, str(root))
    try:
        wordnet = nltk.data.find("corpora/wordnet/", paths=[str(root)])  # "/" also finds wordnet.zip
    except LookupError as exc:
        raise BenchError(f"NLTK cannot open WordNet under {root}: run {SETUP}") from exc

    def lines(name):
        with wordnet.join(name).open() as f:
            for raw in f:
                line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                if line and not line.startswith(" "):
                    yield line.split()

    lemmas, exc = {}, {}
    for pos, name in POS.items():
        syn = {fields[0]: set() for fields in lines(f"index.{name}")}
        # wndb(5WN): offset lex_filenum ss_type w_cnt(hex) [word lex_id]... ; adjective words may end in (a)/(p)/(ip)
        for fields in lines(f"data.{name}"):
            words = [re.sub(r"\(.*\)$", "", w).lower() for w in fields[4: 4 + 2 * int(fields[3], 16): 2]]
            cleaned = {_clean(w) for w in words} - {""}
            for w in words:
                if w in syn:
                    syn[w] |= cleaned
        lemmas[pos] = {w: "|".join(sorted(s)) for w, s in syn.items()}  # joined: loads 3x faster
        exc[pos] = {f[0]: f[1:] for f in lines(f"{name}.exc")}
    return {"lemmas": lemmas, "exc": exc}


class Synonyms:
    """Memoized lookups in one WordNet table."""

    def __init__(self, table):
        self.lemmas, self.exc = table["lemmas"], table["exc"]
        self._memo = {}

    def morphy(self, form, pos):
        """The base forms NLTK's ``_morphy`` would search for ``form`` (exceptions, then one rule step)."""
        index = self.lemmas[pos]
        bases = self.exc[pos].get(form)
        if bases is None:
            bases = [form[: -len(old)] + new for old, new in RULES[pos] if form.endswith(old)]
        out = []
        for f in [form] + list(bases):
            if f in index and f not in out:
                out.append(f)
        return out

    def __call__(self, word):
        word = word.lower()
        hit = self._memo.get(word)
        if hit is None:
            found = set()
            for pos in POS:
                for base in self.morphy(word, pos):
                    found.update(self.lemmas[pos][base].split("|"))
            found -= {word, ""}
            hit = self._memo[word] = tuple(sorted(found))
        return hit


_LOADED = {}


def load(verbose=False):
    """The ``Synonyms`` of the WordNet copy NLTK would find; built and cached on first use."""
    root, files = find()
    key = fingerprint(files)
    if key in _LOADED:
        return _LOADED[key]
    from benchmark.paths import cache_dir

    path = cache_dir("wordnet") / f"synonyms-{key}.pickle"
    table = None
    if path.is_file():
        try:
            with open(path, "rb") as f:
                table = pickle.load(f)
        except Exception:
            table = None
    if table is None:
        if verbose:
            print(f"building the WordNet synonym table from {root} (once) ...", file=sys.stderr)
        table = build(root)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(table, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    _LOADED[key] = Synonyms(table)
    return _LOADED[key]


def synonyms(word):
    """WordNet synonyms of ``word`` (lowercase, multi-word lemmas with spaces, without ``word``)."""
    return load()(word)


def clear_cache():
    """Forget the tables loaded in this process (the disk cache stays)."""
    _LOADED.clear()
