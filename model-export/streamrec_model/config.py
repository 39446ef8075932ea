"""One JSON config file holds every hyper-parameter; the CLI overrides single keys with --set a.b=value."""
import copy
import json
import os

DEFAULT_CONFIG = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "configs", "default.json")


def load_config(path=None, overrides=()):
    with open(path or DEFAULT_CONFIG) as f:
        cfg = json.load(f)
    for ov in overrides or ():
        set_key(cfg, ov)
    return cfg


def set_key(cfg, assignment):
    """``a.b.c=value``; value is parsed as JSON when it can be (numbers, true, null, lists), else kept as a string."""
    if "=" not in assignment:
        raise ValueError("override must look like key.sub=value: %r" % assignment)
    key, raw = assignment.split("=", 1)
    try:
        val = json.loads(raw)
    except ValueError:
        val = raw
    node = cfg
    parts = key.split(".")
    for p in parts[:-1]:
        if p not in node or not isinstance(node[p], dict):
            raise KeyError("unknown config section %r in %r" % (p, key))
        node = node[p]
    if parts[-1] not in node:
        raise KeyError("unknown config key %r" % key)
    node[parts[-1]] = val
    return cfg


def merged(cfg, **changes):
    c = copy.deepcopy(cfg)
    for k, v in changes.items():
        set_key(c, "%s=%s" % (k, json.dumps(v)))
    return c
