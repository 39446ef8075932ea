#!/usr/bin/python3
"""How far can one list serve both evaluation protocols? Reads `streamrec evaluate --dump-lists FILE` output.

The `all` protocol rewards re-visits (the user's own items), the `new` protocol only discoveries, and the job shows
one list for both. This script recomposes the dumped lists under simple policies and prints MRR@20 `all` / `new`
and HR@20 `new` for each, so the trade-off between the two protocols can be read off directly:

- `streamrec`, `covisit_knn`: the dumped lists as scored;
- `interleave h=F every=E`: the job's history items (in its order) take the first F slots, then every E-th slot goes
  to the best discovery of `covisit_knn` (items not in the history);
- `rrf k=K w=W`: reciprocal-rank fusion of the job's and kNN's lists (weight W on kNN);
- `gate:*`: the job's list, or kNN's discoveries only, depending on a per-event rule; `gate:perfect` knows whether
  the next item is new, which no recommender can, so it bounds every gate between these two lists;
- `discovery order`: the job's own discoveries vs kNN's, both under the perfect gate (which orders new items better).

With `--learned-gate`, it also fits a logistic model of "the next item is new" on the first half of the events (by
time) from what a job could know (whether the trigger was new, the user's share of new items so far, how many events
and history items the user has) and prints its AUC and the gated lists' scores on the second half.

Usage: list_frontier.py DUMP.jsonl [--k 20] [--learned-gate]
"""
import argparse
import json


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f]


def scores(rows, lists, k):
    """MRR@k over all rows, MRR@k and HR@k over rows whose next item is new."""
    s_all = s_new = h_new = 0.0
    n_new = 0
    for r, lst in zip(rows, lists):
        top = lst[:k]
        t = r["target"]
        rr = 1.0 / (top.index(t) + 1) if t in top else 0.0
        s_all += rr
        if r["new"]:
            n_new += 1
            s_new += rr
            h_new += t in top
    n = max(1, len(rows))
    n_new = max(1, n_new)
    return s_all / n, s_new / n_new, h_new / n_new


def split(row, lst):
    hist = set(row["history"])
    return [x for x in lst if x in hist], [x for x in lst if x not in hist]


def interleave(hist, new, first, every):
    out, hi, ni = hist[:first], min(first, len(hist)), 0
    slot = 0
    while hi < len(hist) or ni < len(new):
        take_new = slot % every == 0
        if (take_new and ni < len(new)) or hi >= len(hist):
            out.append(new[ni])
            ni += 1
        else:
            out.append(hist[hi])
            hi += 1
        slot += 1
    return out


def rrf(a, b, k, w):
    sc = {}
    for i, x in enumerate(a):
        sc[x] = sc.get(x, 0.0) + 1.0 / (k + i)
    for i, x in enumerate(b):
        sc[x] = sc.get(x, 0.0) + w / (k + i)
    return sorted(sc, key=lambda x: -sc[x])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump")
    ap.add_argument("--k", type=int, default=20)
    ap.add_argument("--learned-gate", action="store_true")
    args = ap.parse_args()
    rows = load(args.dump)
    job = [r["lists"]["streamrec"] for r in rows]
    knn = [r["lists"]["covisit_knn"] for r in rows]
    knn_new = [split(r, lst)[1] for r, lst in zip(rows, knn)]
    job_hist = [split(r, lst)[0] for r, lst in zip(rows, job)]
    job_new = [split(r, lst)[1] for r, lst in zip(rows, job)]

    # per-event rules a job could apply: was the trigger itself new (the previous row's target), and the user's
    # share of new next items so far in the test part
    trigger_new, new_share, seen = [], [], {}
    for r in rows:
        c = seen.setdefault(r["user"], [None, 0, 0])
        trigger_new.append(c[0])
        new_share.append(c[1] / c[2] if c[2] else None)
        c[0] = r["new"]
        c[1] += r["new"]
        c[2] += 1

    def gate(flags):
        return [knn_new[i] if f else job[i] for i, f in enumerate(flags)]

    out = [("streamrec", job), ("covisit_knn", knn)]
    for first in (0, 1, 2, 3, 5):
        for every in (2, 4):
            out.append((f"interleave h={first} every={every}",
                        [interleave(h, n, first, every) for h, n in zip(job_hist, knn_new)]))
    for k in (1, 5, 60):
        for w in (0.5, 1.0, 2.0):
            out.append((f"rrf k={k} w={w}", [rrf(a, b, k, w) for a, b in zip(job, knn)]))
    out.append(("gate:trigger was new", gate([t is True for t in trigger_new])))
    for th in (0.5, 0.8, 0.9):
        out.append((f"gate:new share > {th}", gate([s is not None and s > th for s in new_share])))
    out.append(("gate:perfect (bound)", gate([r["new"] for r in rows])))
    out.append(("discovery order: job's, perfect gate",
                [job_new[i] if r["new"] else job[i] for i, r in enumerate(rows)]))
    out.append(("discovery order: kNN's, perfect gate",
                [knn_new[i] if r["new"] else job[i] for i, r in enumerate(rows)]))

    if args.learned_gate:
        learned_gate(rows, job, knn_new, args.k)
        return
    print(f"{len(rows)} scored events, {sum(r['new'] for r in rows)} with a new next item")
    print(f"| policy | MRR@{args.k} all | MRR@{args.k} new | HR@{args.k} new |")
    print("|---|---|---|---|")
    for name, lists in out:
        a, n, h = scores(rows, lists, args.k)
        print(f"| {name} | {a:.4f} | {n:.4f} | {h:.4f} |")


def learned_gate(rows, job, knn_new, k):
    """Fits P(next item is new) on the first half, gates the second half's lists with it, prints AUC and scores."""
    import numpy as np

    feats, seen = [], {}
    for r in rows:
        c = seen.setdefault(r["user"], [None, 0, 0])
        feats.append([1.0, 0.5 if c[0] is None else float(c[0]), c[1] / c[2] if c[2] else 0.5,
                      np.log1p(c[2]), np.log1p(len(r["history"])), float(c[2] == 0)])
        c[0] = r["new"]
        c[1] += r["new"]
        c[2] += 1
    x = np.array(feats)
    y = np.array([float(r["new"]) for r in rows])
    h = len(rows) // 2
    w = np.zeros(x.shape[1])
    for _ in range(3000):  # plain logistic regression by gradient descent
        p = 1 / (1 + np.exp(-x[:h] @ w))
        w -= 0.5 * x[:h].T @ (p - y[:h]) / h
    p = 1 / (1 + np.exp(-x[h:] @ w))
    ranks = np.empty(len(p))
    ranks[np.argsort(p)] = np.arange(len(p))
    pos = y[h:] == 1
    auc = (ranks[pos].mean() - (pos.sum() - 1) / 2) / max(1, (~pos).sum())
    test = rows[h:]
    print(f"learned gate: trained on {h} events, tested on {len(test)}; test AUC {auc:.3f}")
    print(f"| policy (second half) | MRR@{k} all | MRR@{k} new | HR@{k} new |")
    print("|---|---|---|---|")
    out = [("streamrec", job[h:]),
           ("gate:perfect (bound)", [knn_new[h + i] if r["new"] else job[h + i] for i, r in enumerate(test)])]
    for th in (0.5, 0.7, 0.8, 0.9):
        out.append((f"gate:learned P(new) > {th}",
                    [knn_new[h + i] if p[i] > th else job[h + i] for i in range(len(test))]))
    for name, lists in out:
        a, n, hr = scores(test, lists, k)
        print(f"| {name} | {a:.4f} | {n:.4f} | {hr:.4f} |")


if __name__ == "__main__":
    main()
