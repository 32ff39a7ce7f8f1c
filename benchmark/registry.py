"""Registries of light plugin specs: name, description, factory."""
import difflib
import inspect
from dataclasses import dataclass, field
from typing import Callable

from benchmark.errors import BenchError

BUILTIN_DIST = "emobench"


@dataclass(frozen=True)
class Spec:
    kind: str  # "dataset" | "augmenter" | "model"
    name: str
    factory: Callable
    description: str = ""
    plugin: str = ""  # entry-point / plugin name that registered it
    distribution: str = ""
    version: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def builtin(self):
        return self.distribution == BUILTIN_DIST

    def create(self, **params):
        return self.factory(**params)

    def defaults(self):
        """Default parameters read from the factory's signature (for docs and the store)."""
        try:
            sig = inspect.signature(self.factory)
        except (TypeError, ValueError):
            return {}
        return {
            k: p.default
            for k, p in sig.parameters.items()
            if p.default is not inspect.Parameter.empty and k != "seed"
            and isinstance(p.default, (str, int, float, bool, type(None)))
        }


class UnknownName(BenchError):
    pass


class Registry:
    def __init__(self, kind):
        self.kind = kind
        self._specs = {}
        self.refused = []  # one-line messages about duplicates that lost

    def add(self, spec):
        old = self._specs.get(spec.name)
        if old is None:
            self._specs[spec.name] = spec
            return
        winner, loser = (old, spec) if old.builtin or not spec.builtin else (spec, old)
        self._specs[spec.name] = winner
        self.refused.append(
            f"{self.kind} '{spec.name}' from {loser.distribution} ({loser.plugin}) refused: "
            f"the name is taken by {winner.distribution} ({winner.plugin})"
        )

    def get(self, name):
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownName(unknown_message(self.kind, name, self.names())) from None

    def names(self):
        return sorted(self._specs)

    def __contains__(self, name):
        return name in self._specs

    def __iter__(self):
        return iter(self._specs[n] for n in self.names())

    def __len__(self):
        return len(self._specs)


def unknown_message(kind, name, choices):
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.5)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return f"unknown {kind} '{name}'.{hint} Valid choices: {', '.join(choices) or '(none)'}"
