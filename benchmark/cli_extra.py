"""Registers the command modules of each area. Each module exposes ``commands() -> list``."""
import importlib

MODULES = (
    "benchmark.cli_datasets",   # bench datasets, bench matrix
    "benchmark.cli_augment",    # bench augment
    "benchmark.cli_models",     # bench transfer
    "benchmark.cli_reports",    # bench compare, figures, report
    "benchmark.cli_sweep",      # bench sweep
)


def commands():
    out = []
    for name in MODULES:
        try:
            mod = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        out.extend(mod.commands())
    return out
