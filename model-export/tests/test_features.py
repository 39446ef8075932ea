import json
import math
import os

import numpy as np

from streamrec_model import EVENT_TYPES
from streamrec_model.features import (InterestState, Vocab, context_features, covisit_feature, build_covisit,
                                      type_weight_array, context_feature_names)
from streamrec_model.verify import verify_bundle

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_BUNDLE = os.path.join(os.path.dirname(HERE), "bundles", "default")


def reference_interest(events, emb, weights, half_life):
    """The contract's pseudo-code, written independently of features.InterestState."""
    v, last, out = None, None, []
    for item, typ, ts in events:
        if v is None:
            v, last, f = [0.0] * len(emb[item]), ts, 1.0
        else:
            f = 2 ** (-(max(0, ts - last) / 1000) / half_life)
            last = max(last, ts)
        e = emb.get(item)
        v = [float(np.float32(float(v[i]) * f + float(weights[typ]) * (float(e[i]) if e is not None else 0.0)))
             for i in range(len(v))]
        out.append(v)
    return out


def test_interest_matches_hand_computed_cases():
    emb = {"a": np.array([1.0, 0.5, -2.0], np.float32), "b": np.array([0.25, -1.0, 0.0], np.float32)}
    emb_pad = np.vstack([np.zeros(3, np.float32), emb["a"], emb["b"]])
    vocab = Vocab(["a", "b"])
    weights = {"view": 1.0, "click": 2.0, "add_to_cart": 3.0, "remove_from_cart": -1.0, "purchase": 4.0,
               "search": 0.5}
    ev = [("a", "view", 1_000_000), ("b", "click", 1_060_000), ("zzz", "purchase", 1_120_000),
          ("a", "remove_from_cart", 1_000_000),  # out of order: no decay, last_ts stays
          ("b", "add_to_cart", 1_120_000 + 3_600_000)]
    st = InterestState(emb_pad, type_weight_array(weights), 60.0)
    got = [st.update(vocab.idx(i), EVENT_TYPES.index(t) + 1, ts).tolist() for i, t, ts in ev]
    exp = reference_interest([(i, t, ts) for i, t, ts in ev], emb, weights, 60.0)
    assert np.allclose(got, exp, atol=0, rtol=0)
    # first event: w_view * e_a; second: decayed by one half-life plus 2 * e_b
    assert got[0] == [1.0, 0.5, -2.0]
    assert np.allclose(got[1], np.float32(np.array([1.0, 0.5, -2.0]) * 0.5 + 2 * emb["b"]))
    # an hour later everything before has decayed to (almost) nothing
    assert np.allclose(got[4], 3 * emb["b"], atol=1e-6)


def test_interest_reproduces_default_bundle_golden_cases():
    m = json.load(open(os.path.join(DEFAULT_BUNDLE, "manifest.json")))
    g = json.load(open(os.path.join(DEFAULT_BUNDLE, "golden.json")))
    items = open(os.path.join(DEFAULT_BUNDLE, "items.txt"), encoding="utf-8").read().split("\n")[:-1]
    E = np.fromfile(os.path.join(DEFAULT_BUNDLE, "item_embeddings.f32"), "<f4").reshape(len(items), -1)
    emb = {it: E[i] for i, it in enumerate(items)}
    assert len(g["interest_cases"]) >= 2
    for case in g["interest_cases"]:
        ev = [(e["item_id"], e["type"], e["ts"]) for e in case["events"]]
        exp = reference_interest(ev, emb, m["event_type_weights"], m["decay_half_life_s"])
        assert np.max(np.abs(np.array(exp) - np.array(case["expected"]))) <= g["tolerance"]


def test_default_bundle_is_valid():
    assert verify_bundle(DEFAULT_BUNDLE, quiet=True)


def test_context_features():
    names = context_feature_names()
    assert names[:4] == ["hour_sin", "hour_cos", "dow_sin", "dow_cos"] and names[-1] == "log_hist_len"
    f = context_features(0, "view", 1, 50)  # 1970-01-01 00:00 UTC, a Thursday (w = 3)
    assert f[0] == 0.0 and f[1] == 1.0
    assert math.isclose(f[2], math.sin(2 * math.pi * 3 / 7)) and math.isclose(f[3], math.cos(2 * math.pi * 3 / 7))
    assert f[4:10] == [1, 0, 0, 0, 0, 0]
    assert math.isclose(f[10], math.log(2))
    ts = 4 * 86_400_000 + 18 * 3_600_000 + 30 * 60_000  # Monday 1970-01-05 18:30
    f = context_features(ts, "purchase", 120, 50)
    assert math.isclose(f[0], math.sin(2 * math.pi * 18.5 / 24), abs_tol=1e-12)
    assert f[2] == 0.0 and f[3] == 1.0
    assert f[4:10] == [0, 0, 0, 0, 1, 0]
    assert math.isclose(f[10], math.log(51))  # capped at L


def test_covisit_feature_formula():
    cov = {"a": [("x", 3.0), ("y", 1.0)], "b": [("x", 2.0)], "c": [("y", 8.0)]}
    hist = ["a", "b", "c"]  # most recent first
    got = covisit_feature(hist, ["x", "y", "z"], cov, 2)  # M = 2: c is outside the window
    assert math.isclose(got[0], math.log(1 + 3.0 + 2.0 / 2))
    assert math.isclose(got[1], math.log(1 + 1.0))
    assert got[2] == 0.0
    got = covisit_feature(["b"], ["x"], cov, 10)  # M' = history length
    assert math.isclose(got[0], math.log(3.0))


def test_build_covisit_sorted_positive():
    seqs = [(["a", "b", "a", "c"], np.ones(4, np.int64), np.array([0, 1000, 2000, 3000])),
            (["a", "b"], np.ones(2, np.int64), np.array([0, 10 ** 9]))]  # too far apart: no pair
    cov = build_covisit(seqs, window=2, max_gap_ms=60_000, top_n=5)
    assert cov["a"][0] == ("b", 2.0)
    for lst in cov.values():
        assert all(w > 0 for _, w in lst)
        assert [w for _, w in lst] == sorted((w for _, w in lst), reverse=True)
