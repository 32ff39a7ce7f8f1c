"""A static, self-contained HTML report of the store: one ``index.html`` with inline CSS/JS and images.

Every string that comes from data or plugins goes through ``html.escape``; the page also carries a
Content-Security-Policy that allows no network and only its own (nonce-tagged) script.
"""
import base64
import html
import json
import secrets
import time
from pathlib import Path

from benchmark import leaderboard as lb

esc = html.escape

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:1200px;padding:0 1em;color:#222}
h1{font-size:1.5em} h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f4f4f4;cursor:pointer;user-select:none;white-space:nowrap}
th.asc:after{content:" \\25B2"} th.desc:after{content:" \\25BC"}
td[data-v]{text-align:right;font-variant-numeric:tabular-nums}
tr.hidden{display:none} .filters{background:#f8f8f8;padding:.5em;border:1px solid #eee}
figure{display:inline-block;margin:.5em;max-width:100%} figure img{max-width:560px;border:1px solid #eee}
figcaption{font-size:12px;color:#555} pre{background:#f8f8f8;padding:.5em;overflow:auto;font-size:12px}
details{margin:.3em 0} summary{cursor:pointer} .muted{color:#777}
"""

JS = """
function cellKey(td){var v=td.getAttribute('data-v');return v===null?null:parseFloat(v);}
function sortTable(th){
  var table=th.closest('table'),idx=Array.prototype.indexOf.call(th.parentNode.children,th);
  var tbody=table.tBodies[0],rows=Array.prototype.slice.call(tbody.rows);
  var asc=!th.classList.contains('asc');
  Array.prototype.forEach.call(th.parentNode.children,function(h){h.classList.remove('asc','desc');});
  th.classList.add(asc?'asc':'desc');
  rows.sort(function(a,b){
    var x=a.cells[idx],y=b.cells[idx],kx=cellKey(x),ky=cellKey(y),r;
    if(kx!==null&&ky!==null){r=kx-ky;}
    else if(kx!==null){r=-1;} else if(ky!==null){r=1;}
    else{r=x.textContent.localeCompare(y.textContent);}
    return asc?r:-r;});
  rows.forEach(function(r){tbody.appendChild(r);});
}
function applyFilters(){
  var d=document.getElementById('f-dataset').value,t=document.getElementById('f-taxonomy').value;
  document.querySelectorAll('tr[data-dataset]').forEach(function(tr){
    var ok=(!d||tr.getAttribute('data-dataset')===d)&&(!t||tr.getAttribute('data-taxonomy')===t);
    tr.classList.toggle('hidden',!ok);});
  document.querySelectorAll('[data-task-dataset]').forEach(function(el){
    var ok=(!d||el.getAttribute('data-task-dataset')===d)&&(!t||el.getAttribute('data-task-taxonomy')===t);
    el.style.display=ok?'':'none';});
}
document.addEventListener('DOMContentLoaded',function(){
  document.querySelectorAll('table.sortable th').forEach(function(th){
    th.addEventListener('click',function(){sortTable(th);});});
  ['f-dataset','f-taxonomy'].forEach(function(id){
    document.getElementById(id).addEventListener('change',applyFilters);});
});
"""


def _attrs(run_like):
    return {"data-dataset": run_like.get("dataset") or "", "data-taxonomy": run_like.get("taxonomy") or ""}


def _select(id_, label, values):
    opts = "".join(f'<option value="{esc(v)}">{esc(v)}</option>' for v in values)
    return f'<label>{esc(label)} <select id="{id_}"><option value="">all</option>{opts}</select></label>'


def _json_pre(obj):
    return f"<pre>{esc(json.dumps(obj, indent=2, sort_keys=True, default=str))}</pre>"


def _kv_table(d):
    rows = [[k, v if isinstance(v, (str, int, float)) else json.dumps(v, default=str)] for k, v in (d or {}).items()]
    return lb.html_table(["key", "value"], rows, cls="kv") if rows else '<p class="muted">none</p>'


def _figure(path, root):
    """An <img> with the PNG inlined as a data URI, and a link to the SVG copied next to the page."""
    data = base64.b64encode(Path(path).read_bytes()).decode()
    svg = Path(path).with_suffix(".svg")
    link = f' <a href="{esc(svg.relative_to(root).as_posix())}">SVG</a>' if svg.exists() else ""
    name = esc(Path(path).stem)
    return (f'<figure><img alt="{name}" src="data:image/png;base64,{data}">'
            f"<figcaption>{name}{link}</figcaption></figure>")


def matrix_table(runs):
    """The cross-dataset matrix: the cells of ``bench matrix`` (benchmark.cli_datasets) when installed."""
    try:
        from benchmark.cli_datasets import matrix_cells
    except ImportError:
        return lb.matrix(runs)
    rows, cols, cells, _ = matrix_cells(runs)
    table = []
    for r in rows:
        line = [r]
        for c in cols:
            mean, std, n = cells.get((r, c), (None, None, 0))
            line.append(lb.Num(mean, std if n > 1 else None) if n else "")
        table.append(line)
    return ["config"] + cols, table


def run_detail(run):
    rid = esc(run["run_id"])
    title = esc(f"{run['run_id']}  {lb.task_name(lb.task_key(run))}  {lb._aug(run)}  {run['model']}  "
                f"seed {run['seed']}")
    m = run["metrics"]
    metric_rows = [[k, lb.Num(m["dev"].get(k)), lb.Num(m["test"].get(k))] for k in sorted(m["test"])
                   if isinstance(m["test"].get(k), (int, float))]
    per = [[lab, m["test"]["support"].get(lab), lb.Num(m["test"]["per_label_f1"].get(lab), digits=3)]
           for lab in m.get("label_names", [])]
    attrs = f' data-task-dataset="{esc(run["dataset"])}" data-task-taxonomy="{esc(run.get("taxonomy") or "")}"'
    return (f'<details id="run-{rid}"{attrs}><summary>{title}</summary>'
            f"<h4>config</h4>{_json_pre(run['config'])}"
            f"<h4>metrics</h4>{lb.html_table(['metric', 'dev', 'test'], metric_rows)}"
            f"<h4>per-label test F1</h4>{lb.html_table(['label', 'support', 'F1'], per)}"
            f"<h4>versions</h4>{_kv_table(run.get('versions'))}"
            f"<h4>data hashes (sha256)</h4>{_kv_table(run.get('data_hashes'))}"
            f"<h4>timings (s)</h4>{_kv_table(run.get('timings'))}"
            f"<h4>extra</h4>{_json_pre(run.get('extra'))}</details>")


def render(store, out, figures=True):
    """The page as a string; figures are written under ``out/figures``. Returns (html, skipped)."""
    runs = store.runs()
    out = Path(out)
    parts, skipped = [], []
    datasets = sorted({r["dataset"] for r in runs})
    taxonomies = sorted({r.get("taxonomy") for r in runs if r.get("taxonomy")})
    parts.append(f'<div class="filters">{_select("f-dataset", "dataset", datasets)} '
                 f'{_select("f-taxonomy", "taxonomy", taxonomies)} '
                 '<span class="muted">click a column header to sort</span></div>')
    if not runs:
        parts.append("<p>No runs stored yet.</p>")
    else:
        rows = lb.add_ci(lb.rows_for(runs), runs, store)
        headers, table = lb.table_for(rows, ci=True)
        parts.append("<h2 id=\"leaderboard\">Leaderboard (mean ± std over seeds)</h2>"
                     "<p class=\"muted\">95% CI: bootstrap over test examples of the seed-mean macro-F1 "
                     "(1000 resamples). n: seeds. Bold: best within the same dataset, taxonomy and limit.</p>"
                     + lb.html_table(headers, table, lb.best_columns(headers), [_attrs(r) for r in rows],
                                     row_groups=[lb.row_task(r) for r in rows]))
        prow = lb.add_ci(lb.rows_for(runs, per_seed=True), runs, store)
        headers, table = lb.table_for(prow, per_seed=True, ci=True)
        parts.append("<h2 id=\"runs\">Runs</h2>" + _html_with_links(headers, table, [_attrs(r) for r in prow]))
        headers, table = matrix_table(runs)
        parts.append("<h2 id=\"matrix\">Cross-dataset matrix (test macro-F1)</h2>" + lb.html_table(headers, table, headers))
        parts.append("<h2 id=\"labels\">Per-label F1</h2>")
        for key, task_runs in lb.by_task(runs).items():
            headers, table = lb.per_label(task_runs)
            parts.append(f'<details data-task-dataset="{esc(key[0])}" data-task-taxonomy="{esc(key[1])}" open>'
                         f"<summary>{esc(lb.task_name(key))}</summary>"
                         + lb.html_table(headers, table, headers[2:], best_by="row") + "</details>")
    if figures and runs:
        from benchmark import figures as figs

        written, skipped = figs.write_all(store, out / "figures", runs)
        parts.append("<h2 id=\"figures\">Figures</h2>")
        parts += [_figure(p, out) for p in written if p.suffix == ".png"]
        parts += [f'<p class="muted">skipped {esc(k)}: {esc(r)}</p>' for k, r in skipped]
    if runs:
        parts.append("<h2 id=\"details\">Run details</h2>" + "".join(run_detail(r) for r in runs))
    nonce = secrets.token_urlsafe(16)
    csp = (f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; "
           "base-uri 'none'; form-action 'none'")
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    page = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>emobench report</title><style>{CSS}</style>"
            f'<script nonce="{nonce}">{JS}</script></head><body>'
            f"<h1>emobench report</h1><p class=\"muted\">{len(runs)} runs; store {esc(str(store.path))}; "
            f"generated {stamp}</p>" + "\n".join(parts) + "</body></html>")
    return page, skipped


def _html_with_links(headers, table, row_attrs):
    text = lb.html_table(headers, table, None, row_attrs)
    for line in table:
        rid = esc(str(line[-1]))
        text = text.replace(f"<td>{rid}</td>", f'<td><a href="#run-{rid}">{rid}</a></td>', 1)
    return text


def write(store, out, figures=True):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    page, skipped = render(store, out, figures)
    path = out / "index.html"
    path.write_text(page, encoding="utf-8")
    return path, skipped
