"""Built-in plugins: lexical augmenters (registrations only; implementations are imported lazily)."""
from benchmark import hookimpl


def wordnet_synonym(p=0.15, fill=True):
    from plugins.wordswap import WordNetSynonym

    return WordNetSynonym(p=p, fill=fill)


def glove_swap(p=0.15, k=10, min_sim=0.0, vocab=50000, fill=True):
    from plugins.wordswap import GloveSwap

    return GloveSwap(p=p, k=k, min_sim=min_sim, vocab=vocab, fill=fill)


def _textattack(recipe):
    if recipe == "embedding":
        def factory(pct_words_to_swap=0.1, max_candidates=50, min_cos_sim=0.8, vocab=50000, max_words=100):
            from plugins.textattack_aug import TextAttackAugmenter

            return TextAttackAugmenter(recipe, pct_words_to_swap, max_candidates, min_cos_sim, vocab, max_words)
    else:
        def factory(pct_words_to_swap=0.1, max_words=100):
            from plugins.textattack_aug import TextAttackAugmenter

            return TextAttackAugmenter(recipe, pct_words_to_swap, max_words=max_words)

    factory.__name__ = f"textattack_{recipe}"
    return factory


TEXTATTACK = {
    "eda": "TextAttack EasyDataAugmenter (WordNet swap, insertion, word swap, deletion)",
    "wordnet": "TextAttack WordNetAugmenter (WordNet synonym swap)",
    "deletion": "TextAttack DeletionAugmenter (random word deletion)",
    "charswap": "TextAttack CharSwapAugmenter (character swap/insert/delete/substitute)",
    "embedding": "TextAttack EmbeddingAugmenter on local GloVe 6B 50d neighbours (cos >= 0.8)",
    "checklist": "TextAttack CheckList: number change, contraction, expansion (offline: no name/location swap)",
}


@hookimpl
def register_augmenters(register):
    register("wordnet-synonym", wordnet_synonym, "WordNet synonym substitution (offline NLTK WordNet)")
    register("glove-swap", glove_swap, "GloVe 6B 50d nearest-neighbour substitution (precomputed top-k, cached)")
    for recipe, desc in TEXTATTACK.items():
        register(f"textattack:{recipe}", _textattack(recipe), desc + " [extra: textattack]")
