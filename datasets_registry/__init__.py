"""Built-in datasets, registered through the ``emobench`` entry-point group like any plugin."""
from benchmark import hookimpl
from datasets_registry import carer, goemotions, semeval, tweeteval


@hookimpl
def register_datasets(register):
    register("goemotions", goemotions.load, goemotions.DESCRIPTION, card=goemotions.CARD,
             label_maps=goemotions.LABEL_MAPS)
    for name, mod in (("carer", carer), ("tweeteval-emotion", tweeteval), ("semeval2018-ec", semeval)):
        register(name, mod.load, mod.DESCRIPTION, card=mod.CARD, label_maps=mod.LABEL_MAPS)
