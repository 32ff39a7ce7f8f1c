"""Load Hugging Face models by local folder or hub id; offline, fail with one line saying what to pass."""
import os

from benchmark.errors import BenchError


def device(name="auto"):
    import torch

    if name in (None, "", "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    return str(name)


def is_path(name):
    return name.startswith(("/", "./", "../", "~")) or os.path.exists(os.path.expanduser(name))


def _offline():
    return any(os.environ.get(v, "").lower() in ("1", "true", "yes") for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


def _line(exc):
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def load(cls, name, what, param="model", **kwargs):
    """``cls.from_pretrained(name)``: a local folder, else the HF cache, else the hub (unless offline)."""
    name = str(name)
    if is_path(name):
        path = os.path.expanduser(name)
        if not os.path.isdir(path):
            raise BenchError(f"{what}: model folder not found: {name} (--aug-param {param}=PATH)")
        try:
            return cls.from_pretrained(path, **kwargs)
        except Exception as exc:
            raise BenchError(f"{what}: cannot load {name}: {type(exc).__name__}: {_line(exc)}") from exc
    try:
        return cls.from_pretrained(name, local_files_only=True, **kwargs)
    except (OSError, ValueError):
        pass
    if not _offline():
        try:
            return cls.from_pretrained(name, **kwargs)
        except (OSError, ValueError) as exc:
            raise BenchError(f"{what}: cannot load '{name}' from the Hugging Face hub ({_line(exc)}); "
                             f"pass a local folder: --aug-param {param}=/path/to/model") from exc
    raise BenchError(f"{what}: model '{name}' is not in the local Hugging Face cache and the hub is off "
                     f"(HF_HUB_OFFLINE); pass a local folder: --aug-param {param}=/path/to/model")
