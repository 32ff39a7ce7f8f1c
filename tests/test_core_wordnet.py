"""The offline NLTK data set-up and the cached WordNet synonym table."""
import random
import re
import subprocess
import sys

from benchmark.paths import cache_dir
from plugins import wordnet

ROOT = wordnet.REPO


def eda_synonyms(wn, word):
    """Synonyms as the original EDA code collects them from NLTK."""
    out = set()
    for syn in wn.synsets(word):
        for lemma in syn.lemmas():
            s = lemma.name().replace("_", " ").replace("-", " ").lower()
            s = " ".join("".join(c for c in s if c in " qwertyuiopasdfghjklzxcvbnm").split())
            if s:
                out.add(s)
    out.discard(word)
    return tuple(sorted(out))


def test_synonyms_match_nltk_on_goemotions_words(nltk_data, data_dir):
    from nltk.corpus import wordnet as wn

    assert [s.name() for s in wn.synsets("happy")][:1] == ["happy.a.01"]  # NLTK reads the built folder
    with open(data_dir / "goemotions" / "original" / "train.tsv", encoding="utf-8") as f:
        vocab = sorted({w.lower() for line in f for w in re.findall(r"[A-Za-z']+", line.split("\t")[0])})
    words = random.Random(0).sample(vocab, 400) + ["went", "geese", "axes", "better", "children", "dogs", "ran"]
    table = wordnet.load()
    mismatched = [w for w in words if table(w) != eda_synonyms(wn, w)]
    assert mismatched == []
    assert "glad" in wordnet.synonyms("happy") and "happy" not in wordnet.synonyms("happy")
    assert "dog" in wordnet.synonyms("dogs")  # NLTK's morphy: plural -> lemma
    assert wordnet.synonyms("[name]") == wordnet.synonyms("xqzzy") == ()


def test_table_is_cached_on_disk(nltk_data, monkeypatch):
    first = wordnet.load()
    assert list(cache_dir("wordnet").glob("synonyms-*.pickle"))
    wordnet.clear_cache()
    monkeypatch.setattr(wordnet, "build", lambda root: (_ for _ in ()).throw(AssertionError("rebuilt")))
    second = wordnet.load()
    assert second is not first and second("sad") == first("sad") != ()


def test_setup_script_output_and_rerun(nltk_data):
    wn_dir = nltk_data / "corpora" / "wordnet"
    assert all(not p.is_symlink() and p.is_file() for p in wn_dir.iterdir())
    lex = (wn_dir / "lexnames").read_text().splitlines()
    assert len(lex) == 45 and lex[0].split() == ["00", "adj.all", "3"] and lex[44].split() == ["44", "adj.ppl", "3"]
    assert set((nltk_data / "corpora" / "stopwords" / "english").read_text().split()) == wordnet.STOPWORDS
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "setup_nltk_data.py"), str(nltk_data)],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "already up to date" in done.stdout


def test_setup_script_without_wordnet_names_the_install_command(tmp_path):
    (tmp_path / "block" / "nltk").mkdir(parents=True)  # no nltk either: the online fallback is unavailable
    (tmp_path / "block" / "nltk" / "__init__.py").write_text("raise ImportError('blocked for this test')\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path / "block"),
           "EMOBENCH_WORDNET_SRC": str(tmp_path / "nowhere")}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "setup_nltk_data.py"), str(tmp_path / "out")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == 1
    assert "apt-get install -y wordnet-base wordnet-sense-index" in done.stderr
    assert not (tmp_path / "out" / "corpora" / "wordnet").exists()
