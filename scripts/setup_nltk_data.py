"""Build an offline NLTK data folder for emobench: WordNet 3.0 and an English stopword list.

    python scripts/setup_nltk_data.py [DEST]        # default DEST: ./nltk_data

WordNet comes from Debian's ``wordnet-base`` and ``wordnet-sense-index`` packages
(``/usr/share/wordnet``). The files are COPIED (NLTK 3.10 refuses symlinks and hard links) into
``DEST/corpora/wordnet/``, together with the ``lexnames`` file that Debian lacks (the 45 lexicographer
files of lexnames(5WN)). Without ``/usr/share/wordnet`` the script falls back to ``nltk.download('wordnet')``
(needs internet).

``DEST/corpora/stopwords/english`` is scikit-learn's ENGLISH_STOP_WORDS (318 words, from the Glasgow
Information Retrieval Group list), kept in ``plugins/stopwords_en.txt``: NLTK's own stopword list has no
offline source here. TextAttack reads it on import.

Stdlib only; safe to run again (files already up to date are left alone). Then:
    NLTK_DATA=DEST python -c "from nltk.corpus import wordnet as wn; print(wn.synsets('happy'))"
"""
import filecmp
import os
import shutil
import sys
from pathlib import Path

DEBIAN = Path(os.environ.get("EMOBENCH_WORDNET_SRC", "/usr/share/wordnet"))
INSTALL = "apt-get install -y wordnet-base wordnet-sense-index"
STOPWORDS = Path(__file__).resolve().parents[1] / "plugins" / "stopwords_en.txt"
FILES = ["cntlist.rev", "index.sense", "adj.exc", "adv.exc", "noun.exc", "verb.exc"] + [
    f"{kind}.{pos}" for kind in ("index", "data") for pos in ("noun", "verb", "adj", "adv")]
# lexnames(5WN): file number, name, syntactic category (1 noun, 2 verb, 3 adjective, 4 adverb)
LEXNAMES = """adj.all 3, adj.pert 3, adv.all 4, noun.Tops 1, noun.act 1, noun.animal 1, noun.artifact 1,
noun.attribute 1, noun.body 1, noun.cognition 1, noun.communication 1, noun.event 1, noun.feeling 1, noun.food 1,
noun.group 1, noun.location 1, noun.motive 1, noun.object 1, noun.person 1, noun.phenomenon 1, noun.plant 1,
noun.possession 1, noun.process 1, noun.quantity 1, noun.relation 1, noun.shape 1, noun.state 1, noun.substance 1,
noun.time 1, verb.body 2, verb.change 2, verb.cognition 2, verb.communication 2, verb.competition 2,
verb.consumption 2, verb.contact 2, verb.creation 2, verb.emotion 2, verb.motion 2, verb.perception 2,
verb.possession 2, verb.social 2, verb.stative 2, verb.weather 2, adj.ppl 3"""


def lexnames():
    rows = [item.split() for item in LEXNAMES.replace("\n", " ").split(",")]
    assert len(rows) == 45
    return "".join(f"{i:02d}\t{name}\t{cat}\n" for i, (name, cat) in enumerate(rows))


def write_if_changed(path, text):
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return True


def copy_if_changed(src, dst):
    if dst.is_file() and not dst.is_symlink() and filecmp.cmp(src, dst, shallow=False):
        return False
    if dst.is_symlink() or dst.exists():
        dst.unlink()
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
    return True


def wordnet_from_debian(dest):
    missing = [f for f in FILES if not (DEBIAN / f).is_file()]
    if missing:
        return None
    out = dest / "corpora" / "wordnet"
    out.mkdir(parents=True, exist_ok=True)
    changed = sum(copy_if_changed(DEBIAN / f, out / f) for f in FILES)
    changed += write_if_changed(out / "lexnames", lexnames())
    return changed


def wordnet_online(dest):
    try:
        import nltk
    except ImportError:
        return False
    try:
        return bool(nltk.download("wordnet", download_dir=str(dest), quiet=True, raise_on_error=True))
    except Exception:
        return False


def main(argv):
    dest = Path(argv[1] if len(argv) > 1 else "nltk_data").expanduser().resolve()
    changed = wordnet_from_debian(dest)
    if changed is None:
        print(f"{DEBIAN} not found or incomplete; trying nltk.download('wordnet') ...", file=sys.stderr)
        if not wordnet_online(dest):
            print(f"error: no WordNet: install it with `{INSTALL}` (or go online for nltk.download('wordnet')), "
                  f"then run `python scripts/setup_nltk_data.py`", file=sys.stderr)
            return 1
        source = "nltk.download"
    else:
        source = f"{DEBIAN} ({changed} files written)" if changed else f"{DEBIAN} (already up to date)"
    stop = dest / "corpora" / "stopwords"
    stop.mkdir(parents=True, exist_ok=True)
    write_if_changed(stop / "english", STOPWORDS.read_text(encoding="utf-8"))
    print(f"NLTK data ready in {dest}: wordnet from {source}, stopwords/english (scikit-learn list)")
    print(f"use it with: export NLTK_DATA={dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
