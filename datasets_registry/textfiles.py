"""Strict line readers shared by the dataset loaders: errors name the file and line."""
from pathlib import Path

from benchmark.errors import DataError


def read_lines(path, skip_empty=False):
    """UTF-8 lines of ``path`` as (line_number, text) without line endings (LF or CRLF; BOM dropped)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, "file not found")
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(path, "empty file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(path, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); re-save the file as UTF-8",
                        line) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
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
