"""A small client for OpenAI-compatible ``/chat/completions`` endpoints (stdlib only), and llm-paraphrase.

``ChatClient`` is generic (the zero-shot LLM model can reuse it): base URL, model, API key read from an
environment variable, bounded concurrency, limited retries with exponential backoff on 429/5xx and
connection errors, and an on-disk cache of every request and response keyed by a hash of the request
(URL + body, never the key). A cached request is never sent again.
``ChatClient.stats`` counts HTTP attempts (``sent``), cache hits, retries and requests that failed for good.
"""
import hashlib
import http.client
import json
import logging
import os
import re
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from benchmark.errors import BenchError

log = logging.getLogger("emobench.llm")
RETRY_STATUS = (408, 409, 429, 500, 502, 503, 504)


class LLMError(BenchError):
    """A request that failed for good (after retries), or a malformed response."""


class ChatClient:
    def __init__(self, base_url=None, model="gpt-4o-mini", api_key_env="OPENAI_API_KEY", concurrency=4, retries=3,
                 backoff=1.0, timeout=60.0, cache=True, cache_dir=None, what="llm"):
        self.base_url = (base_url or os.environ.get("OPENAI_BASE_URL") or "https://api.openai.com/v1").rstrip("/")
        self.url = self.base_url + "/chat/completions"
        self.model, self.api_key_env, self.what = model, api_key_env, what
        self.concurrency, self.retries, self.backoff, self.timeout = max(1, int(concurrency)), int(retries), backoff, timeout
        self.cache = cache
        self._cache_dir = cache_dir
        self.stats = {"sent": 0, "cached": 0, "retried": 0, "failed": 0}
        self._lock = threading.Lock()
        self._down = None  # the LLMError of an unreachable endpoint: later requests are not sent

    @property
    def cache_dir(self):
        if self._cache_dir is None:
            from benchmark import paths

            self._cache_dir = paths.cache_dir("llm")
        return self._cache_dir

    def body(self, messages, **params):
        return {"model": self.model, "messages": messages, **params}

    def key(self, body):
        blob = json.dumps({"url": self.url, "body": body}, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()

    def chat(self, messages, **params):
        """The assistant's reply (str) to ``messages``; raises :class:`LLMError`."""
        return self.chat_many([(messages, params)], errors="raise")[0]

    def chat_many(self, requests, errors="raise"):
        """Replies to ``[(messages, params), ...]`` in order, at most ``concurrency`` in flight.

        ``errors="return"`` puts the :class:`LLMError` in place of a reply instead of raising.
        """
        bodies = [self.body(m, **p) for m, p in requests]
        results = [None] * len(bodies)
        todo = []
        for i, b in enumerate(bodies):
            hit = self._read_cache(b)
            if hit is not None:
                results[i] = hit
                self._count("cached")
            else:
                todo.append(i)
        if todo:
            with ThreadPoolExecutor(max_workers=min(self.concurrency, len(todo))) as pool:
                for i, res in zip(todo, pool.map(self._one, [bodies[i] for i in todo])):
                    results[i] = res
        if errors == "raise":
            for r in results:
                if isinstance(r, LLMError):
                    raise r
        return results

    # -- internals -----------------------------------------------------------------------------
    def _count(self, what):
        with self._lock:
            self.stats[what] += 1

    def _path(self, body):
        k = self.key(body)
        return self.cache_dir / k[:2] / f"{k}.json"

    def _read_cache(self, body):
        if not self.cache:
            return None
        path = self._path(body)
        try:
            return json.loads(path.read_text(encoding="utf-8"))["content"]
        except (OSError, ValueError, KeyError):
            return None

    def _write_cache(self, body, response, content):
        if not self.cache:
            return
        path = self._path(body)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{id(body)}.tmp")
        tmp.write_text(json.dumps({"request": {"url": self.url, "body": body}, "response": response,
                                   "content": content}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def _one(self, body):
        if self._down is not None:  # no route, refused, DNS: retrying each text would only cost time
            self._count("failed")
            return self._down
        try:
            response = self._post(body)
            content = _content(response)
        except LLMError as exc:
            self._count("failed")
            return exc
        self._write_cache(body, response, content)
        return content

    def _post(self, body):
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        key = os.environ.get(self.api_key_env or "")
        if key:
            headers["Authorization"] = f"Bearer {key}"
        for attempt in range(self.retries + 1):
            req = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            wait, problem, unreachable = None, None, False
            try:
                self._count("sent")
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    raw = resp.read()
                try:
                    return json.loads(raw)
                except ValueError:
                    raise LLMError(f"{self.what}: malformed response from {self.url}: not JSON: {raw[:80]!r}") from None
            except urllib.error.HTTPError as exc:
                detail = _detail(exc)
                if exc.code not in RETRY_STATUS:
                    raise LLMError(f"{self.what}: {self.url} answered HTTP {exc.code}: {detail}") from None
                problem = f"HTTP {exc.code}: {detail}"
                wait = _retry_after(exc.headers.get("Retry-After"))
            except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as exc:
                problem = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
                unreachable = True
            if attempt == self.retries:
                err = LLMError(f"{self.what}: {self.url} failed after {attempt + 1} attempts: {problem}")
                if unreachable:
                    self._down = err
                raise err
            self._count("retried")
            time.sleep(min(30.0, wait if wait is not None else self.backoff * 2 ** attempt))


def _content(response):
    try:
        content = response["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        content = None
    if not isinstance(content, str):
        raise LLMError(f"malformed response: no choices[0].message.content in {json.dumps(response)[:120]}")
    return content


def _detail(exc):
    try:
        text = exc.read().decode("utf-8", "replace")
        err = json.loads(text).get("error", text)
        text = err.get("message", str(err)) if isinstance(err, dict) else str(err)
    except Exception:
        text = str(exc.reason)
    return " ".join(text.split())[:200]


def _retry_after(value):
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None


# -- llm-paraphrase --------------------------------------------------------------------------
PROMPT = ("Write {n} different paraphrases of the text below. Keep its meaning and the emotion it expresses, "
          "and keep it about as long. Answer with one paraphrase per line and nothing else.\n\nText: {text}")
_BULLET = re.compile(r"^\s*(?:\d+\s*[.):-]|[-*\u2022])\s*")


class LLMParaphrase:
    """Asks a chat model for ``n`` paraphrases of each text (one request per text, cached on disk).

    ``prompt`` is a template with ``{text}`` and optionally ``{n}``. The seed goes into the request, so
    a new seed is a new (uncached) request. Failed or malformed replies are skipped and counted in
    ``stats_``; if every request fails, the first error is raised.
    """

    def __init__(self, base_url=None, model="gpt-4o-mini", prompt=PROMPT, system="", temperature=0.9,
                 max_tokens=512, api_key_env="OPENAI_API_KEY", concurrency=4, retries=3, backoff=1.0, timeout=60.0,
                 max_chars=2000):
        if "{text}" not in prompt:
            raise BenchError("llm-paraphrase: prompt must contain {text} (and may contain {n})")
        self.prompt, self.system, self.temperature, self.max_tokens, self.max_chars = (
            prompt, system, temperature, max_tokens, max_chars)
        self.client = ChatClient(base_url, model, api_key_env, concurrency, retries, backoff, timeout,
                                 what="llm-paraphrase")
        self.stats_ = {"requests": 0, "skipped_failed": 0, "too_long": 0}

    def augment(self, texts, n, seed):
        out = [[] for _ in texts]
        if n <= 0:
            return out
        idx, reqs = [], []
        for i, text in enumerate(texts):
            if not text.strip():
                continue
            if len(text) > self.max_chars:
                self.stats_["too_long"] += 1
                continue
            msgs = [{"role": "system", "content": self.system}] if self.system else []
            msgs.append({"role": "user", "content": self.prompt.replace("{n}", str(n)).replace("{text}", text)})
            idx.append(i)
            reqs.append((msgs, {"temperature": self.temperature, "max_tokens": self.max_tokens, "seed": int(seed)}))
        if not reqs:
            return out
        replies = self.client.chat_many(reqs, errors="return")
        failed = [r for r in replies if isinstance(r, LLMError)]
        self.stats_["requests"] += len(reqs)
        self.stats_["skipped_failed"] += len(failed)
        if failed and len(failed) == len(replies):
            raise failed[0]
        if failed:
            log.warning("llm-paraphrase: skipped %d of %d texts whose request failed (first: %s)",
                        len(failed), len(replies), failed[0])
        for i, reply in zip(idx, replies):
            if not isinstance(reply, LLMError):
                out[i] = parse(reply, texts[i], n)
        return out


def parse(reply, original, n):
    """Paraphrases from a reply: one per line, bullets/numbers/quotes stripped, distinct, not the original."""
    seen, out = {" ".join(original.lower().split())}, []
    for line in reply.splitlines():
        line = _BULLET.sub("", line).strip().strip('"\u201c\u201d').strip()
        key = " ".join(line.lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(line)
    return out[:n]
