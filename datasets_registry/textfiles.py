"""Strict line readers shared by the dataset loaders: errors name the file and line."""
from pathlib import Path

from benchmark.errors import DataError


def read_text(path, encoding="utf-8", hint="re-save the file as UTF-8"):
    """The whole file decoded (UTF-8 by default; a UTF-8 BOM is dropped). Undecodable bytes name their line."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(path, "empty file")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        name = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
        raise DataError(path, f"not valid {name} (byte 0x{raw[exc.start]:02x}); {hint}", line) from None
    except LookupError:
        raise DataError(path, f"unknown encoding '{encoding}'") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text


def read_lines(path, skip_empty=False, encoding="utf-8"):
    """Lines of ``path`` as (line_number, text) without line endings (LF or CRLF; BOM dropped)."""
    lines = read_text(path, encoding).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for i, line in enumerate(lines, 1):
        if line.endswith("\r"):
            line = line[:-1]
        if skip_empty and not line.strip():
            continue
        out.append((i, line))
    if not out:
        raise DataError(path, "no data rows")
    return out


def read_names(path):
    """Label names, one per line (a missing trailing newline is fine)."""
    return [t.strip() for _, t in read_lines(path, skip_empty=True)]


def local_folder(subdir, probe, source):
    """The local copy ``<data dir>/<subdir>`` if ``probe`` exists there; None to fall back to the hub.

    ``source``: ``auto`` (local, else hub), ``local`` (error when missing) or ``hub`` (never local).
    """
    from benchmark import paths
    from benchmark.errors import BenchError

    if source not in ("auto", "local", "hub"):
        raise BenchError(f"unknown source '{source}'. Valid choices: auto, local, hub")
    if source == "hub":
        return None
    base = paths.data_dir(required=source == "local")
    folder = Path(base) / subdir if base else None
    if folder is None or not (folder / probe).is_file():
        if source == "local":
            raise DataError(Path(base) / subdir / probe, "file not found (point --data-dir at the shared data folder)")
        return None
    return folder


def hub_load(title, hub_id, config, subdir):
    """``datasets.load_dataset(hub_id, config)``; offline it fails with one line that says what to do."""
    from benchmark.errors import BenchError

    try:
        import datasets

        return datasets.load_dataset(hub_id, config)
    except Exception as exc:
        raise BenchError(f"{title}: no local copy and the hub ({hub_id}) is unreachable ({type(exc).__name__}); "
                         f"pass --data-dir or set EMOBENCH_DATA_DIR to the folder holding {subdir}") from exc
