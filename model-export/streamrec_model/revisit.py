"""The re-visit order (docs/MODEL_BUNDLE.md "Re-visit order"): which of the user's recent items fill the list slots
the ranker gives to re-visits, and in what order. It selects the training triggers whose next item is in the
trigger's window, builds their per-item feature rows, fits the linear softmax weights that ship in the bundle's
manifest, and applies the serving refill rule to offline lists so evaluation scores the list as the job shows it.
It works by item id from the events alone, independent of the ranker and the candidate sources."""
import time

import numpy as np

from .features import revisit_features, revisit_refill, revisit_scores
from .prepared import log_msg, train_positions


def _item_codes(P):
    """One integer per distinct item id over the whole log (matching by id, unknown items included), cached on P."""
    code = getattr(P, "_item_code", None)
    if code is None:
        ids = {}
        code = np.array([ids.setdefault(s, len(ids)) for s in P.item_str], dtype=np.int64)
        P._item_code = code
    return code


def revisit_positions(P, pos):
    """The trigger positions among ``pos`` (each with its next event at pos + 1) whose next item id is among the
    items of the trigger's L' window, in time order (ties in log order)."""
    pos = np.asarray(pos, dtype=np.int64)
    if len(pos) == 0:
        return pos
    code = _item_codes(P)
    hp = P.history(pos, P.L)
    win = np.where(hp >= 0, code[np.maximum(hp, 0)], -1)
    pos = pos[(win == code[pos + 1][:, None]).any(axis=1)]
    return pos[np.lexsort((P.order[pos], P.ts[pos]))]


def revisit_examples(P, pos, names):
    """Re-visit examples of trigger positions ``pos`` (from revisit_positions), packed: the feature rows of each
    trigger's window items by distinct rank r as one float64 matrix [examples, max items, F], its mask, and the r of
    each trigger's next item."""
    pos = np.asarray(pos, dtype=np.int64)
    X = np.zeros((len(pos), P.L, len(names)), dtype=np.float64)
    mask = np.zeros((len(pos), P.L), dtype=bool)
    y = np.zeros(len(pos), dtype=np.int64)
    for i, (p, h) in enumerate(zip(pos, P.history(pos, P.L))):
        h = h[h >= 0]
        items, feats = revisit_features([P.item_str[q] for q in h], P.types[h], P.ts[h], int(P.ts[p]), P.L, names,
                                        P.cat_key[h])
        X[i, :len(items)] = feats
        mask[i, :len(items)] = True
        y[i] = items.index(P.item_str[p + 1])
    n_max = max(int(mask.sum(axis=1).max()), 1) if len(pos) else 1
    if n_max < P.L:
        X, mask = np.ascontiguousarray(X[:, :n_max]), np.ascontiguousarray(mask[:, :n_max])
    return X, mask, y


def pack_revisit(rows, F):
    """Feature rows of every example (lists of [F] rows, one per window item by r) as one padded float64 matrix
    [examples, max items, F] and its mask."""
    n_max = max((len(r) for r in rows), default=1)
    X = np.zeros((len(rows), n_max, F), dtype=np.float64)
    mask = np.zeros((len(rows), n_max), dtype=bool)
    for i, r in enumerate(rows):
        if r:
            X[i, :len(r)] = r
            mask[i, :len(r)] = True
    return X, mask


def _revisit_logits(X, mask, w):
    s = (X.reshape(-1, X.shape[2]) @ w).reshape(mask.shape)
    return np.where(mask, s, -np.inf)


def revisit_mrr(X, mask, y, w, k=20):
    """MRR@k of the target under the re-visit order of weights w (higher score first, ties to the smaller r);
    w = 0 is plain recency (distinct rank r)."""
    if len(y) == 0:
        return 0.0
    s = _revisit_logits(X, mask, np.asarray(w, dtype=np.float64))
    sy = s[np.arange(len(y)), y][:, None]
    r = np.arange(mask.shape[1])[None, :]
    rank = 1 + (mask & ((s > sy) | ((s == sy) & (r < y[:, None])))).sum(axis=1)
    return float(np.mean(np.where(rank <= k, 1.0 / rank, 0.0)))


def fit_revisit_weights(X, mask, y, epochs, lr, l2):
    """Softmax over each example's window items, full-batch gradient descent on mean cross-entropy + l2·|w|² from
    w = 0 (recency order). A step that would raise the loss is not taken and halves the learning rate instead.
    Returns (w, {"loss": final loss, "loss_start": loss at w = 0, "lr_final": lr})."""
    N, _, F = X.shape
    Xf = X.reshape(-1, F)
    x_target = X[np.arange(N), y].mean(axis=0)

    def loss_grad(w):
        s = _revisit_logits(X, mask, w)
        m = s.max(axis=1, keepdims=True)
        e = np.exp(s - m)
        z = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(m[:, 0] + np.log(z[:, 0]) - s[np.arange(N), y])) + l2 * float(w @ w)
        g = (e / z).reshape(-1) @ Xf / N - x_target + 2.0 * l2 * w
        return loss, g

    w = np.zeros(F, dtype=np.float64)
    loss, g = loss_grad(w)
    loss0 = loss
    for _ in range(int(epochs)):
        w_new = w - lr * g
        loss_new, g_new = loss_grad(w_new)
        if not (loss_new <= loss):  # overshoot (or NaN): keep w, halve the step
            lr *= 0.5
            continue
        w, loss, g = w_new, loss_new, g_new
    return w, {"loss": loss, "loss_start": loss0, "lr_final": lr}


def fit_revisit(P, cut, params, log=log_msg):
    """Fits the re-visit order (docs/MODEL_BUNDLE.md "Re-visit order") on the training triggers whose trigger and
    next event are both before ``cut`` and whose next item is in the trigger's L' window. Returns (weights or None
    when there is nothing to fit, summary for training.json)."""
    t0 = time.time()
    names = params["features"]
    pos = train_positions(P, cut)
    hits = revisit_positions(P, pos)
    use = hits[-params["max_examples"]:] if params["max_examples"] else hits
    X, mask, y = revisit_examples(P, use, names)
    summary = {"enabled": True, "features": list(names), "training_triggers": int(len(pos)),
               "revisit_triggers": int(len(hits)), "examples": int(len(y)), "epochs": params["epochs"],
               "lr": params["lr"], "l2": params["l2"], "max_examples": params["max_examples"]}
    log("revisit: %d of %d training triggers have their next item in their L'=%d window; fitting %d features on "
        "the latest %d" % (len(hits), len(pos), P.L, len(names), len(y)))
    if len(y) == 0:
        log("revisit: no examples, nothing fitted (the bundle keeps the ranker's order)")
        summary["note"] = "no examples: not fitted"
        return None, summary
    w, info = fit_revisit_weights(X, mask, y, params["epochs"], params["lr"], params["l2"])
    m_rec, m_fit = revisit_mrr(X, mask, y, np.zeros(len(names))), revisit_mrr(X, mask, y, w)
    summary.update({"max_items": int(mask.shape[1]), "train_mrr20_recency": m_rec, "train_mrr20_fitted": m_fit,
                    "loss_start": info["loss_start"], "loss": info["loss"], "lr_final": info["lr_final"],
                    "weights": [float(x) for x in w], "seconds": round(time.time() - t0, 1)})
    log("revisit: %d examples (up to %d items), train MRR@20 recency %.4f -> fitted %.4f (loss %.4f -> %.4f, "
        "%.1f s)" % (len(y), mask.shape[1], m_rec, m_fit, info["loss_start"], info["loss"], time.time() - t0))
    log("revisit: weights " + ", ".join("%s %.3f" % (n, x) for n, x in zip(names, w)))
    return [float(x) for x in w], summary


def revisit_lists(P, ex, scores, names, weights, k):
    """The ranker's top-k lists of ``ex`` with the serving refill rule applied (docs/MODEL_BUNDLE.md "At serving
    time"): the slots holding an item of the trigger's L' window get the window's items in re-visit order. Offline
    lists are model indices, so only the window's known items take part: an item outside the vocabulary could never
    be scored a hit here (the job matches by id and can), and would only push a known item out."""
    vitems = P.vocab.items
    hps = P.history(ex["pos"], P.L)
    out = []
    for r, (c, s) in enumerate(zip(ex["cands"], scores)):
        ids = ex["cand_ids"][r] if ex["cand_ids"] else [vitems[int(x) - 1] if x > 0 else None for x in c]
        h = hps[r][hps[r] >= 0]
        items, feats = revisit_features([P.item_str[q] for q in h], P.types[h], P.ts[h], int(P.ts[ex["pos"][r]]),
                                        P.L, names, P.cat_key[h])
        sc = revisit_scores(feats, weights)
        key = {it: (-sc[i], i) for i, it in enumerate(items) if P.vocab.idx(it) > 0}
        top = [ids[j] for j in np.argsort(-s, kind="stable")[:k]]
        out.append(np.asarray([P.vocab.idx(x) if x is not None else 0 for x in revisit_refill(top, key)],
                              dtype=np.int64))
    return out
