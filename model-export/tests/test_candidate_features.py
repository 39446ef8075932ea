"""The hist_* and online_covisit candidate features and the online co-visitation table T, against hand-computed
values from docs/MODEL_BUNDLE.md "Candidate features" and "Online co-visitation"."""
import math

import numpy as np
from pytest import approx

from streamrec_model.features import (OnlineCovisit, candidate_feature_matrix, distinct_recent, hist_features)

H = 3_600_000
T0 = 1_700_000_000_000


def test_hist_features_hand_computed():
    # most recent first; "u" is unknown to any vocabulary: matching is by item id, so it counts like any other
    ids = ["a", "u", "b", "a", "u", "a"]
    types = ["view", "add_to_cart", "view", "purchase", "click", "add_to_cart"]
    ts = [T0, T0 - 1 * H, T0 - 2 * H, T0 - 3 * H, T0 - 4 * H, T0 - 5 * H]
    got = hist_features(ids, types, ts, T0, ["a", "u", "b", "z"], L=5)  # L' = 5: the last "a" (p=5) is out
    a, u, b, z = got
    assert a == approx([math.log(3), 1.0, 0.0, 0.0, 1.0], rel=1e-15, abs=0)            # p = 0, 3; cart only at p = 5 (outside L')
    assert u == approx([math.log(3), 0.5, math.log(2), 1.0, 0.0], rel=1e-15, abs=0)     # p = 1, 4; age 1 h
    assert b == approx([math.log(2), 1 / 3, math.log(3), 0.0, 0.0], rel=1e-15, abs=0)
    assert z == [0.0] * 5
    # L larger than the history: L' = history length, the p = 5 cart counts now
    a6 = hist_features(ids, types, ts, T0, ["a"], L=50)[0]
    assert math.isclose(a6[0], math.log(4)) and a6[3] == 1.0 and a6[4] == 1.0
    # type indices work like names; age uses the smallest p and is clamped at 0 for a later event
    got = hist_features(["x", "x"], [3, 1], [T0 + 10 * H, T0 - 2 * H], T0, ["x"], L=50)[0]
    assert got == approx([math.log(3), 1.0, 0.0, 1.0, 0.0], rel=1e-15, abs=0)
    got = hist_features(["y", "x"], [1, 1], [T0, T0 - 90 * 60_000], T0 + 30 * 60_000, ["x"], L=50)[0]
    assert math.isclose(got[2], math.log(1 + 2.0)) and got[1] == 0.5


def test_online_table_update_rule():
    T = OnlineCovisit(pair_window=3, max_gap_s=100)
    s = 1000
    # user's events: a@0, b@10, a@20, c@30, d@200 (d is 170 s after c: beyond the gap for everything)
    seq = [("a", 0), ("b", 10 * s), ("a", 20 * s), ("c", 30 * s), ("d", 200 * s), ("e", 201 * s)]
    for i, (x, t) in enumerate(seq):
        prev = seq[:i][::-1]
        T.add_event([p[0] for p in prev], [p[1] for p in prev], x, t)
    # b: k=1 a (+1).  a@20: k=1 b (+1), k=2 a same item (skip).  c: k=1 a (+1), k=2 b (+1/2), k=3 a (+1/3)
    # d: all > 100 s back: nothing.  e: k=1 d (+1), k=2..3 too old
    assert T.weight("a", "b") == 2.0 and T.weight("b", "a") == 2.0
    assert math.isclose(T.weight("c", "a"), 1 + 1 / 3) and math.isclose(T.weight("a", "c"), 1 + 1 / 3)
    assert T.weight("c", "b") == 0.5 and T.weight("b", "c") == 0.5
    assert T.weight("a", "a") == 0.0
    assert T.weight("d", "c") == 0.0 and T.weight("e", "d") == 1.0 and T.weight("d", "e") == 1.0
    # window W = 3: the 4th previous event never pairs
    T2 = OnlineCovisit(pair_window=3, max_gap_s=100)
    T2.add_event(["p1", "p2", "p3", "p4"], [0, 0, 0, 0], "x", 100 * s)  # exactly G: included
    assert [T2.weight("x", p) for p in ("p1", "p2", "p3", "p4")] == [1.0, 0.5, 1 / 3, 0.0]
    T2.add_event(["p1"], [0], "y", 100 * s + 1)  # one ms over G
    assert T2.weight("y", "p1") == 0.0


def test_online_score_top_and_json():
    T = OnlineCovisit.from_json({"a": [["x", 2.0], ["y", 1.0]], "b": [["x", 4.0], ["z", 1.0]],
                                 "c": [["w", 9.0]], "x": [["a", 2.0], ["b", 4.0]], "y": [["a", 1.0]],
                                 "z": [["b", 1.0]], "w": [["c", 9.0]]})
    hist = ["a", "a", "b", "a", "c", "d"]          # distinct: a, b, c (K = 3)
    d = distinct_recent(hist, 3)
    assert d == ["a", "b", "c"]
    assert T.score(d, "x") == 2.0 + 4.0 / 2
    assert T.score(d, "w") == 3.0
    assert T.scores_for(d, ["x", "y", "q"]) == approx([math.log(5.0), math.log(2.0), 0.0], rel=1e-15, abs=0)
    assert T.top(d, 10) == [("x", 4.0), ("w", 3.0), ("y", 1.0), ("z", 0.5)]
    assert T.top(["a", "c"], 2) == [("w", 4.5), ("x", 2.0)]
    T.t["b"]["y"] = 1.0                             # tie with y on score 0.5+... ties by id ascending
    assert [c for c, _ in T.top(["q", "b"], 10)] == ["x", "y", "z"]
    assert [c for c, _ in T.top(["q", "b"], 2)] == ["x", "y"]  # the tie at the n-th score is cut by id
    assert T.top(["a", "c"], 0) == []
    full = T.to_json()
    assert full["a"] == [["x", 2.0], ["y", 1.0]]
    part = T.to_json(["c"])
    assert part == {"c": [["w", 9.0]], "w": [["c", 9.0]]}
    assert OnlineCovisit.from_json(T.to_json()).t == {k: v for k, v in T.t.items() if v}


def test_candidate_feature_matrix_columns_in_order():
    names = ["covisit", "hist_count", "hist_recency", "hist_age", "hist_cart", "hist_purchase", "online_covisit"]
    cov = {"a": [("b", 2.0)]}
    T = OnlineCovisit.from_json({"a": [["c", 1.5]], "c": [["a", 1.5]]})
    m = candidate_feature_matrix(names, ["b", "a", "c"], ["a", "b"], ["purchase", "view"], [T0, T0 - H], T0,
                                 covisit=cov, M=10, L=50, online=T, online_items=3)
    assert m.dtype == np.float32 and m.shape == (3, 7)
    exp = np.array([[math.log(3), math.log(2), 0.5, math.log(2), 0, 0, 0],
                    [0, math.log(2), 1, 0, 0, 1, 0],
                    [0, 0, 0, 0, 0, 0, math.log(2.5)]], dtype=np.float32)
    assert np.allclose(m, exp, rtol=1e-7, atol=0)
    only = candidate_feature_matrix(["covisit"], ["b"], ["a"], covisit=cov, M=10)
    assert only.shape == (1, 1) and math.isclose(only[0, 0], math.log(3), rel_tol=1e-7)


def test_build_with_all_candidate_features(tmp_path):
    """eval-default.json's feature list end to end on generated traffic: the ranker takes F = 7 columns, the manifest
    names them and the online table's parameters, golden cases cover every new column and verify replays them."""
    import json
    import os
    from streamrec_model.config import load_config
    from streamrec_model.data import read_lines
    from streamrec_model.export import export_bundle
    from streamrec_model.train import train
    from streamrec_model.synth import generate
    from streamrec_model.verify import verify_bundle
    events = generate(n_users=80, n_items=200, n_categories=8, days=5, seed=5)
    log = read_lines([json.dumps(e) for e in events], "jsonl", source="generated")
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cfg = load_config(os.path.join(here, "configs", "eval-default.json"),
                      ["retrieval.epochs=2", "ranker.epochs=2", "ranker.max_examples=1500", "data.train_fraction=0.8",
                       "ranker.val_max_examples=300", "eval.max_triggers=300", "threads=1"])
    names = cfg["features"]["candidate_features"]
    assert names == ["covisit", "hist_count", "hist_recency", "hist_age", "hist_cart", "hist_purchase",
                     "online_covisit"]
    report = train(cfg, log, str(tmp_path / "ckpt"))
    assert report["ranker_training"]["train_examples"] > 0
    m = export_bundle(str(tmp_path / "ckpt"), str(tmp_path / "bundle"), model_version="test-feats")
    assert m["candidate_features"] == names
    assert m["online_covisit"] == {"items": 3, "pair_window": 5, "max_gap_s": 86400}
    assert [t["shape"] for t in m["inputs"] if t["name"] == "cand_feats"][0][-1] == 7
    assert verify_bundle(str(tmp_path / "bundle"))
    g = json.load(open(tmp_path / "bundle" / "golden.json"))
    cases = g["candidate_feature_cases"]
    assert all({"history_types", "history_ts", "trigger_ts", "online_covisit"} <= set(c) for c in cases)
    cf = np.concatenate([np.array(c["expected"]) for c in cases])
    assert cf.shape[1] == 7 and np.all((cf != 0).any(axis=0))       # every column nonzero in some case
    assert any(np.array(c["expected"])[:, 6].any() for c in cases[:-1])  # online_covisit from the real log too
    rf = np.concatenate([np.array(c["inputs"]["cand_feats"]).reshape(-1, 7) for c in g["ranker_cases"]])
    assert np.all((rf != 0).any(axis=0))
    # index-0 candidates (unknown to the vocabulary) with nonzero history features
    ci = np.concatenate([np.array(c["inputs"]["cand_items"]).reshape(-1) for c in g["ranker_cases"]])
    assert (rf[ci == 0, 1] > 0).any()
