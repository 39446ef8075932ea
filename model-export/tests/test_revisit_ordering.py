"""research/revisit_ordering.py on a generated log whose next item is always the second most recent one."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "research"))

import revisit_ordering as ro  # noqa: E402


def alternating_log(path, users=20, steps=40):
    # each user alternates between two items (a, b, a, b, ...) with a fresh item every fifth step
    with open(path, "w") as f:
        for u in range(users):
            for t in range(steps):
                item = "n%d_%d" % (u, t) if t % 5 == 4 else ("a%d" % u if t % 2 == 0 else "b%d" % u)
                category = 2 if item.startswith("b") else 1
                behaviour = "cart" if t == 0 else "buy" if t == 1 else "pv"
                f.write("%d,%s,%d,%s,%d\n" % (u, item, category, behaviour, 1_000_000 + t * 60 + u))
    return path


def test_finds_revisit_events_and_scores_the_rules(tmp_path):
    rows = ro.read(str(alternating_log(tmp_path / "ub.csv")))
    scored, rev = ro.revisit_events(rows, 0.5)
    assert 0 < len(rev) < scored  # fresh items make some next events new
    for ev in rev:
        assert ev["target"] in ev["items"]
        assert ev["target"] != ev["current"]
    own_last = lambda x, d, ev: -d["rank"] - (1e6 if x == ev["current"] else 0)
    most_recent = lambda x, d, ev: -d["rank"]
    # the alternation puts the target first once the own item is moved last, never first otherwise
    assert ro.mrr(rev, own_last) > 0.5
    assert ro.mrr(rev, most_recent) < ro.mrr(rev, own_last)


def test_fitted_model_learns_to_put_the_own_item_last(tmp_path):
    rows = ro.read(str(alternating_log(tmp_path / "ub.csv")))
    _, rev = ro.revisit_events(rows, 0.5)
    w = ro.fit(rev, epochs=100)
    assert w[7] < 0  # the is-current feature
    learned = lambda x, d, ev: float(sum(a * b for a, b in zip(w, ro.features(x, d, ev))))
    assert ro.mrr(rev, learned) >= ro.mrr(rev, lambda x, d, ev: -d["rank"])


def test_purchase_filter_leaves_bought_items_out_and_counts_them_as_misses(tmp_path):
    rows = ro.read(str(alternating_log(tmp_path / "ub.csv")))
    _, rev = ro.revisit_events(rows, 0.5, purchase_filter=True)
    _, unfiltered = ro.revisit_events(rows, 0.5)
    assert len(rev) == len(unfiltered)  # the same scored events
    for ev in rev:
        assert all(not x.startswith("b") for x in ev["items"])  # each user bought its b item at t = 1
    own_last = lambda x, d, ev: -d["rank"] - (1e6 if x == ev["current"] else 0)
    assert ro.mrr(rev, own_last) < ro.mrr(unfiltered, own_last)  # the b targets are misses now


def test_category_features_tell_the_fit_which_history_items_share_the_events_category(tmp_path):
    rows = ro.read(str(alternating_log(tmp_path / "ub.csv")))
    _, rev = ro.revisit_events(rows, 0.5)
    ev = next(e for e in rev if e["current"].startswith("a"))
    a_item = ev["current"]
    b_item = "b" + a_item[1:]
    assert ro.features(a_item, ev["items"][a_item], ev, categories=True)[10] == 1.0
    assert ro.features(b_item, ev["items"][b_item], ev, categories=True)[10] == 0.0
    assert len(ro.features(a_item, ev["items"][a_item], ev)) == 10
    w = ro.fit(rev, epochs=50, categories=True)
    assert len(w) == 12


def test_window_cuts_each_events_history_and_transitions_count_the_event_items_neighbours(tmp_path):
    rows = ro.read(str(alternating_log(tmp_path / "ub.csv")))
    scored, rev = ro.revisit_events(rows, 0.5, window=3)
    full_scored, full = ro.revisit_events(rows, 0.5)
    assert scored == full_scored and len(rev) <= len(full)
    for ev in rev:
        assert len(ev["items"]) <= 3
    # a, b alternate: inside the window the other item came right after (and before) the event's item
    ev = next(e for e in rev if e["current"].startswith("a") and len(e["items"]) == 2)
    b_item = "b" + ev["current"][1:]
    f = ro.features(b_item, ev["items"][b_item], ev, transitions=True)
    assert len(f) == 13 and f[10] > 0 and f[12] > 0
    assert ro.features(ev["current"], ev["items"][ev["current"]], ev, transitions=True)[10:] == [0.0, 0.0, 0.0]
    assert len(ro.fit(rev, epochs=20, categories=True, transitions=True)) == 15
