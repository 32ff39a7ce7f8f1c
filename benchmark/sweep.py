"""A sweep: a TOML grid of run configs. Each cell is one run, keyed by its run id (config hash).

    [fixed]                 # values shared by every cell
    dataset = "goemotions"
    model = "tfidf-logreg"
    [axes]                  # lists; the grid is their product
    taxonomy = ["original", "ekman"]
    seed = [0, 1, 2]
    model_params = {C = [1.0, 4.0]}   # a table of lists: one axis per parameter
    [[include]]             # an extra grid over [fixed] (a list is an axis, a scalar a value)
    [[exclude]]             # drop cells matching every key (a list matches any of its values)

The driver computes ids from configs only (no data is loaded) and asks the store once which are done,
so rerunning a finished sweep costs well under a second. Only the driver writes to the store.
"""
import copy
import difflib
import itertools
import json
import re
import time
from dataclasses import dataclass, field, fields
from pathlib import Path

from benchmark.config import RunConfig
from benchmark.errors import BenchError, DataError

PARAMS = ("dataset_params", "augmenter_params", "model_params", "extra")
ALIASES = {"aug_params": "augmenter_params"}
SCALARS = tuple(f.name for f in fields(RunConfig) if f.name not in PARAMS) + ("taxonomy",)
INTS = ("seed", "limit", "limit_seed", "aug_copies", "aug_target")
KEYS = SCALARS + PARAMS + tuple(ALIASES)
SECTIONS = ("name", "description", "fixed", "axes", "include", "exclude", "transfer", "resources")
# [[transfer]]: the cells of `bench transfer` (same ids); the source run goes first, its cells after it.
TRANSFER_KEYS = ("source", "target", "strategies", "sizes", "seeds", "model", "model_params", "target_params",
                 "limit_source", "limit_target", "source_seed")


@dataclass
class Cell:
    cfg: RunConfig
    run_id: str
    values: dict  # the assignments that made it, dotted keys (for display and [[exclude]])
    num_cpus: float = 1
    num_gpus: float = 0
    after: str = None  # run id that must be done before this cell runs (a transfer source)


@dataclass
class Sweep:
    path: Path
    name: str
    cells: list
    merged: int = 0  # combinations that gave an id already in the grid (e.g. augmenter none x 2 scopes)
    resources: dict = field(default_factory=dict)

    def varying(self):
        """Keys whose value differs between cells, in declaration order."""
        keys = []
        for c in self.cells:
            keys += [k for k in c.values if k not in keys]
        return [k for k in keys if len({json.dumps(c.values.get(k), sort_keys=True) for c in self.cells}) > 1]

    def describe(self, cell):
        return " ".join(f"{k}={show(cell.values.get(k))}" for k in self.varying()) or _desc(cell.values)


def show(v):
    return json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else str(v)


# -- parsing -----------------------------------------------------------------
def load(path):
    """Read and expand a sweep file. Bad input raises a one-line DataError naming the file and line."""
    import tomllib

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataError(path, f"cannot read sweep file ({exc.strerror or exc})") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\s*\(at (line (\d+), column \d+|end of document)\)$", msg)
        line = (int(m.group(2)) if m.group(2) else len(text.splitlines())) if m else None
        raise DataError(path, f"invalid TOML: {msg[:m.start()] if m else msg}", line) from None
    p = _Parser(path, text)
    for key in doc:
        if key not in SECTIONS:
            p.fail(f"unknown section '{key}'{_hint(key, SECTIONS)}. Valid: {', '.join(SECTIONS)}", key)
    fixed = p.flatten(p.table(doc, "fixed"), "fixed")
    for k, v in fixed.items():
        if isinstance(v, list) and k.split(".")[0] in PARAMS:
            p.fail(f"[fixed]: '{k}' is a list; lists of values go in [axes]", k.split(".")[-1])
    # the main grid ([fixed] x [axes]); without [axes], [[include]]/[[transfer]] alone define the cells
    main = "axes" in doc or not (doc.get("include") or doc.get("transfer"))
    grids = [(fixed, p.axes(p.table(doc, "axes"), "axes"))] if main else []
    for i, inc in enumerate(p.tables(doc, "include")):
        flat = p.flatten(inc, f"include #{i + 1}")
        axes = {k: v for k, v in flat.items() if isinstance(v, list)}
        for k, v in axes.items():
            if not v:
                p.fail(f"[[include]] #{i + 1}: '{k}' is an empty list", k.split(".")[-1])
        grids.append(({**fixed, **{k: v for k, v in flat.items() if k not in axes}}, axes))
    excludes = [p.flatten(x, f"exclude #{i + 1}") for i, x in enumerate(p.tables(doc, "exclude"))]
    resources = p.table(doc, "resources")

    combos = []
    for base, axes in grids:
        for values in itertools.product(*axes.values()):
            combos.append({**base, **dict(zip(axes, values))})
    combos = [c for c in combos if not any(_matches(c, x) for x in excludes)]
    items = [(p.config(values), values, None) for values in combos]
    for i, t in enumerate(p.tables(doc, "transfer")):
        items += _transfer(p, t, i + 1)
    if not items:
        p.fail("the sweep has no cells (every combination is excluded?)")
    return _resolve(p, items, doc.get("name") or path.stem, resources)


def _transfer(p, t, n):
    """The cells of ``bench transfer`` for one source/target pair: (config, values, after) items."""
    from benchmark import transfer as tr

    for key in t:
        if key not in TRANSFER_KEYS:
            p.fail(f"[[transfer]] #{n}: unknown key '{key}'{_hint(key, TRANSFER_KEYS)}. "
                   f"Valid keys: {', '.join(TRANSFER_KEYS)}", key)
    for key in ("source", "target"):
        if not isinstance(t.get(key), str):
            p.fail(f"[[transfer]] #{n}: '{key}' (a dataset name) is required", "transfer")
    model = t.get("model", "transformer-finetune")
    try:
        strategies = tr.parse_strategies(",".join(t.get("strategies", tr.STRATEGIES)))
        sizes = tr.parse_sizes(",".join(str(x) for x in t.get("sizes", [100, 200, 500, 1000, "max"])))
    except BenchError as exc:
        p.fail(f"[[transfer]] #{n}: {exc}", "strategies")
    src = tr.source_config(t["source"], model, t.get("model_params"), t.get("source_seed", 0),
                           t.get("limit_source"))
    src_id = _normalized(p, src, {"source": t["source"]}).run_id()
    pair = f"{t['source']}->{t['target']}"
    items = [(src, {"transfer": pair, "strategy": "source", "seed": src.seed}, None)]
    for size in sizes:
        for strategy in strategies:
            for seed in range(t.get("seeds", 3)):
                cfg = tr.cell_config(t["target"], strategy, size, seed, src_id, model, t.get("model_params"),
                                     t.get("target_params"), source_dataset=t["source"], limit=t.get("limit_target"))
                items.append((cfg, {"transfer": pair, "strategy": strategy, "size": size, "seed": seed}, src_id))
    return items


def _normalized(p, cfg, values):
    from benchmark import runner

    try:
        return runner.normalize(cfg, runner.resolve(cfg))  # same path as runner.run: same ids
    except BenchError as exc:
        m = re.search(r"unknown [\w-]+ '([^']+)'", str(exc))
        line = p.line_of_value(m.group(1)) if m else None
        raise DataError(p.path, f"cell {_desc(values)}: {exc}", line) from None


def _resolve(p, items, name, resources):
    cells, seen, merged = [], set(), 0
    for cfg, values, after in items:
        cfg = _normalized(p, cfg, values)
        run_id = cfg.run_id()
        if run_id in seen:
            merged += 1
            continue
        seen.add(run_id)
        res = {**{k: v for k, v in resources.items() if not isinstance(v, dict)},
               **resources.get(cfg.model, {})}
        cells.append(Cell(cfg, run_id, values, float(res.get("num_cpus", 1)), float(res.get("num_gpus", 0)), after))
    return Sweep(p.path, str(name), cells, merged, resources)


def _desc(values):
    return " ".join(f"{k}={show(v)}" for k, v in values.items())


def _matches(values, pattern):
    for k, want in pattern.items():
        options = want if isinstance(want, list) else [want]
        if values.get(k) not in options:
            return False
    return True


class _Parser:
    def __init__(self, path, text):
        self.path, self.text = path, text

    def fail(self, problem, key=None):
        raise DataError(self.path, problem, self.line_of(key) if key else None)

    def line_of(self, key):
        pat = re.compile(rf'^\s*(\[+\s*)?"?{re.escape(key)}"?\s*(=|\]|\.)')
        for n, line in enumerate(self.text.splitlines(), 1):
            if pat.match(line):
                return n
        return None

    def line_of_value(self, value):
        for n, line in enumerate(self.text.splitlines(), 1):
            if f'"{value}"' in line or f"'{value}'" in line:
                return n
        return None

    def table(self, doc, name):
        t = doc.get(name, {})
        if not isinstance(t, dict):
            self.fail(f"'{name}' must be a table: [{name}]", name)
        return t

    def tables(self, doc, name):
        t = doc.get(name, [])
        if not isinstance(t, list) or not all(isinstance(x, dict) for x in t):
            self.fail(f"'{name}' must be an array of tables: [[{name}]]", name)
        return t

    def flatten(self, table, section):
        """``{key: value}`` -> dotted assignments; parameter tables become ``model_params.C`` keys."""
        out = {}
        for key, value in table.items():
            name = ALIASES.get(key, key)
            if name not in KEYS:
                self.fail(f"[{section}]: unknown key '{key}'{_hint(key, KEYS)}. Valid keys: {', '.join(KEYS)}", key)
            if name in PARAMS:
                if isinstance(value, dict):
                    out.update({f"{name}.{k}": v for k, v in value.items()})
                elif isinstance(value, list) and all(isinstance(v, dict) for v in value) and value:
                    out[name] = value
                else:
                    self.fail(f"[{section}]: '{key}' must be a table, e.g. {key} = {{C = 1.0}}", key)
            else:
                out[name] = value
        return out

    def axes(self, table, section):
        out = self.flatten(table, section)
        for k, v in out.items():
            if not isinstance(v, list) or not v:
                key = k.split(".")[-1]
                self.fail(f"[{section}]: '{k}' must be a non-empty list of values, e.g. {key} = [0, 1, 2]", key)
        return out

    def config(self, values):
        cfg = RunConfig(dataset=None)
        for k, v in copy.deepcopy(values).items():
            key = k.split(".")[-1]
            if "." in k:
                group, sub = k.split(".", 1)
                getattr(cfg, group)[sub] = v
            elif k in PARAMS:
                getattr(cfg, k).update(v)
            elif k in INTS and (not isinstance(v, int) or isinstance(v, bool)):
                self.fail(f"'{k}' must be an integer, got {v!r}", key)
            elif k not in INTS and not isinstance(v, str):
                self.fail(f"'{k}' must be a string, got {v!r}", key)
            elif k == "taxonomy":
                cfg.dataset_params["taxonomy"] = v
            else:
                setattr(cfg, k, v)
        if not cfg.dataset:
            self.fail("no dataset: set dataset in [fixed] or [axes]")
        return cfg


def _hint(name, choices):
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# -- state in the store --------------------------------------------------------
def statuses(store, run_ids):
    """``{run_id: status}`` for the ids that have a row, in one query."""
    q = "SELECT run_id, status FROM runs WHERE run_id IN (SELECT value FROM json_each(?))"
    return dict(store.conn.execute(q, (json.dumps(list(run_ids)),)).fetchall())


def errors(store, run_ids):
    """``{run_id: error}`` of the given failed runs, in one query."""
    q = "SELECT run_id, error FROM runs WHERE status='failed' AND run_id IN (SELECT value FROM json_each(?))"
    return dict(store.conn.execute(q, (json.dumps(list(run_ids)),)).fetchall())


def record_failure(store, cell, error):
    """Store a failed cell (status='failed' plus its error); never overwrites a finished run."""
    cfg = cell.cfg
    row = {"run_id": cell.run_id, "group_id": cfg.group_id(), "status": "failed", "created": time.time(),
           "dataset": cfg.dataset, "taxonomy": cfg.taxonomy, "label_space": cfg.label_space,
           "eval_dataset": cfg.eval_dataset, "augmenter": cfg.augmenter, "model": cfg.model, "seed": cfg.seed,
           "limit_n": cfg.limit, "config": json.dumps(cfg.identity(), sort_keys=True, default=str),
           "error": error}
    cols = ", ".join(row)
    sets = ", ".join(f"{k}=excluded.{k}" for k in row if k != "run_id")
    sql = (f"INSERT INTO runs ({cols}) VALUES ({', '.join('?' for _ in row)}) "
           f"ON CONFLICT(run_id) DO UPDATE SET {sets} WHERE runs.status != 'done'")
    with store._tx() as c:
        c.execute(sql, tuple(row.values()))


# -- running -------------------------------------------------------------------
def plan(sweep, store, retry_failed=False):
    """(status by run id, cells to run)."""
    st = statuses(store, [c.run_id for c in sweep.cells])
    want = ("failed",) if retry_failed else (None,)
    return st, [c for c in sweep.cells if st.get(c.run_id) in want]


def run(sweep, store, todo, executor="local", max_workers=None, ray_address=None, progress=True,
        echo=print):
    """Run ``todo`` cells; the driver stores each result as it arrives. Returns ``{"done": n, "failed": n}``.

    Cells that depend on another run (transfer cells on their source) run in a second wave, once it is done.
    """
    from tqdm.auto import tqdm

    if executor not in ("local", "ray"):
        raise BenchError(f"unknown --executor '{executor}'. Valid choices: local, ray")
    counts = {"done": 0, "failed": 0}
    bar = tqdm(total=len(todo), unit="cell", disable=not progress, dynamic_ncols=True, desc=sweep.name)

    def record(cell, res):
        if res["ok"] and res["row"]["run_id"] != cell.run_id:  # normalize() must be idempotent
            res = {"ok": False, "error": f"the worker computed run id {res['row']['run_id']}"}
        if res["ok"]:
            store.save(res["row"], arrays=res["arrays"], curves=res["curves"])
            counts["done"] += 1
        else:
            record_failure(store, cell, res["error"])
            counts["failed"] += 1
            msg = f"failed: {cell.run_id} {sweep.describe(cell)}: {res['error'].splitlines()[0]}"
            if progress:
                bar.write(msg)
            else:
                echo(msg)
        left = len(todo) - counts["done"] - counts["failed"]
        bar.set_postfix_str(f"done={counts['done']} failed={counts['failed']} left={left}", refresh=False)
        bar.update(1)

    try:
        first = [c for c in todo if not c.after]
        _wave(first, record, executor, max_workers, ray_address)
        rest = [c for c in todo if c.after]
        st = statuses(store, {c.after for c in rest})
        for c in rest:
            if st.get(c.after) != "done":
                record(c, {"ok": False, "error": f"its source run {c.after} is not done"})
        _wave([c for c in rest if st.get(c.after) == "done"], record, executor, max_workers, ray_address)
    finally:
        bar.close()
    return counts


def _wave(cells, record, executor, max_workers, ray_address):
    from benchmark import executors

    if not cells:
        return
    jobs = [executors.Job(c.cfg, c.num_cpus, c.num_gpus) for c in cells]
    if executor == "local":
        results = executors.local(jobs, max_workers)
    else:
        results = executors.ray(jobs, address=ray_address, max_workers=max_workers)
    try:
        for i, res in results:
            record(cells[i], res)
    finally:
        results.close()
