"""The three hooks a plugin can implement (style of simonw/llm).

Each hook receives ``register(name, factory, description="", **meta)``.
``factory(**params)`` builds the object; it is where heavy imports belong.
"""
import pluggy

hookspec = pluggy.HookspecMarker("emobench")
hookimpl = pluggy.HookimplMarker("emobench")


@hookspec
def register_datasets(register):
    """Register datasets. ``factory(**params)`` returns a :class:`benchmark.data.EmoData`.

    Extra keyword ``card=dict(...)`` carries the dataset card (citation, licence, ...).
    """


@hookspec
def register_augmenters(register):
    """Register augmenters. ``factory(**params)`` returns an object with
    ``augment(texts: list[str], n: int, seed: int) -> list[list[str]]``."""


@hookspec
def register_models(register):
    """Register models. ``factory(seed=0, **params)`` returns an unfitted estimator with
    ``fit(texts, Y, *, multi_label, eval_set=None) -> self`` and ``predict_proba(texts) -> (n, L)``."""
