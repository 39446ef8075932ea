"""GRU4Rec, the sequential neural baseline of ``streamrec evaluate`` (issue #23): sessions, model and training.

What: every user's events in time order are cut into sessions (a new one after ``session_gap_s`` without an event or
when the optional session id changes: the rule of the evaluator's SessionIndex.java), and a GRU4Rec network learns to
predict each session's next item from the items before it. Why this one: a GRU over at most ``max_len`` items is cheap
on 2 CPU cores, exports to ONNX at opset 14+ as one GRU node, and is the classic neural reference of session-based
recommendation (Hidasi et al. 2016; tied input and output embeddings as the authors' "constrained embedding").
SASRec was not chosen, by judgement rather than measurement: self-attention is more to export and, at this window on
2 cores, not expected to be cheaper.

Model: item embedding (index 0 = padding, left-padded windows) -> dropout -> one GRU layer -> linear -> scores as the
inner product with the same item embeddings (tied), over all items. Loss: cross-entropy over every item when the
catalogue has at most ``negatives`` items, else over a sampled set: the batch's own targets (in-batch negatives) plus
uniformly drawn items, so a step costs O(positions x negatives), not O(positions x catalogue).

Early stopping: the last ``holdout`` fraction of the training windows by time (their last event) is held out and
scored (MRR@20 of every position, over all items) after each epoch; training keeps the best epoch's weights and stops
after ``patience`` epochs without improvement, after ``epochs``, or when ``time_budget_s`` is spent. ``holdout`` 0
trains on everything for the fixed number of epochs. Export and the ONNX checks are in sequential_export.py.
"""
import sys
import time

import numpy as np
import torch
from torch import nn

from .progress import Progress
from .sequential_params import DEFAULTS  # apart, so that the CLI lists the knobs before torch loads


def log(msg):
    print("[%s] gru4rec: %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def sessions(users, items, ts, session_ids=None, gap_ms=1_800_000):
    """Sessions as (item id list, start ts, end ts), from events sorted by time. A user's session ends after more than
    gap_ms without an event or when its session id changes (None never matches a later id, as in SessionIndex)."""
    current = {}
    out = []
    for i in range(len(items)):
        u = users[i]
        sid = session_ids[i] if session_ids is not None else None
        c = current.get(u)
        if c is None or ts[i] - c[2] > gap_ms or (sid is not None and sid != c[3]):
            c = [[], int(ts[i]), int(ts[i]), sid]
            current[u] = c
            out.append(c)
        c[0].append(items[i])
        c[2], c[3] = int(ts[i]), sid
    return [(s[0], s[1], s[2]) for s in out]


def vocabulary(items):
    """Item ids in index order (index 0 is padding): most frequent first, ties by id, so runs are reproducible."""
    counts = {}
    for it in items:
        counts[it] = counts.get(it, 0) + 1
    return sorted(counts, key=lambda k: (-counts[k], k))


def windows(sess, index, max_len):
    """Training windows, left-padded with 0: inputs [n, L] and next-item targets [n, L] (0 where padded) and each
    window's end ts. A session of n items gives n-1 (input, next) pairs, cut into consecutive windows of L pairs."""
    xs, ys, ends = [], [], []
    for seq, _, end in sess:
        s = [index[i] for i in seq]
        for a in range(0, len(s) - 1, max_len):
            b = min(a + max_len, len(s) - 1)
            x, y = s[a:b], s[a + 1:b + 1]
            pad = max_len - len(x)
            xs.append([0] * pad + x)
            ys.append([0] * pad + y)
            ends.append(end)
    if not xs:
        return np.zeros((0, max_len), np.int64), np.zeros((0, max_len), np.int64), np.zeros(0, np.int64)
    return np.asarray(xs, np.int64), np.asarray(ys, np.int64), np.asarray(ends, np.int64)


class Gru4Rec(nn.Module):
    """Embedding -> GRU -> linear; scores are inner products with the (tied) item embeddings."""

    def __init__(self, n_items, dim, dropout):
        super().__init__()
        self.emb = nn.Embedding(n_items + 1, dim, padding_idx=0)
        nn.init.normal_(self.emb.weight, std=dim ** -0.5)
        with torch.no_grad():
            self.emb.weight[0].zero_()
        self.drop = nn.Dropout(dropout)
        self.gru = nn.GRU(dim, dim, batch_first=True)
        self.out = nn.Linear(dim, dim)

    def hidden(self, x):
        """[B, L] item indices -> [B, L, dim] query vectors, one per position."""
        # h0 from the input's own batch size, so the exported graph has no batch size baked in (opset 9's GRU
        # symbolic would otherwise turn the export's dummy batch into a constant)
        h0 = torch.zeros((1, x.shape[0], self.gru.hidden_size), dtype=self.emb.weight.dtype)
        h, _ = self.gru(self.drop(self.emb(x)), h0)
        return self.out(h)

    def forward(self, x):
        """[B, L] left-padded item indices -> [B, n_items + 1] scores after the last position (index 0: padding)."""
        return self.hidden(x)[:, -1, :] @ self.emb.weight.t()


def _metrics(model, x, y, max_positions, k=20):
    """HR@k and MRR@k of every non-padded position of (x, y), over all items, at most max_positions of them."""
    model.eval()
    hits, rr, n = 0.0, 0.0, 0
    with torch.no_grad():
        for b in range(0, len(x), 256):
            h = model.hidden(torch.from_numpy(x[b:b + 256]))
            t = torch.from_numpy(y[b:b + 256])
            m = t > 0
            q, tgt = h[m], t[m]
            scores = q @ model.emb.weight.t()
            scores[:, 0] = -float("inf")
            mine = scores.gather(1, tgt[:, None])
            rank = (scores > mine).sum(1)  # 0-based rank of the target
            hits += float((rank < k).sum())
            rr += float(torch.where(rank < k, 1.0 / (rank + 1).float(), torch.zeros(())).sum())
            n += int(m.sum())
            if n >= max_positions:
                break
    model.train()
    return (hits / n, rr / n) if n else (0.0, 0.0)


def train(users, items, ts, params=None, session_ids=None):
    """Trains GRU4Rec on events sorted by time. Returns (model, vocabulary, report dict, the training windows' inputs
    [n, max_len], from which export picks its golden inputs)."""
    p = dict(DEFAULTS)
    p.update(params or {})
    t0 = time.time()
    torch.manual_seed(int(p["seed"]))
    torch.set_num_threads(max(1, int(p["threads"])))
    rng = np.random.default_rng(int(p["seed"]))
    L = int(p["max_len"])
    vocab = vocabulary(items)
    index = {it: i + 1 for i, it in enumerate(vocab)}
    sess = sessions(users, items, ts, session_ids, int(float(p["session_gap_s"]) * 1000))
    x, y, ends = windows(sess, index, L)
    n_items = len(vocab)
    report = {"events": len(items), "sessions": len(sess), "items": n_items, "windows": int(len(x)),
              "params": p}
    model = Gru4Rec(n_items, int(p["dim"]), float(p["dropout"]))
    if len(x) == 0:
        log("no session with two events: the model stays untrained")
        report.update(epochs=0, seconds=round(time.time() - t0, 2))
        return model, vocab, report, x
    order = np.argsort(ends, kind="stable")
    n_val = int(len(x) * float(p["holdout"]))
    if n_val > 0 and len(x) - n_val < 1:
        n_val = 0
    tr, va = order[:len(x) - n_val], order[len(x) - n_val:]
    xt, yt = x[tr], y[tr]
    report.update(train_windows=int(len(tr)), holdout_windows=int(len(va)),
                  train_positions=int((yt > 0).sum()))
    log("%d events, %d sessions, %d items, %d training windows (%d positions), %d held out; L=%d d=%d" % (
        len(items), len(sess), n_items, len(tr), report["train_positions"], len(va), L, int(p["dim"])))
    full = n_items + 1 <= int(p["negatives"])
    opt = torch.optim.Adam(model.parameters(), lr=float(p["lr"]))
    bs, budget = int(p["batch_size"]), float(p["time_budget_s"])
    best, best_state, best_epoch, stale, history = -1.0, None, 0, 0, []
    stopped = "epochs"
    for ep in range(1, int(p["epochs"]) + 1):
        te = time.time()
        perm = rng.permutation(len(xt))
        bar = Progress(len(perm), "epoch %d/%d" % (ep, int(p["epochs"])), log)
        tot, nb = 0.0, 0
        for b in range(0, len(perm), bs):
            idx = perm[b:b + bs]
            xb, yb = torch.from_numpy(xt[idx]), torch.from_numpy(yt[idx])
            m = yb > 0
            q = model.hidden(xb)[m]
            tgt = yb[m]
            if full:
                logits = q @ model.emb.weight.t()
                logits[:, 0] = -1e9
                label = tgt
            else:
                extra = torch.from_numpy(rng.integers(1, n_items + 1, int(p["negatives"])))
                cand = torch.unique(torch.cat([tgt, extra]))  # sorted, each item once: no accidental hits
                logits = q @ model.emb.weight[cand].t()
                label = torch.searchsorted(cand, tgt)
            loss = nn.functional.cross_entropy(logits, label)
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                model.emb.weight[0].zero_()
            tot, nb = tot + float(loss), nb + 1
            bar.update(b + len(idx), "loss %.4f" % (tot / nb))
            if time.time() - t0 > budget:
                break
        bar.close()
        row = {"epoch": ep, "loss": round(tot / max(1, nb), 5), "seconds": round(time.time() - te, 2)}
        if len(va):
            hr, mrr = _metrics(model, x[va], y[va], int(p["val_max_positions"]))
            row.update(holdout_hr20=round(hr, 5), holdout_mrr20=round(mrr, 5))
        history.append(row)
        log("epoch %d: %s" % (ep, ", ".join("%s %s" % kv for kv in row.items() if kv[0] != "epoch")))
        score = row.get("holdout_mrr20", ep)  # MRR: HR@20 saturates first; no holdout: last wins
        if score > best:
            best, best_epoch, stale = score, ep, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale += 1
        if len(va) and stale >= int(p["patience"]):
            stopped = "patience"
            break
        elapsed = time.time() - t0
        if elapsed > budget or elapsed + (time.time() - te) > budget:
            stopped = "time_budget_s"
            break
    model.load_state_dict(best_state)
    model.eval()
    report.update(history=history, best_epoch=best_epoch, stopped_by=stopped, seconds=round(time.time() - t0, 2))
    log("kept epoch %d of %d (stopped by %s) after %.1f s" % (best_epoch, len(history), stopped, report["seconds"]))
    return model, vocab, report, x
