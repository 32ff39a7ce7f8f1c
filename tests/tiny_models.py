"""Test helpers: tiny random Hugging Face models with real tokenizers trained on GoEmotions text,
saved with ``save_pretrained`` so plugins load them by path; and a tiny OpenAI-compatible chat server.

Import from a test with ``from tiny_models import ...`` (pytest puts ``tests/`` on ``sys.path``).
Models are random (hidden size 32, 2 layers): their outputs are nonsense, but every code path
(tokenizing, masking, generation, decoding) is the real one.
"""
import json
import os
import random
import re
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

TINY = dict(d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=2, decoder_attention_heads=2,
            encoder_ffn_dim=64, decoder_ffn_dim=64, max_position_embeddings=128)
_built = {}


def data_dir():
    root = Path(__file__).resolve().parents[1]
    return Path(os.environ.get("EMOBENCH_DATA_DIR", root.parent / "shared" / "data"))


def goemotions_texts(n=600, seed=0):
    """``n`` seeded random GoEmotions train texts (read straight from the shared TSV)."""
    path = data_dir() / "goemotions" / "original" / "train.tsv"
    with open(path, encoding="utf-8") as f:
        texts = [line.split("\t", 1)[0] for line in f if line.strip()]
    return random.Random(seed).sample(texts, n)


def _seeded(seed, build):
    import torch

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build()


def wordpiece_tokenizer(texts, vocab_size=1500):
    """A lower-casing ``BertTokenizerFast`` whose WordPiece vocabulary is trained on ``texts``."""
    from tokenizers import BertWordPieceTokenizer
    from transformers import BertTokenizerFast

    wp = BertWordPieceTokenizer(lowercase=True)
    wp.train_from_iterator(texts, vocab_size=vocab_size, min_frequency=1, show_progress=False,
                           special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    with tempfile.TemporaryDirectory() as tmp:
        wp.save_model(tmp)
        return BertTokenizerFast(vocab_file=os.path.join(tmp, "vocab.txt"), do_lower_case=True, model_max_length=128)


def seq2seq_tokenizer(texts, vocab_size=1500, bos=False):
    """A ``PreTrainedTokenizerFast`` (WordPiece, trained on ``texts``) that appends ``</s>``
    (and starts with ``<s>`` when ``bos``, as BART does)."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    specials = ["<pad>", "</s>", "<unk>", "<s>"]
    tk = Tokenizer(models.WordPiece(unk_token="<unk>"))
    tk.normalizer = normalizers.BertNormalizer(lowercase=True)
    tk.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tk.decoder = decoders.WordPiece()
    tk.train_from_iterator(texts, trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=specials,
                                                            show_progress=False))
    ids = {t: tk.token_to_id(t) for t in specials}
    single = "<s> $A </s>" if bos else "$A </s>"
    tk.post_processor = processors.TemplateProcessing(single=single, special_tokens=[(t, ids[t]) for t in ("<s>", "</s>")])
    return PreTrainedTokenizerFast(tokenizer_object=tk, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                   bos_token="<s>", model_max_length=128)


def tiny_mlm(path, texts, seed=0):
    from transformers import BertConfig, BertForMaskedLM

    tok = wordpiece_tokenizer(texts)
    cfg = BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                     intermediate_size=64, max_position_embeddings=128, pad_token_id=tok.pad_token_id)
    _seeded(seed, lambda: BertForMaskedLM(cfg)).save_pretrained(path)
    tok.save_pretrained(path)
    return str(path)


def _save(model, tok, path):
    # random weights never end a sentence: raise </s> a little so outputs stop after a few tokens
    model.final_logits_bias[0, tok.eos_token_id] = 4.0
    model.generation_config.forced_eos_token_id = tok.eos_token_id
    model.generation_config.min_length = 6
    model.save_pretrained(path)


def tiny_marian(path, texts, seed=0):
    from transformers import MarianConfig, MarianMTModel

    tok = seq2seq_tokenizer(texts)
    pad, eos = tok.pad_token_id, tok.eos_token_id
    cfg = MarianConfig(vocab_size=len(tok), decoder_vocab_size=len(tok), pad_token_id=pad, eos_token_id=eos,
                       decoder_start_token_id=pad, **TINY)
    _save(_seeded(seed, lambda: MarianMTModel(cfg)), tok, path)
    tok.save_pretrained(path)
    return str(path)


def tiny_bart(path, texts, seed=0):
    from transformers import BartConfig, BartForConditionalGeneration

    tok = seq2seq_tokenizer(texts, bos=True)
    cfg = BartConfig(vocab_size=len(tok), pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
                     bos_token_id=tok.bos_token_id, decoder_start_token_id=tok.eos_token_id,
                     **TINY)
    _save(_seeded(seed, lambda: BartForConditionalGeneration(cfg)), tok, path)
    tok.save_pretrained(path)
    return str(path)


def tiny_models():
    """Build (once per process) and return paths: ``mlm``, ``en_de``, ``de_en``, ``bart``."""
    if not _built:
        texts = goemotions_texts(600)
        root = Path(tempfile.mkdtemp(prefix="emobench-tiny-"))
        _built.update(mlm=tiny_mlm(root / "mlm", texts), en_de=tiny_marian(root / "en-de", texts, seed=1),
                      de_en=tiny_marian(root / "de-en", texts, seed=2), bart=tiny_bart(root / "bart", texts, seed=3))
    return dict(_built)


# -- a tiny OpenAI-compatible chat server --------------------------------------------------------------
class FakeChat:
    """``/v1/chat/completions`` on 127.0.0.1 (random port), in a thread.

    The reply to a text is 5 lines, each a rotation of its words. Texts containing these words steer it:
    ``MALFORMED`` (JSON without choices), ``NOTJSON``, ``FAIL500`` (always 500), ``FLAKY`` (500 twice, then
    fine), ``RATELIMIT`` (429 once, Retry-After 0), ``DENIED`` (401). Records every request body,
    the most requests in flight at once, and the Authorization headers seen.
    """

    def __init__(self, delay=0.02):
        self.delay, self.requests, self.auth = delay, [], []
        self.in_flight = self.max_in_flight = 0
        self._lock, self._seen = threading.Lock(), {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server._lock:
                    server.requests.append(body)
                    server.auth.append(self.headers.get("Authorization"))
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    time.sleep(server.delay)
                    status, payload, headers = server.answer(self.path, body)
                finally:
                    with server._lock:
                        server.in_flight -= 1
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def answer(self, path, body):
        if path != "/v1/chat/completions":
            return 404, {"error": {"message": f"no route {path}"}}, {}
        prompt = body["messages"][-1]["content"]
        text = prompt.rsplit("Text:", 1)[-1].strip()
        with self._lock:
            tries = self._seen[text] = self._seen.get(text, 0) + 1
        if "DENIED" in text:
            return 401, {"error": {"message": "Incorrect API key provided"}}, {}
        if "FAIL500" in text or ("FLAKY" in text and tries <= 2):
            return 500, {"error": {"message": "server exploded"}}, {}
        if "RATELIMIT" in text and tries <= 1:
            return 429, {"error": {"message": "slow down"}}, {"Retry-After": "0"}
        if "MALFORMED" in text:
            return 200, {"id": "x", "object": "chat.completion"}, {}
        if "NOTJSON" in text:
            return 200, b"<html>oops</html>", {}
        words = re.findall(r"\S+", text) or ["?"]
        shift = int(body.get("seed") or 0)
        lines = [f"{k + 1}. " + " ".join(words[(k + shift) % len(words):] + words[:(k + shift) % len(words)] + ["indeed"])
                 for k in range(5)]
        return 200, {"id": "x", "object": "chat.completion", "model": body.get("model"),
                     "choices": [{"index": 0, "message": {"role": "assistant", "content": "\n".join(lines)},
                                  "finish_reason": "stop"}]}, {}

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
