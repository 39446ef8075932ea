"""A small generator of structured storefront traffic (input-topic JSON lines), for tests and the default bundle.

Structure a good model can learn and popularity cannot: users prefer a few categories (and sometimes drift to a new
one), sessions browse one category, items have a few "related" items that shoppers move to next, shoppers come back
to items they looked at (repeat), and carts usually end in a purchase."""
import json

import numpy as np


def generate(n_users=400, n_items=1200, n_categories=24, days=10, seed=1, start_ms=1_700_000_000_000):
    rng = np.random.default_rng(seed)
    cat_of = rng.integers(0, n_categories, size=n_items)
    by_cat = [np.flatnonzero(cat_of == c) for c in range(n_categories)]
    pop = rng.pareto(1.2, size=n_items) + 1.0
    related = {}
    for c, items in enumerate(by_cat):
        for i in items:
            related[int(i)] = [int(x) for x in rng.choice(items, size=min(3, len(items)), replace=False) if x != i] or [int(i)]
    price = np.round(rng.lognormal(3.0, 0.8, size=n_items), 2)
    events = []
    eid = 0
    for u in range(n_users):
        prefs = list(rng.choice(n_categories, size=int(rng.integers(2, 4)), replace=False))
        pw = rng.dirichlet(np.ones(len(prefs)))
        recent = []
        activity = rng.uniform(0.3, 2.0)
        for day in range(days):
            for _ in range(rng.poisson(activity)):
                if rng.random() < 0.08:  # interests drift
                    prefs[int(rng.integers(len(prefs)))] = int(rng.integers(n_categories))
                c = int(rng.choice(prefs, p=pw)) if rng.random() > 0.1 else int(rng.integers(n_categories))
                items = by_cat[c]
                if len(items) == 0:
                    continue
                hour = rng.normal(20, 3) % 24
                t = start_ms + day * 86_400_000 + int(hour * 3_600_000)
                sess = "u%d-s%d-%d" % (u, day, len(events))
                cur = int(rng.choice(items, p=pop[items] / pop[items].sum()))
                if recent and rng.random() < 0.3:
                    cur = int(recent[int(rng.integers(min(len(recent), 5)))])
                carted = []
                for _step in range(int(rng.geometric(0.12))):
                    r = rng.random()
                    typ = "view"
                    if r < 0.2:
                        typ = "click"
                    elif r < 0.27:
                        typ = "add_to_cart"
                        carted.append(cur)
                    elif r < 0.29:
                        typ = "search"
                    elif r < 0.3 and carted:
                        typ = "remove_from_cart"
                        cur = carted.pop()
                    events.append({"event_id": "e%d" % eid, "user_id": "u%d" % u, "item_id": "i%d" % cur,
                                   "type": typ, "ts": t, "session_id": sess, "category": "c%d" % cat_of[cur],
                                   "price": float(price[cur])})
                    eid += 1
                    recent.insert(0, cur)
                    del recent[20:]
                    t += int(rng.exponential(40_000)) + 2000
                    r = rng.random()
                    if r < 0.5:
                        cur = related[cur][int(rng.integers(len(related[cur])))]
                    elif r < 0.7:
                        cur = int(recent[int(rng.integers(min(len(recent), 6)))])
                    else:
                        cur = int(rng.choice(items, p=pop[items] / pop[items].sum()))
                for it in carted:
                    if rng.random() < 0.6:
                        events.append({"event_id": "e%d" % eid, "user_id": "u%d" % u, "item_id": "i%d" % it,
                                       "type": "purchase", "ts": t, "session_id": sess,
                                       "category": "c%d" % cat_of[it], "price": float(price[it])})
                        eid += 1
                        t += int(rng.exponential(20_000)) + 1000
    events.sort(key=lambda e: (e["ts"], e["event_id"]))
    return events


def write_jsonl(events, path):
    with open(path, "w") as f:
        for e in events:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")
    return path


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(prog="streamrec_model synth", description="write generated traffic as JSON lines")
    ap.add_argument("out")
    ap.add_argument("--users", type=int, default=400)
    ap.add_argument("--items", type=int, default=1200)
    ap.add_argument("--days", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args(argv)
    ev = generate(a.users, a.items, days=a.days, seed=a.seed)
    write_jsonl(ev, a.out)
    print("wrote %d events to %s" % (len(ev), a.out))
