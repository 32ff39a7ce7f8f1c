"""Zero-shot emotion detection: no training.

``backend="embedding"``: each label is scored by the cosine similarity of the text's embedding to the
embedding of a label description (packaged MiniLM by default), mapped into [0, 1].
``backend="llm"``: an OpenAI-compatible chat model is asked for the labels; labels outside the label set
(hallucinated or misspelt) are counted, with examples, in ``info_``.
"""
import json
import re
from pathlib import Path

import numpy as np

from benchmark.errors import BenchError

TEMPLATE = "This text expresses {label}."
DESCRIPTIONS = {"neutral": "This text expresses no particular emotion."}
PROMPT = ("Which emotions does the text below express? Choose only from these labels: {labels}.\n"
          "Answer with {how}, comma-separated, and nothing else.\n\nText: {text}")
BACKENDS = ("embedding", "llm")
SCORINGS = ("softmax", "cosine")


def load_descriptions(value):
    """Overrides: a dict, a JSON object string, or a path to a JSON file {label: description}."""
    if not value:
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    path = Path(str(value)).expanduser()
    try:
        text = path.read_text(encoding="utf-8") if path.is_file() else str(value)
        out = json.loads(text)
    except ValueError as exc:
        where = str(path) if path.is_file() else "descriptions"
        raise BenchError(f"{where}: not a JSON object of label -> description ({exc})") from None
    if not isinstance(out, dict):
        raise BenchError("descriptions: expected a JSON object of label -> description")
    return {str(k): str(v) for k, v in out.items()}


class ZeroShot:
    def __init__(self, seed=0, backend="embedding", encoder=None, template=TEMPLATE, descriptions=None,
                 scoring="softmax", temperature=0.05, encode_batch_size=64, threads=None,
                 base_url=None, llm_model="gpt-4o-mini", prompt=PROMPT, system="", api_key_env="OPENAI_API_KEY",
                 concurrency=4, retries=3, timeout=60.0, max_tokens=60):
        self.seed = seed
        self.backend = backend
        self.encoder = encoder
        self.template = template
        self.descriptions = descriptions
        self.scoring = scoring
        self.temperature = temperature
        self.encode_batch_size = encode_batch_size
        self.threads = threads
        self.base_url = base_url
        self.llm_model = llm_model
        self.prompt = prompt
        self.system = system
        self.api_key_env = api_key_env
        self.concurrency = concurrency
        self.retries = retries
        self.timeout = timeout
        self.max_tokens = max_tokens

    def fit(self, texts, Y, *, multi_label=True, eval_set=None, label_names=None):
        """No training: records the label set (and the label descriptions)."""
        if self.backend not in BACKENDS:
            raise BenchError(f"zero-shot: unknown backend '{self.backend}'. Valid choices: {', '.join(BACKENDS)}")
        if self.scoring not in SCORINGS:
            raise BenchError(f"zero-shot: unknown scoring '{self.scoring}'. Valid choices: {', '.join(SCORINGS)}")
        n_labels = np.asarray(Y).shape[1]
        if label_names is None:
            raise BenchError("zero-shot needs the label names (fit(..., label_names=[...]))")
        if len(label_names) != n_labels:
            raise BenchError(f"zero-shot: {len(label_names)} label names for {n_labels} label columns")
        self.label_names_, self.multi_label_ = list(label_names), multi_label
        overrides = load_descriptions(self.descriptions)
        unknown = sorted(set(overrides) - set(self.label_names_))
        if unknown:
            raise BenchError(f"zero-shot: descriptions for unknown labels {unknown}. "
                             f"Valid labels: {', '.join(self.label_names_)}")
        defaults = {k: v for k, v in DESCRIPTIONS.items() if self.template == TEMPLATE}
        self.descriptions_ = [overrides.get(n) or defaults.get(n) or self.template.format(label=n.replace("_", " "))
                              for n in self.label_names_]
        if self.backend == "embedding":
            from benchmark.embcache import EmbeddingCache, set_threads

            set_threads(self.threads)
            self.cache_ = EmbeddingCache(self.encoder, self.encode_batch_size)
            self.label_emb_ = self.cache_.encode(self.descriptions_)
            self.info_ = {"backend": "embedding", "encoder": self.cache_.location, "scoring": self.scoring,
                          "descriptions": dict(zip(self.label_names_, self.descriptions_)),
                          "cache": self.cache_.stats}
        else:
            from plugins.llm import ChatClient

            self.client_ = ChatClient(base_url=self.base_url, model=self.llm_model, api_key_env=self.api_key_env,
                                      concurrency=self.concurrency, retries=self.retries, timeout=self.timeout,
                                      what="zero-shot-llm")
            self.info_ = {"backend": "llm", "base_url": self.client_.base_url, "model": self.llm_model,
                          "requests": 0, "failed_requests": 0, "replies_without_valid_label": 0,
                          "invalid_labels": 0, "invalid_examples": [], "client": self.client_.stats}
        return self

    def predict_proba(self, texts):
        if self.backend == "embedding":
            return self._embedding_scores(texts)
        return self._llm_scores(texts)

    def _embedding_scores(self, texts):
        cos = self.cache_.encode(texts) @ self.label_emb_.T
        if self.scoring == "cosine":
            return np.clip((cos + 1) / 2, 0, 1).astype(np.float32)
        z = cos / float(self.temperature)
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return (e / e.sum(axis=1, keepdims=True)).astype(np.float32)

    # -- LLM ------------------------------------------------------------------
    def _request(self, text):
        how = "one label" if not self.multi_label_ else "one or more labels"
        content = (self.prompt.replace("{labels}", ", ".join(self.label_names_)).replace("{how}", how)
                   .replace("{text}", text))
        msgs = [{"role": "system", "content": self.system}] if self.system else []
        msgs.append({"role": "user", "content": content})
        return msgs, {"temperature": 0, "max_tokens": int(self.max_tokens), "seed": int(self.seed)}

    def _llm_scores(self, texts):
        replies = self.client_.chat_many([self._request(t) for t in texts], errors="return")
        failed = [r for r in replies if isinstance(r, Exception)]
        if failed and len(failed) == len(replies):
            raise failed[0]
        P = np.zeros((len(texts), len(self.label_names_)), dtype=np.float32)
        index = {n.lower(): j for j, n in enumerate(self.label_names_)}
        info = self.info_
        info["requests"] += len(texts)
        info["failed_requests"] += len(failed)  # scored 0 for every label
        for i, reply in enumerate(replies):
            if isinstance(reply, Exception):
                continue
            valid, invalid = parse_labels(reply, index)
            P[i, valid] = 1.0
            if not valid:
                info["replies_without_valid_label"] += 1
            info["invalid_labels"] += len(invalid)
            for lab in invalid:
                if len(info["invalid_examples"]) < 20:
                    info["invalid_examples"].append({"label": lab, "text": texts[i][:80]})
        return P


_SPLIT = re.compile(r"[,;\n]|\band\b")
_STRIP = " \t\"'`*.-:()[]{}\u2022"


def parse_labels(reply, index):
    """(valid label columns, invalid label strings) from a reply like 'joy, love' or '1. Joy\\n2. Love'."""
    valid, invalid = [], []
    for part in _SPLIT.split(reply or ""):
        lab = re.sub(r"^\s*\d+\s*[.)]\s*", "", part).strip(_STRIP).lower()
        if not lab or lab in ("none", "labels", "label"):
            continue
        j = index.get(lab, index.get(lab.replace(" ", "_")))
        if j is None:
            invalid.append(lab)
        elif j not in valid:
            valid.append(j)
    return valid, invalid
