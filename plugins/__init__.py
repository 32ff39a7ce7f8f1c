"""Built-in augmenters and models (registered through the ``emobench`` entry-point group)."""
