"""The one pluggy PluginManager; plugins come from the ``emobench`` entry-point group.

Built-ins register through the same group, from the ``emobench`` distribution.
``EMOBENCH_LOAD_PLUGINS=a,b`` loads only those third-party distributions (built-ins always load);
``EMOBENCH_STRICT_PLUGINS=1`` (or ``bench --strict``) makes an import failure fatal.
"""
import os
from dataclasses import dataclass, field
from importlib.metadata import entry_points

import pluggy

from benchmark import hookspecs
from benchmark.errors import BenchError
from benchmark.registry import BUILTIN_DIST, Registry, Spec

GROUP = "emobench"
KINDS = ("dataset", "augmenter", "model")

pm = pluggy.PluginManager(GROUP)
pm.add_hookspecs(hookspecs)


@dataclass
class PluginInfo:
    name: str
    distribution: str
    version: str
    module: str
    hooks: list = field(default_factory=list)


_state = {"loaded": False, "strict": None}
_info = {}  # plugin name -> PluginInfo
failures = []  # one-line messages about plugins that failed to import or register
_registries = {}


def set_strict(flag=True):
    _state["strict"] = bool(flag)


def strict():
    if _state["strict"] is not None:
        return _state["strict"]
    return os.environ.get("EMOBENCH_STRICT_PLUGINS", "").lower() in ("1", "true", "yes")


def _fail(msg):
    if strict():
        raise BenchError(msg + " (strict mode: set EMOBENCH_STRICT_PLUGINS=0 or drop --strict to skip it)")
    if msg not in failures:
        failures.append(msg)


def load_plugins():
    if _state["loaded"]:
        return
    _state["loaded"] = True
    allow = os.environ.get("EMOBENCH_LOAD_PLUGINS")
    allowed = None if allow is None else {a.strip() for a in allow.split(",") if a.strip()}
    for ep in entry_points(group=GROUP):
        dist = ep.dist.name if ep.dist else "?"
        version = ep.dist.version if ep.dist else ""
        if allowed is not None and dist != BUILTIN_DIST and dist not in allowed:
            continue
        if pm.has_plugin(ep.name):
            continue
        try:
            module = ep.load()
        except Exception as exc:  # a broken plugin must not break the tool
            _fail(f"plugin '{ep.name}' ({dist}) failed to import: {type(exc).__name__}: {exc}")
            continue
        pm.register(module, name=ep.name)
        _info[ep.name] = PluginInfo(ep.name, dist, version, ep.value)


def register_plugin(obj, name, distribution="local", version=""):
    """Register an in-process plugin object (used by tests and notebooks)."""
    load_plugins()
    pm.register(obj, name=name)
    _info[name] = PluginInfo(name, distribution, version, getattr(obj, "__name__", repr(obj)))
    _registries.clear()


def unregister_plugin(name):
    pm.unregister(name=name)
    _info.pop(name, None)
    _registries.clear()


def plugin_infos():
    load_plugins()
    infos = []
    for name, plugin in pm.list_name_plugin():
        info = _info.get(name) or PluginInfo(name, "local", "", repr(plugin))
        info.hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        infos.append(info)
    return sorted(infos, key=lambda i: (i.distribution != BUILTIN_DIST, i.name))


def registry(kind):
    """The registry of ``kind`` ('dataset', 'augmenter' or 'model'), built once per process."""
    if kind not in KINDS:
        raise ValueError(kind)
    if kind in _registries:
        return _registries[kind]
    load_plugins()
    reg = Registry(kind)
    caller = getattr(pm.hook, f"register_{kind}s")
    for impl in caller.get_hookimpls():
        info = _info.get(impl.plugin_name) or PluginInfo(impl.plugin_name, "local", "", "")

        def register(name, factory, description="", _info=info, **meta):
            reg.add(Spec(kind, name, factory, description, _info.name, _info.distribution, _info.version, meta))

        try:
            impl.function(register=register)
        except Exception as exc:
            _fail(f"plugin '{info.name}' ({info.distribution}) failed in register_{kind}s: {type(exc).__name__}: {exc}")
    for msg in reg.refused:
        if msg not in failures:
            failures.append(msg)
    _registries[kind] = reg
    return reg


def get(kind, name) -> Spec:
    return registry(kind).get(name)
