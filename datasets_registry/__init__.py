"""Built-in datasets, registered through the ``emobench`` entry-point group like any plugin."""
from benchmark import hookimpl
from datasets_registry import goemotions


@hookimpl
def register_datasets(register):
    register("goemotions", goemotions.load, goemotions.DESCRIPTION, card=goemotions.CARD,
             label_maps=goemotions.LABEL_MAPS)
