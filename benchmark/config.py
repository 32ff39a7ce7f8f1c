"""A run's configuration and its stable identity (hash)."""
import hashlib
import json
from dataclasses import asdict, dataclass, field


@dataclass
class RunConfig:
    dataset: str
    dataset_params: dict = field(default_factory=dict)
    label_space: str = "native"
    eval_dataset: str = None
    augmenter: str = "none"
    augmenter_params: dict = field(default_factory=dict)
    aug_scope: str = "all"
    aug_copies: int = 4
    aug_target: int = None
    aug_filter: str = None
    model: str = "tfidf-logreg"
    model_params: dict = field(default_factory=dict)
    seed: int = 0
    limit: int = None
    limit_seed: int = 0
    extra: dict = field(default_factory=dict)  # protocol links (e.g. transfer source run); part of identity

    def identity(self, with_seed=True):
        d = asdict(self)
        if d["augmenter"] == "none":  # policy knobs mean nothing without an augmenter
            for k in ("augmenter_params", "aug_scope", "aug_copies", "aug_target", "aug_filter"):
                d.pop(k)
        if d["limit"] is None:
            d.pop("limit_seed")
        if not with_seed:
            d.pop("seed")
        return d

    def run_id(self):
        return _hash(self.identity())[:16]

    def group_id(self):
        """Same for runs that differ only in seed."""
        return _hash(self.identity(with_seed=False))[:16]

    @property
    def taxonomy(self):
        return self.dataset_params.get("taxonomy")


def _hash(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()
