"""Frozen sentence-transformers encoder + a trained head (one-vs-rest logistic regression or a small MLP).

Embeddings come from :mod:`benchmark.embcache`, so a second run with another head encodes nothing.
"""
import warnings

import numpy as np

from benchmark.errors import BenchError

HEADS = ("logreg", "mlp")


class SentenceEncoderModel:
    def __init__(self, seed=0, encoder=None, head="logreg", C=1.0, class_weight=None, hidden=512, dropout=0.2,
                 epochs=40, lr=1e-3, weight_decay=1e-4, batch_size=128, patience=5, encode_batch_size=64,
                 max_seq_length=None, threads=None, cache=True):
        self.seed = seed
        self.encoder = encoder
        self.head = head
        self.C = C
        self.class_weight = class_weight
        self.hidden = hidden
        self.dropout = dropout
        self.epochs = epochs
        self.lr = lr
        self.weight_decay = weight_decay
        self.batch_size = batch_size
        self.patience = patience
        self.encode_batch_size = encode_batch_size
        self.max_seq_length = max_seq_length
        self.threads = threads
        self.cache = cache

    def _embed(self, texts):
        return self.cache_.encode(texts)

    def fit(self, texts, Y, *, multi_label=True, eval_set=None):
        from benchmark.embcache import EmbeddingCache, set_threads

        if self.head not in HEADS:
            raise BenchError(f"sentence-encoder: unknown head '{self.head}'. Valid choices: {', '.join(HEADS)}")
        set_threads(self.threads)
        Y = np.asarray(Y, dtype=np.float32)
        self.n_labels_, self.multi_label_ = Y.shape[1], multi_label
        self.cache_ = EmbeddingCache(self.encoder, self.encode_batch_size, self.max_seq_length, self.cache)
        X = self._embed(texts)
        if self.head == "logreg":
            self._fit_logreg(X, Y)
        else:
            dev = None
            if eval_set is not None and len(eval_set[0]):
                dev = (self._embed(eval_set[0]), np.asarray(eval_set[1], dtype=np.float32))
            self._fit_mlp(X, Y, dev)
        self.info_ = {"encoder": self.cache_.location, "encoder_key": self.cache_.key, "dim": int(X.shape[1]),
                      "head": self.head, "cache": self.cache_.stats}
        return self

    # -- logistic regression ----------------------------------------------------
    def _fit_logreg(self, X, Y):
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        clf = LogisticRegression(C=self.C, max_iter=2000, class_weight=self.class_weight, random_state=self.seed)
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Label .* is present in all training examples")
            warnings.filterwarnings("ignore", message="Label not .* is present in all training examples")
            if self.multi_label_:
                self.clf_ = OneVsRestClassifier(clf).fit(X, Y.astype(int))
            else:
                self.clf_ = clf.fit(X, Y.argmax(1))

    # -- MLP ------------------------------------------------------------------
    def _fit_mlp(self, X, Y, dev):
        import torch
        from torch import nn

        from benchmark.embcache import device

        self.device_ = device()
        with torch.random.fork_rng(devices=[]):  # seeded init and dropout without touching the global RNG
            torch.manual_seed(self.seed)
            net = nn.Sequential(nn.Linear(X.shape[1], self.hidden), nn.GELU(), nn.Dropout(self.dropout),
                                nn.Linear(self.hidden, self.n_labels_)).to(self.device_)
            pos_weight = None
            if self.class_weight == "balanced" and self.multi_label_:
                pos = Y.sum(0).clip(min=1)
                pos_weight = torch.tensor(np.sqrt((len(Y) - pos) / pos), dtype=torch.float32, device=self.device_)
            loss_fn = self._loss(pos_weight)
            opt = torch.optim.AdamW(net.parameters(), lr=self.lr, weight_decay=self.weight_decay)
            gen = torch.Generator().manual_seed(self.seed)
            Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)
            self.history_, best, bad, state, step = [], float("inf"), 0, None, 0
            for epoch in range(1, int(self.epochs) + 1):
                net.train()
                perm, total = torch.randperm(len(Xt), generator=gen), 0.0
                for i in range(0, len(perm), self.batch_size):
                    idx = perm[i:i + self.batch_size]
                    loss = loss_fn(net(Xt[idx].to(self.device_)), Yt[idx].to(self.device_))
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    total += loss.item() * len(idx)
                    step += 1
                self.history_.append(("train", step, epoch, total / len(Xt)))
                if dev is None:
                    state, self.best_epoch_ = {k: v.clone() for k, v in net.state_dict().items()}, epoch
                    continue
                net.eval()
                with torch.no_grad():
                    dl = loss_fn(net(torch.from_numpy(dev[0]).to(self.device_)),
                                 torch.from_numpy(dev[1]).to(self.device_)).item()
                self.history_.append(("dev", step, epoch, dl))
                if dl < best - 1e-5:
                    best, bad, self.best_epoch_ = dl, 0, epoch
                    state = {k: v.clone() for k, v in net.state_dict().items()}
                else:
                    bad += 1
                    if bad >= self.patience:
                        break
        net.load_state_dict(state)
        self.net_ = net.eval()

    def _loss(self, pos_weight):
        from torch import nn

        if self.multi_label_:
            return nn.BCEWithLogitsLoss(pos_weight=pos_weight)
        ce = nn.CrossEntropyLoss()
        return lambda logits, y: ce(logits, y.argmax(1))

    def predict_proba(self, texts):
        X = self._embed(texts)
        if self.head == "logreg":
            P = np.zeros((len(X), self.n_labels_), dtype=np.float32)
            if self.multi_label_:
                P[:] = self.clf_.predict_proba(X)
            else:
                P[:, self.clf_.classes_] = self.clf_.predict_proba(X)
            return P
        import torch

        with torch.no_grad():
            logits = self.net_(torch.from_numpy(X).to(self.device_))
            P = torch.sigmoid(logits) if self.multi_label_ else torch.softmax(logits, dim=1)
        return P.cpu().numpy().astype(np.float32)
