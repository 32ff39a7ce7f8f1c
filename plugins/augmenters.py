"""Built-in augmenters. Each factory imports its implementation lazily."""
from benchmark import hookimpl


class NoAugmenter:
    """Returns no copies: the baseline."""

    def augment(self, texts, n, seed):
        return [[] for _ in texts]


def none():
    return NoAugmenter()


def eda(alpha_sr=0.1, alpha_ri=0.1, alpha_rs=0.1, p_rd=0.1):
    from plugins.eda import EDA

    return EDA(alpha_sr=alpha_sr, alpha_ri=alpha_ri, alpha_rs=alpha_rs, p_rd=p_rd)


@hookimpl
def register_augmenters(register):
    register("none", none, "No augmentation (baseline)")
    register("eda", eda, "Easy Data Augmentation: WordNet synonym replacement, random insertion, swap, deletion")
