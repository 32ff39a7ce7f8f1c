"""Properties every registered augmenter must have, on awkward inputs: no crash, no endless loop (each
call has a deadline), one list of at most n strings per input, the same output for the same seed, and
a text's copies independent of the rest of the batch.

Augmenters that need weights that are not on this machine run with the tiny models of
``tiny_models``; ``textattack:*`` is skipped when textattack is not installed.
"""
import importlib.util
import signal
from contextlib import contextmanager

import pytest
from tiny_models import FakeChat, goemotions_texts, tiny_models

from benchmark import plugins

N, SEED, DEADLINE_S, WARMUP_S = 2, 7, 30, 120
LONG = " ".join(" ".join(goemotions_texts(600, seed=11)).split()[:5000])
CASES = {
    "empty": "",
    "whitespace": " \n\t ",
    "one-word": "wonderful",
    "emoji-only": "😀🎉😂❤️🔥",
    "punctuation": "?!... :(",
    "repeated": " ".join(["sad"] * 300),
    "long-5000-words": LONG,
    "normal": "I can't believe how happy this made me, thank you!",
}
NAMES = plugins.registry("augmenter").names()


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def chat():
    s = FakeChat(delay=0.0)
    yield s
    s.close()


def params(name, chat, tmp_path_factory, monkeypatch):
    if name.startswith("textattack:") and importlib.util.find_spec("textattack") is None:
        pytest.skip("textattack is not installed (pip install 'emobench[textattack]')")
    if name == "llm-paraphrase":
        monkeypatch.setenv("EMOBENCH_CACHE", str(tmp_path_factory.mktemp("llm-cache")))
        return {"base_url": chat.base_url, "backoff": 0.01}
    if name in ("contextual-mlm", "back-translation", "paraphrase"):
        tiny = tiny_models()
        return {"contextual-mlm": {"model": tiny["mlm"]},
                "back-translation": {"model": tiny["en_de"], "back_model": tiny["de_en"], "max_length": 48},
                "paraphrase": {"model": tiny["bart"], "max_length": 48}}[name]
    return {}


@contextmanager
def deadline(seconds, what):
    def fire(signum, frame):
        raise TimeoutError(f"{what} took more than {seconds}s (endless loop?)")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check(out, texts, name):
    assert isinstance(out, list) and len(out) == len(texts), f"{name}: one list per input"
    for variants in out:
        assert isinstance(variants, list) and len(variants) <= N, f"{name}: at most n copies"
        assert all(isinstance(v, str) for v in variants), f"{name}: copies are strings"


@pytest.mark.parametrize("name", NAMES)
def test_augmenter_properties(name, chat, tmp_path_factory, monkeypatch):
    aug = plugins.get("augmenter", name).create(**params(name, chat, tmp_path_factory, monkeypatch))
    with deadline(WARMUP_S, f"{name} warming up (loading models, building caches)"):
        aug.augment(["a warm-up text"], 1, 0)
    single = {}
    for case, text in CASES.items():
        with deadline(DEADLINE_S, f"{name} on {case}"):
            out = aug.augment([text], N, SEED)
            check(out, [text], name)
            again = aug.augment([text], N, SEED)
        assert again == out, f"{name} is not deterministic on {case}"
        single[case] = out[0]
        if not text.strip():
            assert out == [[]] or all(not v.strip() for v in out[0]), f"{name} made text out of nothing"
    texts = list(CASES.values())
    with deadline(DEADLINE_S, f"{name} on a batch of all cases"):
        batch = aug.augment(texts, N, SEED)
    check(batch, texts, name)
    assert dict(zip(CASES, batch)) == single, f"{name}: a text's copies depend on the rest of the batch"
