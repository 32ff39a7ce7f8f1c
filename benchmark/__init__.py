"""emobench: a plugin-based benchmark framework for text emotion detection.

Importing this package is cheap: no torch, transformers, datasets or sklearn.
"""
from benchmark.hookspecs import hookimpl

__version__ = "0.1.0"
__all__ = ["hookimpl", "__version__"]
