"""contextual-mlm: replace a fraction of the words with a masked LM's top-k predictions.

For each copy, ``p`` of the content words (alphabetic, not stopwords) are masked at once; each mask
gets a replacement sampled from the top-k whole-word tokens (the original word excluded).
All randomness comes from one ``random.Random`` per (seed, text), so a text's copies do not depend
on the batch it is in. Texts longer than ``max_length`` tokens only get masks in the part that fits.
"""
import random
import re

from plugins import hfload

_EDGE = re.compile(r"^(\W*)(.*?)(\W*)$", re.S)


class ContextualMLM:
    def __init__(self, model="bert-base-cased", p=0.15, top_k=10, temperature=1.0, max_length=128,
                 batch_size=16, skip_stopwords=True, device="auto"):
        self.model, self.p, self.top_k, self.temperature = model, p, top_k, temperature
        self.max_length, self.batch_size, self.skip_stopwords, self.device = max_length, batch_size, skip_stopwords, device
        self._loaded = None

    # -- loading -------------------------------------------------------------------------------
    def _load(self):
        if self._loaded is None:
            import torch
            from transformers import AutoModelForMaskedLM, AutoTokenizer

            what = "contextual-mlm"
            tok = hfload.load(AutoTokenizer, self.model, what)
            if not tok.is_fast:
                tok = hfload.load(AutoTokenizer, self.model, what, use_fast=True)
            try:
                tok(["a"], is_split_into_words=True)
            except Exception:  # byte-level BPE (RoBERTa) needs add_prefix_space for pre-split words
                tok = hfload.load(AutoTokenizer, self.model, what, add_prefix_space=True)
            if tok.mask_token is None:
                from benchmark.errors import BenchError

                raise BenchError(f"contextual-mlm: '{self.model}' has no mask token; it is not a masked LM")
            dev = hfload.device(self.device)
            net = hfload.load(AutoModelForMaskedLM, self.model, what).to(dev).eval()
            limit = min(self.max_length, tok.model_max_length or self.max_length,
                        getattr(net.config, "max_position_embeddings", None) or self.max_length)
            words = _word_tokens(tok, net.config.vocab_size)
            allowed = torch.zeros(net.config.vocab_size, dtype=torch.bool)
            allowed[list(words)] = True
            self._loaded = (tok, net, dev, int(limit), words, allowed.to(dev))
        return self._loaded

    # -- augmenting ----------------------------------------------------------------------------
    def augment(self, texts, n, seed):
        out = [[] for _ in texts]
        if n <= 0 or not texts:
            return out
        stop = _stopwords() if self.skip_stopwords else frozenset()
        jobs = []  # (text index, words, masked word positions, rng)
        for i, text in enumerate(texts):
            words = text.split()
            cands = [k for k, w in enumerate(words) if _is_content(w, stop)]
            if not cands:
                continue
            rng = random.Random(f"{seed}\0{text}")
            m = max(1, round(self.p * len(cands)))
            for _ in range(n):
                jobs.append((i, words, sorted(rng.sample(cands, min(m, len(cands)))), rng))
        if not jobs:
            return out
        filled = self._fill(jobs)
        for (i, words, _, _), new in zip(jobs, filled):
            text = " ".join(new)
            if text != " ".join(words) and text not in out[i]:
                out[i].append(text)
        return out

    def _fill(self, jobs):
        import torch

        tok, net, dev, limit, words_of, allowed = self._load()
        results = [None] * len(jobs)
        order = sorted(range(len(jobs)), key=lambda j: len(jobs[j][1]))  # less padding
        for start in range(0, len(order), self.batch_size):
            batch = order[start: start + self.batch_size]
            rows = []
            for j in batch:
                _, words, pos, _ = jobs[j]
                row = list(words)
                for k in pos:
                    row[k] = tok.mask_token
                rows.append(row)
            enc = tok(rows, is_split_into_words=True, truncation=True, max_length=limit, padding=True,
                      return_tensors="pt")
            where = []  # (row, token index, word position)
            for r, j in enumerate(batch):
                wanted = set(jobs[j][2])
                seen = set()
                for t, w in enumerate(enc.word_ids(r)):
                    if w in wanted and w not in seen:
                        seen.add(w)
                        where.append((r, t, w))
            logits = None
            if where:
                with torch.inference_mode():
                    out = net(**{k: v.to(dev) for k, v in enc.items()}).logits
                    rr = torch.tensor([w[0] for w in where], device=dev)
                    tt = torch.tensor([w[1] for w in where], device=dev)
                    logits = out[rr, tt].float().masked_fill(~allowed, float("-inf"))
                    del out
                    k = min(self.top_k + 1, int(allowed.sum()))
                    top = torch.topk(logits / max(self.temperature, 1e-6), k, dim=-1)
                    vals, ids = top.values.cpu().tolist(), top.indices.cpu().tolist()
            new_rows = {j: list(jobs[j][1]) for j in batch}
            for q, (r, _, w) in enumerate(where):
                j = batch[r]
                rng, word = jobs[j][3], jobs[j][1][w]
                pre, core, post = _EDGE.match(word).groups()
                pairs = [(v, words_of[t]) for v, t in zip(vals[q], ids[q]) if words_of[t].lower() != core.lower()]
                pick = _sample(pairs[: self.top_k], rng)
                if pick is not None:
                    new_rows[j][w] = pre + _match_case(pick, core) + post
            for j in batch:
                results[j] = new_rows[j]
        return results


def _sample(pairs, rng):
    """Sample a word from (logit, word) pairs in proportion to softmax(logit), with ``rng``."""
    import math

    pairs = [(v, w) for v, w in pairs if v != float("-inf")]
    if not pairs:
        return None
    top = max(v for v, _ in pairs)
    weights = [math.exp(v - top) for v, _ in pairs]
    return rng.choices([w for _, w in pairs], weights=weights, k=1)[0]


def _word_tokens(tok, vocab_size):
    """token id -> plain word, for tokens that start a word and are alphabetic (no subword pieces)."""
    vocab = tok.convert_ids_to_tokens(list(range(min(vocab_size, len(tok)))))
    special = set(tok.all_special_ids)
    markers = ("Ġ", "▁")
    marker = next((m for m in markers if sum(t.startswith(m) for t in vocab if t) > len(vocab) // 10), None)
    out = {}
    for i, t in enumerate(vocab):
        if i in special or not t or t.startswith("##"):
            continue
        if marker:
            if not t.startswith(marker):
                continue
            t = t[len(marker):]
        if t.isalpha() and (len(t) > 1 or t.lower() in ("a", "i")):
            out[i] = t
    return out


def _is_content(word, stop):
    core = _EDGE.match(word).group(2)
    return len(core) > 1 and core.isalpha() and core.lower() not in stop


def _match_case(new, old):
    if len(old) > 1 and old.isupper():
        return new.upper()
    if old[:1].isupper():
        return new[:1].upper() + new[1:]
    return new


def _stopwords():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS
