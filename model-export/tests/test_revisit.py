"""The re-visit order (docs/MODEL_BUNDLE.md "Re-visit order"): its features against hand-computed values, the serving
refill rule, the fitting on synthetic examples and on a small log, and the config section's defaults."""
import math

import numpy as np
import pytest
from pytest import approx

from streamrec_model import TYPE_INDEX
from streamrec_model.config import load_config, revisit_params
from streamrec_model.data import EventLog
from streamrec_model.features import (REVISIT_FEATURES, category_key, revisit_features, revisit_order,
                                      revisit_refill, revisit_scores)
from streamrec_model.prepared import Prepared
from streamrec_model.revisit import fit_revisit, fit_revisit_weights, pack_revisit, revisit_examples, revisit_mrr

MIN = 60_000
T0 = 1_700_000_000_000


TEN = ["log_rank", "inv_rank", "rank_0", "rank_1", "rank_2", "log_count", "log_minutes", "seen_click",
       "seen_add_to_cart", "seen_purchase"]


def hand_history():
    # most recent first; p:   0       1        2              3        4           5              6
    ids = ["a", "b", "a", "u", "c", "b", "d"]
    types = ["view", "click", "add_to_cart", "view", "purchase", "add_to_cart", "purchase"]
    ts = [T0, T0 - 2 * MIN, T0 - 5 * MIN, T0 + 10 * MIN, T0 - 30 * MIN, T0 - 60 * MIN, T0 - 90 * MIN]
    return ids, types, ts


def test_revisit_features_hand_computed():
    ids, types, ts = hand_history()
    items, rows = revisit_features(ids, types, ts, T0, 6, TEN)  # L' = 6: "d" (p = 6) is outside the window
    # distinct ranks by most recent occurrence: a (p 0), b (p 1), u (p 3), c (p 4); the repeats at p 2, 5 add no rank
    assert items == ["a", "b", "u", "c"]
    ln = math.log
    # log_rank, inv_rank, rank_0, rank_1, rank_2, log_count, log_minutes, seen_click, seen_add_to_cart, seen_purchase
    exp = [[0.0, 1.0, 1, 0, 0, ln(3), 0.0, 0, 1, 0],          # a: n 2 (p 0, 2), 0 min, cart at p 2
           [ln(2), 0.5, 0, 1, 0, ln(3), ln(3), 1, 1, 0],     # b: n 2 (p 1, 5), p* = 1: 2 min, click p 1, cart p 5
           [ln(3), 1 / 3, 0, 0, 1, ln(2), 0.0, 0, 0, 0],     # u: later than the trigger: minutes clamped at 0
           [ln(4), 0.25, 0, 0, 0, ln(2), ln(31), 0, 0, 1]]   # c: 30 min, purchase
    assert len(rows) == 4
    for got, want in zip(rows, exp):
        assert got == approx(want, rel=1e-15, abs=0)
    # L beyond the history: L' = history length, so d comes in at r = 4, 90 minutes old
    items, rows = revisit_features(ids, types, ts, T0, 50, TEN)
    assert items == ["a", "b", "u", "c", "d"]
    assert rows[4] == approx([ln(5), 0.2, 0, 0, 0, ln(2), ln(91), 0, 0, 1], rel=1e-15, abs=0)
    # type indices work like names; trigger_ts is the given one (one minute after p 0's event)
    items2, rows2 = revisit_features(ids, [TYPE_INDEX[t] for t in types], ts, T0 + MIN, 6, TEN)
    assert items2 == ["a", "b", "u", "c"]
    assert rows2[0][6] == approx(ln(2)) and rows2[1][6] == approx(ln(4)) and rows2[3][6] == approx(ln(32))
    # any seen_<event type>, in the order asked; r 2 flag
    _, rows3 = revisit_features(ids, types, ts, T0, 6, ["seen_view", "seen_search", "seen_purchase", "rank_2"])
    assert rows3 == [[1, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 1], [0, 0, 1, 0]]
    # a history of the trigger alone: one item, r = 0
    assert revisit_features(["x"], ["search"], [T0], T0, 50, ["rank_0", "seen_search", "log_count"]) == (
        ["x"], [[1.0, 1.0, math.log(2)]])
    with pytest.raises(ValueError):
        revisit_features(ids, types, ts, T0, 6, ["log_rank", "seen_favourite"])


def test_transition_features_count_neighbours_of_the_triggers_item_inside_the_window():
    ids, types, ts = hand_history()
    names = ["log_after_trigger", "after_trigger_inv_rank", "log_before_trigger"]
    ln = math.log
    # window a b a u c b (L' = 6); the trigger's item a is at p 0 and 2: b is right before p 0 and right after
    # p 2, u right before p 2; a itself counts neither way
    items, rows = revisit_features(ids, types, ts, T0, 6, names)
    assert items == ["a", "b", "u", "c"]
    assert rows == [[0.0, 0.0, 0.0], [ln(2), 0.5, ln(2)], [0.0, 0.0, ln(2)], [0.0, 0.0, 0.0]]
    # L' = 2 (a b): only p 0's neighbour b, before it
    assert revisit_features(ids, types, ts, T0, 2, names)[1] == [[0.0, 0.0, 0.0], [0.0, 0.0, ln(2)]]
    # repeats count: x y x y x, trigger x, y twice on each side
    _, rows = revisit_features(list("xyxyx"), ["view"] * 5, [T0] * 5, T0, 50, names)
    assert rows[1] == approx([ln(3), 0.5, ln(3)])


def test_category_key_is_the_java_sides_one_byte_key():
    # the same values CategoryKeyTest pins on the Java side
    assert [category_key(c) for c in ["shoes", "Schuhe \u00fc", "4145813", "c1", "c2"]] == [253, 189, 84, 3, 62]
    assert category_key(None) == 0 and category_key("") == 0
    assert all(1 <= category_key("category-%d" % i) <= 255 for i in range(10_000))


def test_same_category_reads_each_items_most_recent_event_and_the_triggers_key():
    ids, types, ts = hand_history()
    names = ["same_category", "same_category_inv_rank"]
    # a (trigger, p 0) in 7; b's latest event (p 1) in 7, its older one (p 5) not; u (p 3) has no key; c (p 4) 9
    keys = [7, 7, 9, 0, 9, 3, 7]
    items, rows = revisit_features(ids, types, ts, T0, 6, names, keys)
    assert items == ["a", "b", "u", "c"]
    assert rows == [[1.0, 1.0], [1.0, 0.5], [0.0, 0.0], [0.0, 0.0]]
    # a trigger without a category matches nothing; no keys at all is the same
    assert revisit_features(ids, types, ts, T0, 6, names, [0, 7, 9, 0, 9, 3, 7])[1] == [[0.0, 0.0]] * 4
    assert revisit_features(ids, types, ts, T0, 6, names)[1] == [[0.0, 0.0]] * 4


def test_revisit_scores_and_order_ties_go_to_smaller_rank():
    ids, types, ts = hand_history()
    _, rows = revisit_features(ids, types, ts, T0, 6)
    w = [0.0] * len(REVISIT_FEATURES)
    assert revisit_order(revisit_scores(rows, w)) == [0, 1, 2, 3]          # all tie: plain recency
    w[REVISIT_FEATURES.index("rank_0")] = -1.0                              # own item last, the rest tie
    assert revisit_scores(rows, w) == [-1.0, 0.0, 0.0, 0.0]
    assert revisit_order(revisit_scores(rows, w)) == [1, 2, 3, 0]
    w[REVISIT_FEATURES.index("seen_purchase")] = 2.0
    w[REVISIT_FEATURES.index("log_count")] = 0.5
    s = revisit_scores(rows, w)
    assert s == approx([-1 + 0.5 * math.log(3), 0.5 * math.log(3), 0.5 * math.log(2), 2 + 0.5 * math.log(2)],
                       rel=1e-15)
    assert revisit_order(s) == [3, 1, 2, 0]


def test_refill_puts_the_best_window_items_into_the_rankers_revisit_slots():
    key = {"a": (-1.0, 0), "b": (-3.0, 1), "c": (-2.0, 2), "d": (-9.0, 3)}
    # ranker list x, a, y, b, z: slots 1 and 3 hold window items; H = d, b, c, a (by key), candidates or not
    assert revisit_refill(["x", "a", "y", "b", "z"], key) == ["x", "d", "y", "b", "z"]
    # the job's filters: "d" (say, bought) never comes back
    assert revisit_refill(["x", "a", "y", "b", "z"], key, allowed={"a", "b", "c"}) == ["x", "b", "y", "c", "z"]
    # a list without window items is unchanged
    assert revisit_refill(["x", "y", "z"], key) == ["x", "y", "z"]


def synthetic_examples(n, rng, target_rank):
    rows, y = [], []
    types = ["view", "click", "add_to_cart", "purchase"]
    while len(rows) < n:
        length = int(rng.integers(3, 15))
        ids = ["i%d" % x for x in rng.integers(0, 6, size=length)]
        ts = list(T0 - np.sort(rng.integers(0, 600, size=length)) * MIN)
        items, feats = revisit_features(ids, [types[int(t)] for t in rng.integers(0, 4, size=length)], ts, T0, 50)
        if len(items) > target_rank:
            rows.append(feats)
            y.append(target_rank)
    return rows, np.array(y)


def test_fitting_recovers_a_clear_preference_for_the_second_most_recent_item():
    rows, y = synthetic_examples(400, np.random.default_rng(0), 1)
    X, mask = pack_revisit(rows, len(REVISIT_FEATURES))
    assert X.shape == (400, mask.sum(axis=1).max(), len(REVISIT_FEATURES)) and X.dtype == np.float64
    assert (mask.sum(axis=1) == [len(r) for r in rows]).all()
    w, info = fit_revisit_weights(X, mask, y, epochs=300, lr=0.2, l2=1e-4)
    assert revisit_mrr(X, mask, y, np.zeros(len(w))) == approx(0.5)   # recency puts r = 1 second, always
    assert revisit_mrr(X, mask, y, w) > 0.99
    assert info["loss"] < 0.3 * info["loss_start"]
    assert w[REVISIT_FEATURES.index("rank_1")] == max(w)
    for feats in rows[:20]:
        assert revisit_order(revisit_scores(feats, w))[0] == 1


def test_fit_revisit_on_a_log_uses_the_latest_revisit_triggers():
    # each user alternates a, b, a, b, ... with a fresh item every fifth step: the next item is the other one of
    # a, b (r = 1, or r = 2 right after a fresh item, which has been seen once), when it is in the window at all
    users, items, ts = [], [], []
    for u in range(12):
        for t in range(30):
            users.append("u%d" % u)
            items.append("n%d_%d" % (u, t) if t % 5 == 4 else ("a%d" % u if t % 2 == 0 else "b%d" % u))
            ts.append(T0 + t * MIN + u)
    order = np.argsort(ts, kind="stable")
    log = EventLog([users[i] for i in order], [items[i] for i in order], np.ones(len(ts), dtype=np.int64),
                   np.array(ts, dtype=np.int64)[order])
    cfg = load_config(None, ["features.seq_len=10"])
    cut = T0 + 25 * MIN  # train: the first 25 steps of every user
    P = Prepared(log, cfg, cut)
    params = dict(revisit_params(cfg), max_examples=100)
    lines = []
    w, summary = fit_revisit(P, cut, params, log=lines.append)
    # per user: 24 triggers with a next event before the cut; next item fresh at 4 of them (t = 3, 8, 13, 18, 23),
    # and at t = 0 the next item (b) is not yet in the window: 24 - 5 - 1 = 18 re-visit triggers
    assert summary["training_triggers"] == 12 * 24 and summary["revisit_triggers"] == 12 * 18
    assert summary["examples"] == 100
    assert summary["train_mrr20_fitted"] > 0.95 > summary["train_mrr20_recency"]
    assert len(w) == len(REVISIT_FEATURES) and all(math.isfinite(x) for x in w) and summary["weights"] == w
    assert any("216 of 288" in line for line in lines) and any("recency" in line for line in lines)
    # nothing to fit: no weights, and a summary that says so
    w0, s0 = fit_revisit(P, T0 + 1, params, log=lines.append)
    assert w0 is None and s0["examples"] == 0


def test_the_fit_reads_each_events_category_key_from_the_log():
    # one user: a (shoes), b (hats), c (shoes), a (shoes) -> next b; a second user without categories
    users = ["u1"] * 5 + ["u2"] * 3
    items = ["a", "b", "c", "a", "b", "x", "y", "x"]
    cats = ["shoes", "hats", "shoes", "shoes", "hats", None, None, None]
    ts = [T0 + i * MIN for i in range(5)] + [T0 + i * MIN for i in range(3)]
    order = np.argsort(ts, kind="stable")
    log = EventLog([users[i] for i in order], [items[i] for i in order], np.ones(8, dtype=np.int64),
                   np.array(ts, dtype=np.int64)[order], [cats[i] for i in order])
    P = Prepared(log, load_config(None, ["features.seq_len=10"]), T0 + 10 * MIN)
    assert sorted(P.cat_key.tolist()) == sorted(category_key(c) for c in cats)
    pos = np.array([P.inv[order.tolist().index(3)]])  # u1's second "a": window a, c, b (r 0, 1, 2)
    X, mask, y = revisit_examples(P, pos, ["same_category", "log_after_trigger"])
    assert X[0][mask[0]].tolist() == [[1.0, 0.0], [1.0, 0.0], [0.0, math.log(2)]] and y.tolist() == [2]


def test_revisit_config_defaults_and_validation():
    assert revisit_params({}) == {"enabled": True, "features": REVISIT_FEATURES, "epochs": 300, "lr": 0.2,
                                  "l2": 1e-4, "max_examples": 50000}
    cfg = load_config(None)
    assert revisit_params(cfg) == revisit_params({})
    del cfg["revisit"]  # a config written before the section existed
    assert revisit_params(cfg)["enabled"] is True
    assert revisit_params({"revisit": {"features": ["seen_search", "rank_0"]}})["features"] == ["seen_search",
                                                                                                "rank_0"]
    assert revisit_params(load_config(None, ["revisit.enabled=false"]))["enabled"] is False
    for bad in ({"features": ["rank_9"]}, {"features": ["rank_0", "rank_0"]}, {"lr": 0}, {"epoch": 3}):
        with pytest.raises(ValueError):
            revisit_params({"revisit": bad})
