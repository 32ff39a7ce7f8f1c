"""back-translation and paraphrase: seq2seq augmenters on any HF encoder-decoder (Marian, BART, T5, Pegasus).

back-translation: text -> n pivots -> one text back per pivot; ``mode=sample`` samples both legs
(top-k, temperature), ``mode=beam`` takes the n best pivots of a beam search and beam-decodes each back.
paraphrase: ``num_beam_groups`` diverse beam groups over ``num_beams`` beams.

Randomness: sampling uses one ``torch.Generator`` per (seed, text, copy), applied by a logits processor
on top of greedy decoding, so a text's copies never depend on the batch it is in and the global torch
RNG is never touched. Beam search needs no randomness.
Texts longer than ``max_length`` tokens get no copies (a rewrite of a truncated text would drop content);
``stats_["too_long"]`` counts them.
"""
import hashlib

from plugins import hfload


def _seed(*parts):
    return int.from_bytes(hashlib.sha256("\0".join(map(str, parts)).encode("utf-8", "surrogatepass")).digest()[:8],
                          "little") & ((1 << 63) - 1)


def _norm(text):
    return " ".join(text.lower().split())


class Seq2Seq:
    """A tokenizer + encoder-decoder pair, loaded on first use."""

    def __init__(self, name, what, param="model", device="auto", max_length=128, batch_size=16, prefix=""):
        self.name, self.what, self.param, self.device = name, what, param, device
        self.max_length, self.batch_size, self.prefix = max_length, batch_size, prefix
        self._loaded = None

    def load(self):
        if self._loaded is None:
            from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

            tok = hfload.load(AutoTokenizer, self.name, self.what, self.param)
            dev = hfload.device(self.device)
            net = hfload.load(AutoModelForSeq2SeqLM, self.name, self.what, self.param).to(dev).eval()
            self._loaded = (tok, net, dev)
        return self._loaded

    def fits(self, texts):
        """Which texts fit in ``max_length`` tokens (longer ones are left alone)."""
        tok = self.load()[0]
        lens = tok([self.prefix + t for t in texts], add_special_tokens=True, verbose=False)["input_ids"]
        return [0 < len(ids) <= self.max_length for ids in lens]

    def generate(self, texts, n, mode="beam", num_beams=4, seeds=None, top_k=50, temperature=1.0,
                 groups=1, diversity_penalty=0.0):
        """``n`` outputs per text, grouped per text: list of lists.

        mode ``sample``: one sampled output per (text, copy) with ``seeds[text][copy]``;
        ``beam``: the n best of a beam search; ``diverse``: ``groups`` beam searches run one after
        another, each penalised for tokens that earlier groups chose at the same step (Hamming
        diversity, Vijayakumar et al. 2018, as in ProtAugment's diverse beam search).
        """
        out = [[] for _ in texts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            idx = order[start: start + self.batch_size]
            batch = [texts[i] for i in idx]
            if mode == "sample":
                res = self._sample(batch, n, [seeds[i] for i in idx], top_k, temperature)
            elif mode == "diverse":
                res = self._diverse(batch, n, num_beams, groups, diversity_penalty)
            else:
                res = self._beam(batch, n, max(num_beams, n))
            for i, r in zip(idx, res):
                out[i] = r
        return out

    # -- decoding strategies -------------------------------------------------------------------
    def _run(self, batch, repeat=1, **kw):
        import torch

        tok, net, dev = self.load()
        enc = tok([self.prefix + t for t in batch], truncation=True, max_length=self.max_length, padding=True,
                  return_tensors="pt")
        enc = {k: v.to(dev) for k, v in enc.items() if k in ("input_ids", "attention_mask")}
        if repeat > 1:
            enc = {k: v.repeat_interleave(repeat, dim=0) for k, v in enc.items()}
        with torch.inference_mode():
            seqs = net.generate(**enc, max_new_tokens=self.max_length, **kw)
        return seqs, tok.batch_decode(seqs, skip_special_tokens=True, clean_up_tokenization_spaces=True)

    def _sample(self, batch, n, seeds, top_k, temperature):
        from transformers import LogitsProcessorList

        dev = self.load()[2]
        sampler = _RowSampler([s for per_text in seeds for s in per_text[:n]], top_k, temperature, dev)
        _, dec = self._run(batch, repeat=n, do_sample=False, num_beams=1,
                           logits_processor=LogitsProcessorList([sampler]))
        return [[d.strip() for d in dec[i * n:(i + 1) * n]] for i in range(len(batch))]

    def _beam(self, batch, n, beams):
        _, dec = self._run(batch, do_sample=False, num_beams=beams, num_return_sequences=n)
        return [[d.strip() for d in dec[i * n:(i + 1) * n]] for i in range(len(batch))]

    def _diverse(self, batch, n, num_beams, groups, penalty):
        import torch
        from transformers import LogitsProcessorList

        groups = max(1, int(groups))
        per_group = -(-n // groups)  # outputs each group returns
        beams = max(per_group, num_beams // groups, 1)
        earlier = None  # (B, P, L) decoder tokens of earlier groups, -1 padded
        found = [[[] for _ in range(groups)] for _ in batch]
        for g in range(groups):
            procs = [] if earlier is None or penalty <= 0 else [_Hamming(earlier, beams, penalty)]
            seqs, dec = self._run(batch, do_sample=False, num_beams=beams, num_return_sequences=per_group,
                                  logits_processor=LogitsProcessorList(procs))
            seqs = seqs.view(len(batch), per_group, -1).clone()
            pad_id = self.load()[0].pad_token_id
            if pad_id is not None:
                seqs[:, :, 1:][seqs[:, :, 1:] == pad_id] = -1  # finished beams choose nothing
            for i in range(len(batch)):
                found[i][g] = [d.strip() for d in dec[i * per_group:(i + 1) * per_group]]
            if earlier is None:
                earlier = seqs
            else:
                width = max(earlier.shape[2], seqs.shape[2])
                pad = lambda t: torch.nn.functional.pad(t, (0, width - t.shape[2]), value=-1)  # noqa: E731
                earlier = torch.cat([pad(earlier), pad(seqs)], dim=1)
        # round robin over groups: best of each group first
        return [[grp[r] for r in range(per_group) for grp in per_text if r < len(grp)] for per_text in found]


class _RowSampler:
    """Logits processor: samples each row's next token with that row's own generator (top-k, temperature)
    and leaves only that token, so greedy decoding picks it."""

    def __init__(self, seeds, top_k, temperature, device):
        import torch

        self.gens = [torch.Generator(device=device).manual_seed(int(s)) for s in seeds]
        self.top_k, self.temperature = top_k, max(float(temperature), 1e-6)

    def __call__(self, input_ids, scores):
        import torch

        scores = scores.float() / self.temperature
        if self.top_k and self.top_k < scores.shape[-1]:
            kth = torch.topk(scores, self.top_k, dim=-1).values[:, -1:]
            scores = scores.masked_fill(scores < kth, float("-inf"))
        probs = torch.softmax(scores, dim=-1)
        out = torch.full_like(scores, float("-inf"))
        for r, gen in enumerate(self.gens):
            p = probs[r]
            if not torch.isfinite(p).all() or p.sum() <= 0:
                out[r] = scores[r]
                continue
            out[r, torch.multinomial(p, 1, generator=gen)] = 0.0
        return out


class _Hamming:
    """Beam-search logits processor: subtract ``penalty`` x (how many earlier outputs of the same input
    chose a token at this step)."""

    def __init__(self, earlier, beams, penalty):
        self.earlier, self.beams, self.penalty = earlier, beams, float(penalty)

    def __call__(self, input_ids, scores):
        import torch

        t = input_ids.shape[1]
        if t >= self.earlier.shape[2]:
            return scores
        toks = self.earlier[:, :, t]
        counts = torch.zeros(toks.shape[0], scores.shape[1], device=scores.device, dtype=scores.dtype)
        counts.scatter_add_(1, toks.clamp(min=0), (toks >= 0).to(scores.dtype))
        return scores - self.penalty * counts.repeat_interleave(self.beams, dim=0)


def _keep(original, candidates, n):
    """Distinct candidates that differ from the original (case and spacing ignored), at most n."""
    seen, out = {_norm(original)}, []
    for c in candidates:
        key = _norm(c)
        if key and key not in seen:
            seen.add(key)
            out.append(c)
    return out[:n]


class BackTranslation:
    def __init__(self, model="Helsinki-NLP/opus-mt-en-de", back_model="Helsinki-NLP/opus-mt-de-en", mode="sample",
                 num_beams=4, top_k=50, temperature=1.0, max_length=128, batch_size=16, device="auto"):
        from benchmark.errors import BenchError

        if mode not in ("sample", "beam"):
            raise BenchError(f"back-translation: unknown mode '{mode}'. Valid choices: sample, beam")
        self.model, self.back_model, self.mode, self.num_beams = model, back_model, mode, num_beams
        self.top_k, self.temperature, self.max_length, self.batch_size, self.device = (
            top_k, temperature, max_length, batch_size, device)
        self.forward = Seq2Seq(model, "back-translation", "model", device, max_length, batch_size)
        self.backward = Seq2Seq(back_model, "back-translation", "back_model", device, max_length, batch_size)
        self.stats_ = {"too_long": 0}

    def augment(self, texts, n, seed):
        out = [[] for _ in texts]
        if n <= 0 or not texts:
            return out
        self.backward.load()  # fail before any work if the second model is missing
        keep = [i for i, ok in zip(range(len(texts)), self.forward.fits(texts)) if ok and texts[i].strip()]
        self.stats_["too_long"] += sum(1 for t in texts if t.strip()) - len(keep)
        src = [texts[i] for i in keep]
        seeds = [[_seed(seed, t, j, "pivot") for j in range(n)] for t in src]
        pivots = self.forward.generate(src, n, self.mode, self.num_beams, seeds, self.top_k, self.temperature)
        flat = [p for per in pivots for p in per]
        back_seeds = [[_seed(seed, t, j, "back")] for t, per in zip(src, pivots) for j in range(len(per))]
        back = self.backward.generate(flat, 1, self.mode, self.num_beams, back_seeds, self.top_k,
                                      self.temperature) if flat else []
        pos = 0
        for i, per in zip(keep, pivots):
            cands = [b[0] for b in back[pos: pos + len(per)] if b]
            pos += len(per)
            out[i] = _keep(texts[i], cands, n)
        return out


class Paraphrase:
    def __init__(self, model="tuner007/pegasus_paraphrase", num_beams=8, num_beam_groups=4, diversity_penalty=1.0,
                 prefix="", max_length=64, batch_size=16, device="auto"):
        self.model, self.num_beams, self.num_beam_groups, self.diversity_penalty = (
            model, num_beams, num_beam_groups, diversity_penalty)
        self.prefix, self.max_length, self.batch_size, self.device = prefix, max_length, batch_size, device
        self.net = Seq2Seq(model, "paraphrase", "model", device, max_length, batch_size, prefix)
        self.stats_ = {"too_long": 0}

    def augment(self, texts, n, seed):
        """Beam search is deterministic: ``seed`` is not needed."""
        out = [[] for _ in texts]
        if n <= 0 or not texts:
            return out
        keep = [i for i, ok in zip(range(len(texts)), self.net.fits(texts)) if ok and texts[i].strip()]
        self.stats_["too_long"] += sum(1 for t in texts if t.strip()) - len(keep)
        # ask for one spare output per group: some come back equal to the input or to each other
        want = n + max(1, int(self.num_beam_groups))
        res = self.net.generate([texts[i] for i in keep], want, "diverse", self.num_beams,
                                groups=self.num_beam_groups, diversity_penalty=self.diversity_penalty)
        for i, cands in zip(keep, res):
            out[i] = _keep(texts[i], cands, n)
        return out
