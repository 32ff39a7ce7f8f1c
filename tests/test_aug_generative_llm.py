"""llm-paraphrase and its chat client against an OpenAI-compatible server the test starts on 127.0.0.1."""
import json
import logging

import pytest
from click.testing import CliRunner
from tiny_models import FakeChat, goemotions_texts

from benchmark.cli import cli, main
from benchmark.errors import BenchError
from benchmark.store import Store
from plugins.llm import ChatClient, LLMError, LLMParaphrase, parse


@pytest.fixture
def server():
    s = FakeChat()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMOBENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return tmp_path / "cache"


def aug(server, **kw):
    kw.setdefault("backoff", 0.01)
    return LLMParaphrase(base_url=server.base_url, model="tiny-chat", **kw)


def test_bench_run_bounded_concurrency_then_cache(home, data_dir, server, monkeypatch):
    monkeypatch.setenv("EMOBENCH_AUG_CACHE", "0")  # the rerun must reach the augmenter and its request cache
    args = ["run", "-d", "goemotions", "-a", "llm-paraphrase", "--limit", "300", "--aug-copies", "2", "-q",
            "--aug-param", f"base_url={server.base_url}", "--aug-param", "concurrency=3"]
    r = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    sent = len(server.requests)
    assert 290 <= sent <= 300  # one request per non-empty train text
    assert 2 <= server.max_in_flight <= 3
    body = server.requests[0]
    assert body["model"] == "gpt-4o-mini" and body["seed"] == 0 and "Text: " in body["messages"][-1]["content"]
    with Store() as s:
        (first,) = s.runs()
    assert first["aug_stats"]["generated"] == 2 * sent
    r = CliRunner().invoke(cli, args + ["--force"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert len(server.requests) == sent  # every reply came from the disk cache
    with Store() as s:
        (again,) = s.runs()
    assert again["aug_stats"] == first["aug_stats"] and again["metrics"]["test"] == first["metrics"]["test"]


def test_same_seed_is_cached_new_seed_is_a_new_request(server):
    texts = goemotions_texts(10, seed=1)
    a = aug(server).augment(texts, 3, seed=0)
    assert all(len(v) == 3 for v in a) and len(server.requests) == 10
    assert aug(server).augment(texts, 3, seed=0) == a and len(server.requests) == 10
    b = aug(server).augment(texts, 3, seed=1)
    assert b != a and len(server.requests) == 20 and {r["seed"] for r in server.requests[10:]} == {1}


def test_retries_on_500_and_429_are_limited(server):
    client = aug(server, retries=3).client
    out = aug(server, retries=3).augment(["FLAKY but fine", "RATELIMIT me"], 2, seed=0)
    assert all(len(v) == 2 for v in out)
    texts = [r["messages"][-1]["content"].rsplit("Text:", 1)[-1].strip() for r in server.requests]
    assert texts.count("FLAKY but fine") == 3 and texts.count("RATELIMIT me") == 2
    with pytest.raises(LLMError, match=r"failed after 3 attempts: HTTP 500: server exploded"):
        aug(server, retries=2).augment(["FAIL500 always"], 2, seed=0)
    assert sum("FAIL500" in r["messages"][-1]["content"] for r in server.requests) == 3
    with pytest.raises(LLMError, match=r"HTTP 401: Incorrect API key provided"):
        client.chat([{"role": "user", "content": "Text: DENIED"}])
    assert sum("DENIED" in r["messages"][-1]["content"] for r in server.requests) == 1  # not retried


def test_malformed_replies_are_skipped_and_counted(server, caplog):
    a = aug(server)
    with caplog.at_level(logging.WARNING, logger="emobench.llm"):
        out = a.augment(["MALFORMED one", "a perfectly fine text", "NOTJSON two", ""], 2, seed=0)
    assert out[0] == [] and out[2] == [] and out[3] == [] and len(out[1]) == 2
    assert a.stats_["skipped_failed"] == 2 and a.stats_["requests"] == 3
    assert "skipped 2 of 3" in caplog.text
    with pytest.raises(BenchError, match="malformed response"):
        a.augment(["MALFORMED only"], 2, seed=0)
    before = len(server.requests)
    with pytest.raises(BenchError):
        aug(server).augment(["MALFORMED only"], 2, seed=0)
    assert len(server.requests) == before + 1  # failures are never cached


def test_api_key_from_env_is_sent_but_not_cached(server, cache, monkeypatch):
    monkeypatch.setenv("MY_KEY", "sk-secret-123")
    aug(server, api_key_env="MY_KEY").augment(["thanks so much"], 2, seed=0)
    assert server.auth == ["Bearer sk-secret-123"]
    files = list(cache.rglob("*.json"))
    assert len(files) == 1
    entry = json.loads(files[0].read_text())
    assert "sk-secret" not in files[0].read_text()
    assert entry["request"]["body"]["model"] == "tiny-chat" and entry["response"]["choices"]


def test_client_bounds_concurrency(server):
    client = ChatClient(server.base_url, "tiny-chat", concurrency=2, backoff=0.01)
    reqs = [([{"role": "user", "content": f"Text: number {i}"}], {}) for i in range(12)]
    replies = client.chat_many(reqs)
    assert len(replies) == 12 and server.max_in_flight == 2
    assert replies[5].splitlines()[0] == "1. number 5 indeed"
    assert client.stats["sent"] == 12 and client.chat_many(reqs) == replies and client.stats["cached"] == 12


def test_unreachable_endpoint_is_a_one_line_error(home, data_dir, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "-d", "goemotions", "-a", "llm-paraphrase", "--limit", "100", "-q",
              "--aug-param", "base_url=http://127.0.0.1:9/v1", "--aug-param", "retries=1",
              "--aug-param", "backoff=0.01"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: llm-paraphrase: http://127.0.0.1:9/v1/chat/completions failed after 2 attempts")
    assert len(err.splitlines()) == 1
    with Store() as s:
        assert s.count() == 0


def test_unreachable_endpoint_stops_sending():
    client = ChatClient("http://127.0.0.1:9/v1", "m", concurrency=1, retries=1, backoff=0.01, cache=False)
    reqs = [([{"role": "user", "content": f"Text: number {i}"}], {}) for i in range(20)]
    replies = client.chat_many(reqs, errors="return")
    assert all(isinstance(r, LLMError) for r in replies)
    assert client.stats["sent"] == 2 and client.stats["failed"] == 20  # one text's 2 attempts, then none


def test_parse_and_prompt_checks():
    reply = '1. "I am so glad"\n2) I am so happy\n- i am SO happy\n\n* Glad, really\nI am happy'
    assert parse(reply, "I am happy", 5) == ["I am so glad", "I am so happy", "Glad, really"]
    assert parse(reply, "x", 2) == ["I am so glad", "I am so happy"]
    with pytest.raises(BenchError, match=r"\{text\}"):
        LLMParaphrase(prompt="Paraphrase this")
