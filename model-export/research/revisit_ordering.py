"""How well can re-visits be ordered from the user's own history alone? Reads a Taobao UserBehavior.csv.

On Taobao, the `all` protocol's MRR@20 is almost entirely re-visit events: the next item is one the user has already
touched (27 % of scored events; the rest score ~0 for every method). This script splits the log by time like
`streamrec evaluate --split F`, keeps the scored test events whose next item is in the user's history, and ranks
that history under:

- `recency`: most recent distinct item first (the `repeat` baseline);
- `recency, current last`: the same, but the item of the event itself last (on Taobao the next event is never on it);
- `count / (1 + recency)`;
- `learned`: a softmax model over the history items with ten features (recency, count, cart / fav / buy seen, time
  since the last touch, is-current, second / third most recent), fitted by gradient descent on the first half of the
  re-visit events (by time) and scored on the second half.

It prints MRR@20 over the re-visit events; multiply by their share of scored events for the `all` protocol. Compare
with streamrec's own MRR@20 on the same events (`evaluate --dump-lists`, rows whose "new" is false). Stdlib + numpy.

`--purchase-filter` leaves bought items out, as the job does with `recs.filter-purchased` (a bought next item is then
a miss); `--category-features` adds two features to the fitted model: whether the item's category is the event's,
and that divided by 1 + rank (the job's category term, docs/EVALUATION.md). `--window N` keeps, like the job, only each event's last
N events (the trigger included) as its history, so a target older than that is not a re-visit event;
`--transition-features` (with `--window`) adds three: how often the item came right after an earlier touch of the
event's item (log, and whether at all divided by 1 + rank), and how often right before one (log)
(the re-visit order's transition features, docs/EVALUATION.md).

    /usr/bin/python3 model-export/research/revisit_ordering.py /path/to/UserBehavior.csv [--split 0.8] \
        [--purchase-filter] [--category-features] [--window 50 [--transition-features]]
"""
import argparse
import collections
import csv
import math

import numpy as np


def read(path):
    rows = []
    with open(path, newline="") as f:
        for i, r in enumerate(csv.reader(f)):
            if len(r) < 5:
                continue
            try:
                rows.append((int(r[4]), i, r[0], r[1], r[3], r[2]))  # ts (s), order, user, item, behaviour, category
            except ValueError:
                continue
    rows.sort()
    return rows


def revisit_events(rows, split, purchase_filter=False, window=0):
    cut = rows[int(len(rows) * split)][0]
    by_user = collections.defaultdict(list)
    for ts, _, user, item, behaviour, category in rows:
        by_user[user].append((ts, item, behaviour, category))
    if window:
        return windowed_revisit_events(by_user, cut, purchase_filter, window)
    scored, revisits = 0, []
    for events in by_user.values():
        hist = {}
        for j, (ts, item, behaviour, category) in enumerate(events[:-1]):
            d = hist.setdefault(item, {"count": 0, "last_ts": 0, "types": set(), "last_pos": 0})
            d["category"] = category
            d["count"] += 1
            d["last_ts"] = ts
            d["types"].add(behaviour)
            d["last_pos"] = j
            if ts < cut:
                continue
            scored += 1
            target = events[j + 1][1]
            if target in hist:
                revisits.append(revisit_event(hist, ts, target, item, category, purchase_filter))
    return scored, revisits


def revisit_event(hist, ts, target, item, category, purchase_filter):
    """One re-visit event: the history's shown items, most recent first, with their rank. A bought target stays a
    scored re-visit event under the purchase filter: a miss for every order."""
    shown = [x for x in hist if not (purchase_filter and "buy" in hist[x]["types"])]
    order = sorted(shown, key=lambda x: -hist[x]["last_pos"])
    return {"ts": ts, "target": target, "current": item, "category": category,
            "items": {x: dict(hist[x], rank=n) for n, x in enumerate(order)}}


def windowed_revisit_events(by_user, cut, purchase_filter, window):
    """revisit_events with each event's history cut to its last ``window`` events, plus the transition counts."""
    scored, revisits = 0, []
    for events in by_user.values():
        for j in range(len(events) - 1):
            ts, item, _, category = events[j]
            if ts < cut:
                continue
            scored += 1
            target = events[j + 1][1]
            seq = events[max(0, j + 1 - window):j + 1]  # oldest first, the trigger last
            hist = {}
            for p, (t2, it, b, c) in enumerate(seq):
                d = hist.setdefault(it, {"count": 0, "types": set(), "after": 0, "before": 0})
                d.update(category=c, last_ts=t2, last_pos=p)
                d["count"] += 1
                d["types"].add(b)
            for (_, a, _, _), (_, b, _, _) in zip(seq, seq[1:]):
                if a == item and b != item:
                    hist[b]["after"] += 1  # b came right after a touch of the event's item
                if b == item and a != item:
                    hist[a]["before"] += 1
            if target in hist:
                revisits.append(revisit_event(hist, ts, target, item, category, purchase_filter))
    return scored, revisits


def features(item, d, ev, categories=False, transitions=False):
    r = d["rank"]
    out = [math.log1p(r), 1.0 / (1 + r), math.log1p(d["count"]), float("cart" in d["types"]),
           float("fav" in d["types"]), float("buy" in d["types"]), math.log1p(max(ev["ts"] - d["last_ts"], 0) / 60),
           float(item == ev["current"]), float(r == 1), float(r == 2)]
    if categories:
        same = float(d["category"] == ev["category"])
        out += [same, same / (1 + r)]
    if transitions:
        out += [math.log1p(d["after"]), float(d["after"] > 0) / (1 + r), math.log1p(d["before"])]
    return out


def mrr(events, score, k=20):
    total = 0.0
    for ev in events:
        ranked = sorted(ev["items"], key=lambda x: -score(x, ev["items"][x], ev))[:k]
        if ev["target"] in ranked:
            total += 1.0 / (ranked.index(ev["target"]) + 1)
    return total / max(len(events), 1)


def fit(events, epochs=300, lr=0.2, categories=False, transitions=False):
    data = []
    for ev in events:
        keys = list(ev["items"])
        if ev["target"] not in keys:  # bought, under the purchase filter: nothing to learn from
            continue
        data.append((np.array([features(x, ev["items"][x], ev, categories, transitions) for x in keys]),
                     keys.index(ev["target"])))
    w = np.zeros(data[0][0].shape[1])
    for _ in range(epochs):
        g = np.zeros_like(w)
        for x, y in data:
            s = x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            g += x.T @ p - x[y]
        w -= lr * g / len(data)
    return w


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("csv")
    ap.add_argument("--split", type=float, default=0.8)
    ap.add_argument("--purchase-filter", action="store_true", help="leave bought items out, as the job does")
    ap.add_argument("--category-features", action="store_true", help="two same-category features in the fit")
    ap.add_argument("--window", type=int, default=0, help="history = each event's last N events, as in the job")
    ap.add_argument("--transition-features", action="store_true",
                    help="three features on the event's item's neighbours in the window (needs --window)")
    a = ap.parse_args()
    if a.transition_features and not a.window:
        ap.error("--transition-features needs --window")
    scored, rev = revisit_events(read(a.csv), a.split, a.purchase_filter, a.window)
    rev.sort(key=lambda e: e["ts"])
    half = len(rev) // 2
    print("scored test events %d, re-visit events %d (%.1f %%)" % (scored, len(rev), 100.0 * len(rev) / scored))
    rules = {
        "recency": lambda x, d, ev: -d["rank"],
        "recency, current last": lambda x, d, ev: -d["rank"] - (1e6 if x == ev["current"] else 0),
        "count / (1 + recency)": lambda x, d, ev: d["count"] / (1 + d["rank"]) - (1e6 if x == ev["current"] else 0),
    }
    print("MRR@20 over re-visit events: %-24s %8s %12s" % ("", "all", "later half"))
    for name, rule in rules.items():
        print("  %-46s %8.4f %12.4f" % (name, mrr(rev, rule), mrr(rev[half:], rule)))
    w = fit(rev[:half], categories=a.category_features, transitions=a.transition_features)
    learned = lambda x, d, ev: float(np.dot(w, features(x, d, ev, a.category_features, a.transition_features)))
    print("  %-46s %8s %12.4f" % ("learned (fitted on the earlier half)", "-", mrr(rev[half:], learned)))
    print("  weights:", " ".join("%.2f" % v for v in w))


if __name__ == "__main__":
    main()
