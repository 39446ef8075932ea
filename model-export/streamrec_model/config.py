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


REVISIT_DEFAULTS = {"enabled": True, "features": None, "epochs": 300, "lr": 0.2, "l2": 1e-4, "max_examples": 50000}


def revisit_params(cfg):
    """The ``revisit`` section (the re-visit order scorer, docs/MODEL_BUNDLE.md "Re-visit order"); configs written
    before it existed, or keys left out, take the defaults (enabled, features.REVISIT_FEATURES).
    max_examples 0 = all."""
    from .features import REVISIT_FEATURES, REVISIT_KNOWN, unknown_revisit_features
    given = cfg.get("revisit")
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise ValueError("config section 'revisit' must be an object, got %r" % (given,))
    extra = [k for k in given if k not in REVISIT_DEFAULTS and not k.startswith("_")]
    if extra:
        raise ValueError("unknown revisit config keys %s (known: %s)" % (extra, sorted(REVISIT_DEFAULTS)))
    p = dict(REVISIT_DEFAULTS)
    p.update(given)
    names = list(REVISIT_FEATURES if p["features"] is None else p["features"])
    unknown = unknown_revisit_features(names)
    if unknown:
        raise ValueError("unknown revisit features %s (known: %s)" % (unknown, REVISIT_KNOWN))
    if not names or len(set(names)) != len(names):
        raise ValueError("revisit.features must be a non-empty list without duplicates: %s" % names)
    out = {"enabled": bool(p["enabled"]), "features": names, "epochs": int(p["epochs"]), "lr": float(p["lr"]),
           "l2": float(p["l2"]), "max_examples": int(p["max_examples"])}
    if out["epochs"] < 0 or out["lr"] <= 0 or out["l2"] < 0 or out["max_examples"] < 0:
        raise ValueError("revisit: need epochs >= 0, lr > 0, l2 >= 0, max_examples >= 0: %s" % out)
    return out
