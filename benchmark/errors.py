"""Errors the CLI shows as one line (no traceback) and exits non-zero."""


class BenchError(Exception):
    """A user-facing error. ``str(err)`` is the whole message."""

    exit_code = 2


class DataError(BenchError):
    """Bad input data: names the file and, where known, the line."""

    def __init__(self, path, problem, line=None):
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}")
        self.path, self.line, self.problem = str(path), line, problem


class PluginError(BenchError):
    """A plugin raised while it ran; names the plugin."""

    def __init__(self, kind, name, exc):
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        super().__init__(f"{kind} plugin '{name}' failed: {type(exc).__name__}: {msg}")
        self.kind, self.name, self.original = kind, name, exc
