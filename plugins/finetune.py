"""Built-in plugins: finetune (registrations only; implementations are imported lazily)."""
from benchmark import hookimpl  # noqa: F401
