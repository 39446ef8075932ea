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


def candidate_feature_names(cfg):
    """features.candidate_features; configs written before it existed mean ["covisit"]."""
    names = list(cfg.get("features", {}).get("candidate_features") or ["covisit"])
    from .features import CANDIDATE_FEATURES
    unknown = [n for n in names if n not in CANDIDATE_FEATURES]
    if unknown:
        raise ValueError("unknown candidate features %s (known: %s)" % (unknown, CANDIDATE_FEATURES))
    return names


def online_covisit_params(cfg):
    """features.online_covisit {items K, pair_window W, max_gap_s G}; absent keys take the contract's defaults
    (the values a job uses for a bundle without them)."""
    from .features import ONLINE_COVISIT_DEFAULTS
    p = dict(ONLINE_COVISIT_DEFAULTS)
    p.update(cfg.get("features", {}).get("online_covisit") or {})
    return {k: int(p[k]) for k in ONLINE_COVISIT_DEFAULTS}


def online_candidates(cfg):
    """candidates.online_covisit: N of the online co-visitation candidate source (50 when absent)."""
    return int(cfg.get("candidates", {}).get("online_covisit", 50))
