"""The SQLite results store: one row per run, written in one transaction."""
import io
import json
import sqlite3
import time
from pathlib import Path

import numpy as np

from benchmark import paths

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY,
    group_id TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL,
    dataset TEXT, taxonomy TEXT, label_space TEXT, eval_dataset TEXT,
    augmenter TEXT, model TEXT, seed INTEGER, limit_n INTEGER,
    config TEXT NOT NULL,
    metrics TEXT, versions TEXT, data_hashes TEXT, timings TEXT, aug_stats TEXT, extra TEXT,
    error TEXT
);
CREATE INDEX IF NOT EXISTS runs_group ON runs(group_id);
CREATE TABLE IF NOT EXISTS predictions (
    run_id TEXT PRIMARY KEY REFERENCES runs(run_id) ON DELETE CASCADE,
    arrays BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS curves (
    run_id TEXT NOT NULL, split TEXT NOT NULL, step REAL NOT NULL, epoch REAL, loss REAL NOT NULL
);
"""
JSON_COLS = ("config", "metrics", "versions", "data_hashes", "timings", "aug_stats", "extra")


def pack_arrays(**arrays):
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return buf.getvalue()


def unpack_arrays(blob):
    with np.load(io.BytesIO(blob)) as z:
        return {k: z[k] for k in z.files}


class Store:
    def __init__(self, path=None):
        self.path = Path(path or paths.store_path())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(str(self.path), timeout=60, isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA busy_timeout=60000")
        self.conn.execute("PRAGMA foreign_keys=ON")
        for attempt in range(100):  # switching a fresh file to WAL does not wait for a busy lock: retry
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.executescript(SCHEMA)
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 99:
                    raise
                time.sleep(min(0.02 * (attempt + 1), 0.5))

    def close(self):
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- writes -------------------------------------------------------------
    def save(self, row, arrays=None, curves=None):
        """Insert or replace one run (and its predictions and loss curves) atomically."""
        row = dict(row)
        row.setdefault("created", time.time())
        for col in JSON_COLS:
            if col in row and not isinstance(row[col], (str, type(None))):
                row[col] = json.dumps(row[col], sort_keys=True, default=_json_default)
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        with self._tx() as c:
            c.execute("DELETE FROM curves WHERE run_id=?", (row["run_id"],))
            c.execute("DELETE FROM predictions WHERE run_id=?", (row["run_id"],))
            c.execute(f"INSERT OR REPLACE INTO runs ({cols}) VALUES ({marks})", tuple(row.values()))
            if arrays:
                c.execute("INSERT INTO predictions VALUES (?, ?)", (row["run_id"], pack_arrays(**arrays)))
            for split, step, epoch, loss in curves or []:
                c.execute("INSERT INTO curves VALUES (?, ?, ?, ?, ?)", (row["run_id"], split, step, epoch, loss))

    def delete(self, run_id):
        with self._tx() as c:
            c.execute("DELETE FROM runs WHERE run_id=?", (run_id,))

    def _tx(self):
        return _Tx(self.conn)

    # -- reads --------------------------------------------------------------
    def get(self, run_id):
        r = self.conn.execute("SELECT * FROM runs WHERE run_id=?", (run_id,)).fetchone()
        if r is None:
            r = self.conn.execute("SELECT * FROM runs WHERE run_id LIKE ? || '%'", (run_id,)).fetchall()
            r = r[0] if len(r) == 1 else None
        return _decode(r) if r else None

    def done(self, run_id):
        r = self.conn.execute("SELECT 1 FROM runs WHERE run_id=? AND status='done'", (run_id,)).fetchone()
        return r is not None

    def runs(self, status="done", **where):
        sql, args = "SELECT * FROM runs WHERE 1=1", []
        if status:
            sql += " AND status=?"
            args.append(status)
        for k, v in where.items():
            if v is not None:
                sql += f" AND {k}=?"
                args.append(v)
        return [_decode(r) for r in self.conn.execute(sql + " ORDER BY created", args)]

    def arrays(self, run_id):
        r = self.conn.execute("SELECT arrays FROM predictions WHERE run_id=?", (run_id,)).fetchone()
        return unpack_arrays(r[0]) if r else None

    def curves(self, run_id):
        q = "SELECT split, step, epoch, loss FROM curves WHERE run_id=? ORDER BY split, step"
        return [tuple(r) for r in self.conn.execute(q, (run_id,))]

    def count(self, status=None):
        if status:
            return self.conn.execute("SELECT COUNT(*) FROM runs WHERE status=?", (status,)).fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]


class _Tx:
    def __init__(self, conn):
        self.conn = conn

    def __enter__(self):
        for attempt in range(50):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return self.conn
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(min(0.05 * (attempt + 1), 1.0))
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, *rest):
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _decode(r):
    d = dict(r)
    for col in JSON_COLS:
        if d.get(col):
            d[col] = json.loads(d[col])
    return d


def _json_default(o):
    if isinstance(o, np.generic):
        return o.item()
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, Path):
        return str(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")
