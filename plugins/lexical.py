"""Built-in plugins: lexical (registrations only; implementations are imported lazily)."""
from benchmark import hookimpl  # noqa: F401
