"""Offline evaluation: scores candidate lists with the ranker and compares it with the baselines (retrieval,
popularity, repeat, co-visitation kNN) on the test part of the time split, for all next events, for new items only
and by the type of the next event. The protocol (the list after each test event scored against the same user's next
event, full catalogue, no sampled negatives) is the one docs/EVALUATION.md describes; training uses
``metrics_from_lists`` and ``score_examples`` for its validation too."""
import math

import numpy as np
import torch

from . import TYPE_INDEX
from .candidates import make_examples
from .prepared import log_msg, test_positions
from .revisit import revisit_lists


def _pad_batch(ex, idx):
    K = max(len(ex["cands"][i]) for i in idx)
    B = len(idx)
    ci = np.zeros((B, K), dtype=np.int64)
    cf = np.zeros((B, K, ex["feats"][idx[0]].shape[1]), dtype=np.float32)
    mask = np.zeros((B, K), dtype=bool)
    for j, i in enumerate(idx):
        k = len(ex["cands"][i])
        ci[j, :k] = ex["cands"][i]
        cf[j, :k, :] = ex["feats"][i]
        mask[j, :k] = True
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a[idx]))
    inputs = (t(ex["interest"]), t(ex["hist_items"]), t(ex["hist_types"]), t(ex["hist_ages"]),
              torch.from_numpy(ci), torch.from_numpy(cf), t(ex["context"]))
    return inputs, torch.from_numpy(mask)


def score_examples(model, ex, batch=64):
    """Scores of every candidate list in ``ex`` (list of arrays)."""
    model.eval()
    out = []
    with torch.no_grad():
        for b in range(0, len(ex["cands"]), batch):
            idx = np.arange(b, min(b + batch, len(ex["cands"])))
            inputs, mask = _pad_batch(ex, idx)
            s = model(*inputs).numpy()
            for j, i in enumerate(idx):
                out.append(s[j, :len(ex["cands"][i])])
    return out


def ranked_lists_from_scores(ex, scores, k):
    lists = []
    for c, s in zip(ex["cands"], scores):
        o = np.argsort(-s, kind="stable")[:k]
        lists.append(c[o])
    return lists


def metrics_from_lists(lists, targets, kmax=20):
    hr10 = hr20 = mrr20 = ndcg20 = 0.0
    n = len(targets)
    for lst, t in zip(lists, targets):
        if not isinstance(t, str):
            t = int(t)
            if t <= 0:
                continue  # an item the model has never seen cannot be in any list: a miss for every method
        hit = np.flatnonzero(np.asarray(lst[:kmax]) == t)
        if len(hit):
            r = int(hit[0]) + 1
            hr20 += 1
            hr10 += r <= 10
            mrr20 += 1.0 / r
            ndcg20 += 1.0 / math.log2(r + 1)
    n = max(n, 1)
    return {"HR@10": hr10 / n, "HR@20": hr20 / n, "MRR@20": mrr20 / n, "NDCG@20": ndcg20 / n}


def _fill(lst, pop, k):
    out = list(lst[:k])
    seen = set(out)
    for c in pop:
        if len(out) >= k:
            break
        if c not in seen:
            out.append(int(c))
            seen.add(c)
    return out


def evaluate(P, gen, model, cfg, rng, k=20, samples=0, revisit=None):
    """The offline table. ``revisit`` (features, weights): the "ranker" row is the list as it ships, the ranker's
    lists with the re-visit refill applied, and "ranker_no_revisit" the ranker's own order."""
    pos = test_positions(P)
    mt = int(cfg["eval"]["max_triggers"])
    if mt and len(pos) > mt:
        pos = np.sort(rng.choice(pos, size=mt, replace=False))
    log_msg("evaluation: %d test triggers" % len(pos))
    ex = make_examples(P, gen, pos, cfg, rng, False, samples=samples)
    scores = score_examples(model, ex)
    targets = P.item[pos + 1]
    pop = [int(c) for c in gen.pop]
    lists = {"ranker": ranked_lists_from_scores(ex, scores, k), "retrieval": [r[:k] for r in ex["ret"]],
             "popularity": [pop[:k]] * len(pos)}
    if revisit is not None:
        lists["ranker_no_revisit"] = lists["ranker"]
        lists["ranker"] = revisit_lists(P, ex, scores, revisit[0], revisit[1], k)
    rep, knn = [], []
    for r in range(len(pos)):
        hi = ex["hist_items"][r]
        # repeat and kNN see the whole history (train included), not only the last L events
        full = P.item[P.seq_start[pos[r]]:pos[r] + 1][::-1]
        rep.append(_fill(gen.recent_distinct(full, k), pop, k))
        acc = gen.covisit_acc(hi)
        knn.append(_fill([c for c, _ in sorted(acc.items(), key=lambda x: (-x[1], x[0]))[:k]], pop, k))
    lists["repeat"] = rep
    lists["covisit_knn"] = knn
    # "new items": the next item is not in the user's history up to and including the trigger
    new_mask = np.zeros(len(pos), dtype=bool)
    for r, p in enumerate(pos):
        hist_strs = set(P.item_str[P.seq_start[p]:p + 1])
        new_mask[r] = P.item_str[p + 1] not in hist_strs
    cand_recall = float(np.mean(ex["labels"] >= 0)) if len(pos) else 0.0
    report = {"all": {}, "new_items": {}}
    for name, L in lists.items():
        report["all"][name] = metrics_from_lists(L, targets, k)
        report["new_items"][name] = metrics_from_lists([L[i] for i in np.flatnonzero(new_mask)], targets[new_mask], k)
    # by the type of the next event (OTTO-style: clicks, carts, purchases), all-next-events protocol
    next_types = P.types[pos + 1]
    report["by_next_type"] = {}
    for tname in ("click", "add_to_cart", "purchase"):
        sel = np.flatnonzero(next_types == TYPE_INDEX[tname])
        if len(sel):
            report["by_next_type"][tname] = {"triggers": int(len(sel)), **{
                name: metrics_from_lists([L[i] for i in sel], targets[sel], k) for name, L in lists.items()}}
    report["triggers"] = {"all": int(len(pos)), "new_items": int(new_mask.sum()),
                          "next_item_unknown_to_model": int((targets == 0).sum())}
    report["candidate_recall"] = cand_recall
    report["mean_candidates"] = float(np.mean([len(c) for c in ex["cands"]])) if len(pos) else 0.0
    return report, ex


def format_table(report):
    methods = ["ranker", "retrieval", "popularity", "repeat", "covisit_knn"]
    if "ranker_no_revisit" in report.get("all", {}):
        methods.insert(1, "ranker_no_revisit")
    lines = []
    for proto in ("all", "new_items"):
        lines.append("protocol: %s (%d triggers)" % (proto, report["triggers"][proto]))
        lines.append("| method | HR@10 | HR@20 | MRR@20 | NDCG@20 |")
        lines.append("|---|---|---|---|---|")
        for m in methods:
            r = report[proto][m]
            lines.append("| %s | %.4f | %.4f | %.4f | %.4f |" % (m, r["HR@10"], r["HR@20"], r["MRR@20"], r["NDCG@20"]))
        lines.append("")
    for tname, r in report.get("by_next_type", {}).items():
        lines.append("next event %s (%d triggers), MRR@20: %s" % (tname, r["triggers"], ", ".join(
            "%s %.4f" % (m, r[m]["MRR@20"]) for m in methods)))
    lines.append("candidate recall (next item among the serving candidates): %.4f, mean candidates %.1f"
                 % (report["candidate_recall"], report["mean_candidates"]))
    return "\n".join(lines)
