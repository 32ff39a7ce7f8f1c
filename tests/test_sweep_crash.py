"""Crash safety: SIGKILL the sweep (driver and workers) mid-run, rerun, and count the stored rows.
Also: two independent `bench run` processes writing to one store at once both succeed."""
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = [sys.executable, "-m", "benchmark"]
N = 8

SWEEP = f"""
name = "crash"
[fixed]
dataset = "goemotions"
taxonomy = "group"
limit = 200
[axes]
seed = {list(range(N))}
"""


def _count(db, sql):
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as c:
            return c.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def test_sigkill_mid_sweep_then_rerun_finishes_exactly_the_rest(tmp_path, home, data_dir):
    sweep_file = tmp_path / "crash.toml"
    sweep_file.write_text(SWEEP)
    db = home / "results.sqlite"
    cmd = BENCH + ["sweep", str(sweep_file), "--max-workers", "1", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 120
    done = 0
    while time.time() < deadline and proc.poll() is None:
        done = _count(db, "SELECT COUNT(*) FROM runs WHERE status='done'")
        if done >= 1:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the driver, its pool workers and their helpers
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()[-2000:]
    killed_at = _count(db, "SELECT COUNT(*) FROM runs")
    assert 1 <= killed_at < N, "the sweep was not killed mid-run"

    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert f"{N} cells: {killed_at} done, 0 failed, {N - killed_at} pending" in out.stderr
    assert f"ran {N - killed_at} cells ({N - killed_at} done, 0 failed)" in out.stdout
    with sqlite3.connect(db) as c:
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = c.execute("SELECT run_id, status, seed FROM runs").fetchall()
        preds = c.execute("SELECT COUNT(*) FROM predictions").fetchone()[0]
    assert len(rows) == N and len({r[0] for r in rows}) == N
    assert {r[1] for r in rows} == {"done"} and sorted(r[2] for r in rows) == list(range(N))
    assert preds == N  # every row came with its predictions: no torn writes
    again = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "Nothing to do" in again.stdout


def test_two_bench_run_processes_share_one_store(home, data_dir):
    procs = [subprocess.Popen(BENCH + ["run", "-d", "goemotions", "--taxonomy", "group", "--limit", "200",
                                       "--seed", str(seed), "-q"], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for seed in (100, 101)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1][-1000:] for o in outs]
    assert all("locked" not in o[1] for o in outs)
    db = home / "results.sqlite"
    assert _count(db, "SELECT COUNT(*) FROM runs WHERE status='done'") == 2
    assert _count(db, "SELECT COUNT(*) FROM predictions") == 2


RACE = """
import sys, time
from benchmark.store import Store
while time.time() < float(sys.argv[2]):
    pass
with Store(sys.argv[1]) as s:
    s.save({"run_id": sys.argv[3], "group_id": "g", "status": "done", "config": {}})
"""


def test_two_processes_opening_a_new_store_at_once(tmp_path):
    """Switching a fresh file to WAL does not wait for a lock: the store retries it."""
    for i in range(8):
        db = tmp_path / f"r{i}.sqlite"
        start = str(time.time() + 1.0)
        procs = [subprocess.Popen([sys.executable, "-c", RACE, str(db), start, name], cwd=ROOT,
                                  stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
        errs = [p.communicate(timeout=60)[1] for p in procs]
        assert [p.returncode for p in procs] == [0, 0], errs
        assert _count(db, "SELECT COUNT(*) FROM runs") == 2
