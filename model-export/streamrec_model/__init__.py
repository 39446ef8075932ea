"""streamrec model-export: trains the ranker and writes the model bundle (see docs/MODEL_BUNDLE.md)."""

EVENT_TYPES = ["view", "click", "add_to_cart", "remove_from_cart", "purchase", "search"]
TYPE_INDEX = {t: i + 1 for i, t in enumerate(EVENT_TYPES)}  # 0 = padding
FORMAT_VERSION = 1
__version__ = "0.1.0"
