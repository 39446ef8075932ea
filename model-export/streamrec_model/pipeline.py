"""Training: time split, vocabulary, co-visitation, popularity, retrieval embeddings, the ranker, and the offline
evaluation against baselines. ``train(cfg, log, out_dir)`` writes a checkpoint directory that ``export`` reads."""
import json
import math
import os
import time

import numpy as np
import torch

from . import EVENT_TYPES, TYPE_INDEX
from .data import time_split
from .config import candidate_feature_names, online_candidates, online_covisit_params, revisit_params
from .features import (HIST_FEATURES, InterestState, OnlineCovisit, Vocab, build_covisit, category_key,
                       context_feature_names, context_features, distinct_recent, hist_feature_values, history_stats,
                       popular_items, revisit_features, revisit_refill, revisit_scores, type_weight_array)
from .model import Ranker, Retrieval

TYPE_NAME = {i + 1: t for i, t in enumerate(EVENT_TYPES)}


def log_msg(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)


class Prepared:
    """The whole log (train + test), grouped by user in time order, with model indices and interest vectors."""

    def __init__(self, log, cfg, cutoff):
        f = cfg["features"]
        self.L = int(f["seq_len"])
        self.M = int(f["covisit_window"])
        self.cutoff = cutoff
        n = len(log)
        self.n = n
        ucode = {}
        uc = np.array([ucode.setdefault(u, len(ucode)) for u in log.users], dtype=np.int64)
        order = np.argsort(uc, kind="stable")               # log is time-sorted, so each user's events stay in order
        self.order = order
        self.inv = np.empty(n, dtype=np.int64)              # position here of the log's i-th event (time order)
        self.inv[order] = np.arange(n)
        self.user = uc[order]
        self.item_str = [log.items[i] for i in order]
        self.types = log.types[order]
        self.ts = log.ts[order]
        # one-byte category keys (features.category_key), what the job keeps per history event; 0 = none
        cats = log.categories
        self.cat_str = [cats[i] for i in order] if cats is not None else None
        self.cat_key = (np.array([category_key(c) for c in self.cat_str], dtype=np.int64) if cats is not None
                        else np.zeros(n, dtype=np.int64))
        self.is_train = self.ts < cutoff
        bounds = np.flatnonzero(np.diff(self.user)) + 1
        self.starts = np.concatenate([[0], bounds])
        self.ends = np.concatenate([bounds, [n]])
        self.seq_start = np.repeat(self.starts, self.ends - self.starts)  # start of the user's sequence, per event
        self.seq_end = np.repeat(self.ends, self.ends - self.starts)

    def set_vocab(self, vocab):
        self.vocab = vocab
        self.item = np.array([vocab.idx(s) for s in self.item_str], dtype=np.int64)

    def history(self, pos, length):
        """Rows of [len(pos), length] event positions, most recent first (pos itself first); -1 = padding."""
        offs = pos[:, None] - np.arange(length)[None, :]
        ok = offs >= self.seq_start[pos][:, None]
        return np.where(ok, offs, -1)

    def hist_arrays(self, pos):
        hp = self.history(pos, self.L)
        ok = hp >= 0
        safe = np.where(ok, hp, 0)
        items = np.where(ok, self.item[safe], 0)
        types = np.where(ok, self.types[safe], 0)
        ages = np.where(ok, np.maximum(0, self.ts[pos][:, None] - self.ts[safe]) / 1000.0, 0.0).astype(np.float32)
        return items, types, ages

    def contexts(self, pos):
        hl = pos - self.seq_start[pos] + 1
        return np.array([context_features(int(self.ts[p]), TYPE_NAME[int(self.types[p])], int(h), self.L)
                         for p, h in zip(pos, hl)], dtype=np.float32)

    def compute_interest(self, emb_with_pad, weights, half_life):
        V = np.zeros((self.n, emb_with_pad.shape[1]), dtype=np.float32)
        warr = type_weight_array(weights)
        for s, e in zip(self.starts, self.ends):
            st = InterestState(emb_with_pad, warr, half_life)
            for p in range(s, e):
                V[p] = st.update(int(self.item[p]), int(self.types[p]), int(self.ts[p]))
        self.V = V


def online_pass(P, params, pos, fn):
    """Replays every event in global time order (ties in log order) into the online co-visitation table T, and
    calls fn(r, T) right after the event at position pos[r] was added, as the job ranks that event."""
    if len(pos) == 0:
        return
    T = OnlineCovisit(params["pair_window"], params["max_gap_s"])
    W = T.W
    g = P.order[pos]
    rows = np.argsort(g, kind="stable")
    gs = g[rows]
    items, ts, start, inv = P.item_str, P.ts, P.seq_start, P.inv
    j = 0
    for i in range(int(gs[-1]) + 1):
        p = int(inv[i])
        prev = range(p - 1, max(int(start[p]), p - W) - 1, -1)
        T.add_event([items[q] for q in prev], [int(ts[q]) for q in prev], items[p], int(ts[p]))
        while j < len(gs) and gs[j] == i:
            fn(int(rows[j]), T)
            j += 1


def train_positions(P, cut, start=None):
    """(trigger, next event of the same user) pairs with both before ``cut`` (and the trigger at or after ``start``)."""
    nxt = np.arange(P.n) + 1
    has_next = nxt < P.seq_end
    before = P.ts < cut
    ok = has_next & before & np.concatenate([before[1:], [False]])
    if start is not None:
        ok &= P.ts >= start
    return np.flatnonzero(ok)


def test_positions(P):
    """Test events that have a next event by the same user: the list after the event is scored against the next."""
    nxt = np.arange(P.n) + 1
    return np.flatnonzero((nxt < P.seq_end) & ~P.is_train)


# ---------------------------------------------------------------------------------------------------------- retrieval
def train_retrieval(P, cfg, rng, cut, init=None):
    rc, fc = cfg["retrieval"], cfg["features"]
    n_items, d = len(P.vocab), int(fc["embedding_dim"])
    torch.manual_seed(int(cfg["seed"]))
    model = Retrieval(n_items, d)
    epochs = int(rc["epochs"])
    if init is not None:  # warm start keeps the embedding space the ranker was trained against
        with torch.no_grad():
            model.emb.copy_(torch.from_numpy(init))
        epochs = int(rc["finetune_epochs"])
        if epochs == 0:
            return init.copy()
    pos = train_positions(P, cut)
    W = int(rc["window"])
    hp = P.history(pos, W)
    ok = hp >= 0
    safe = np.where(ok, hp, 0)
    warr = type_weight_array(fc["event_type_weights"])
    age_s = np.maximum(0, P.ts[pos][:, None] - P.ts[safe]) / 1000.0
    coef = np.where(ok, warr[P.types[safe]] * np.power(2.0, -age_s / float(fc["decay_half_life_s"])), 0.0)
    hist = torch.from_numpy(np.where(ok, P.item[safe], 0))
    coef = torch.from_numpy(coef.astype(np.float32))
    target = torch.from_numpy(P.item[pos + 1])
    counts = np.bincount(P.item[P.ts < cut], minlength=n_items + 1).astype(np.float64)
    counts[0] = 0
    q = counts ** 0.5
    q /= q.sum()
    logq = torch.from_numpy(np.log(np.maximum(q, 1e-12)).astype(np.float32))
    opt = torch.optim.Adam(model.parameters(), lr=float(rc["lr"]))
    bs, nneg = int(rc["batch_size"]), min(int(rc["negatives"]), n_items)
    log_msg("retrieval: %d training positions, %d items, d=%d" % (len(pos), n_items, d))
    for ep in range(epochs):
        perm = torch.from_numpy(rng.permutation(len(pos)))
        tot, nb = 0.0, 0
        for b in range(0, len(pos), bs):
            idx = perm[b:b + bs]
            v = model.interest(hist[idx], coef[idx])
            E = model.weight()
            tgt = target[idx]
            neg = torch.from_numpy(rng.choice(n_items + 1, size=nneg, p=q))
            pos_logit = (v * E[tgt]).sum(-1, keepdim=True)
            neg_logit = v @ E[neg].T - logq[neg]
            neg_logit = neg_logit.masked_fill(neg.unsqueeze(0) == tgt.unsqueeze(1), -1e9)
            logits = torch.cat([pos_logit - logq[tgt].unsqueeze(1), neg_logit], dim=1)
            loss = torch.nn.functional.cross_entropy(logits, torch.zeros(len(idx), dtype=torch.int64))
            loss = loss + float(rc["l2"]) * (E[tgt] ** 2).sum(-1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss)
            nb += 1
        log_msg("retrieval epoch %d/%d loss %.4f" % (ep + 1, epochs, tot / max(nb, 1)))
    E = model.weight().detach().numpy().astype(np.float32)
    E[0] = 0
    return E


# --------------------------------------------------------------------------------------------------------- candidates
class CandidateGen:
    """The serving candidate sources: retrieval top-N, covisit neighbours of recent items, recent distinct items,
    popular items; merged in that order, deduplicated."""

    def __init__(self, P, E, covisit_idx, popular_idx, cfg, counts):
        self.P, self.E, self.cov, self.pop = P, E, covisit_idx, np.asarray(popular_idx, dtype=np.int64)
        self.counts = counts  # item frequencies of the events these sources were built from (negative sampling)
        c = cfg["candidates"]
        self.n_ret, self.n_cov, self.n_rec, self.n_pop = int(c["retrieval"]), int(c["covisit"]), int(c["recent"]), int(c["popular"])
        self.M = P.M
        self.n_onl = online_candidates(cfg)
        self.ret_ok = None  # optional bool mask over items 1..n: items serving could retrieve (stage A: known ones)

    def retrieval_top(self, V, n, chunk=2048):
        out = np.zeros((len(V), n), dtype=np.int64)
        Et = self.E[1:].T
        n = min(n, Et.shape[1])
        for b in range(0, len(V), chunk):
            s = V[b:b + chunk] @ Et
            if self.ret_ok is not None:
                s[:, ~self.ret_ok] = -np.inf
            top = np.argpartition(-s, n - 1, axis=1)[:, :n]
            ss = np.take_along_axis(s, top, 1)
            o = np.argsort(-ss, axis=1, kind="stable")
            out[b:b + chunk, :n] = np.take_along_axis(top, o, 1) + 1
        return out[:, :n]

    def covisit_acc(self, hist_items):
        acc = {}
        for p, a in enumerate(hist_items[:self.M]):
            lst = self.cov.get(int(a))
            if lst is None:
                continue
            for c, w in lst:
                acc[c] = acc.get(c, 0.0) + w / (p + 1)
        return acc

    @staticmethod
    def recent_distinct(hist_items, n):
        seen, out = set(), []
        for a in hist_items:
            a = int(a)
            if a > 0 and a not in seen:
                seen.add(a)
                out.append(a)
                if len(out) >= n:
                    break
        return out

    def union(self, ret_row, acc, hist_items):
        cov_top = [c for c, _ in sorted(acc.items(), key=lambda x: (-x[1], x[0]))[:self.n_cov]]
        rec = self.recent_distinct(hist_items, self.n_rec)
        seen, out = set(), []
        for src in (ret_row, cov_top, rec, self.pop[:self.n_pop]):
            for c in src:
                c = int(c)
                if c > 0 and c not in seen:
                    seen.add(c)
                    out.append(c)
        return out

    def idx_of(self, item_id):
        """Model index of an item id as the ranker sees it now (stage A: 0 for items first seen after the cut)."""
        i = self.P.vocab.idx(item_id)
        if i and self.ret_ok is not None and not self.ret_ok[i - 1]:
            return 0
        return i

    def serving_union(self, ret_row, acc, hist_pos, online_top=()):
        """The job's candidate set (CandidateGenerator): recent distinct items first (by id, so items unknown to
        the model come in as index 0, most recent first), then co-visitation, the online co-visitation top-N (by id;
        unknown items are index 0), retrieval, popular. Returns (model indices, item ids)."""
        P = self.P
        idx, ids, seen = [], [], set()
        n_rec = 0
        for p in hist_pos:
            if p < 0 or n_rec >= self.n_rec:
                break
            s = P.item_str[p]
            if s in seen:
                continue
            seen.add(s)
            idx.append(int(P.item[p]))
            ids.append(s)
            n_rec += 1
        cov_top = [c for c, _ in sorted(acc.items(), key=lambda x: (-x[1], x[0]))[:self.n_cov]]
        items = P.vocab.items

        def add_known(src):  # model indices of a source, in order, skipping ids already proposed
            for c in src:
                c = int(c)
                if c > 0 and items[c - 1] not in seen:
                    seen.add(items[c - 1])
                    idx.append(c)
                    ids.append(items[c - 1])

        add_known(cov_top)
        for s in online_top:
            if s not in seen:
                seen.add(s)
                idx.append(self.idx_of(s))
                ids.append(s)
        add_known(ret_row)
        add_known(self.pop[:self.n_pop])
        return idx, ids


# ------------------------------------------------------------------------------------------------------------- ranker
def _cand_feats(acc, cands):
    return np.log1p(np.array([acc.get(int(c), 0.0) for c in cands], dtype=np.float64)).astype(np.float32)


def _cand_feat_matrix(names, acc, cands, cids, stats, trigger_ts):
    """[K, F] float32: covisit from the (model-index) co-visitation sums, hist_* by item id from the history's
    stats; online_covisit is left 0 here and filled in by the online pass."""
    if names == ["covisit"]:
        return _cand_feats(acc, cands)[:, None]
    cols = []
    hv = [hist_feature_values(stats, trigger_ts, c) for c in cids] if stats is not None else None
    for name in names:
        if name == "covisit":
            cols.append(np.log1p(np.array([acc.get(int(c), 0.0) for c in cands], dtype=np.float64)))
        elif name in HIST_FEATURES:
            j = HIST_FEATURES.index(name)
            cols.append(np.array([r[j] for r in hv], dtype=np.float64))
        else:
            cols.append(np.zeros(len(cands)))
    return np.stack(cols, axis=1).astype(np.float32)


def make_examples(P, gen, pos, cfg, rng, train_mode, samples=0):
    """Ranker inputs for trigger positions ``pos``. train_mode: K = 1 positive + hard negatives sampled from the
    serving candidate set + popularity-sampled negatives. Otherwise the full serving candidate set (target label
    -1 when it is not among the candidates). ``cand_feats`` rows are [K, F], F = len(features.candidate_features).
    ``samples`` (evaluation only, hist/online features named): pick that many rows for golden cases, preferring
    histories with carts and purchases, and keep the online table's rows for them."""
    rc = cfg["ranker"]
    names = candidate_feature_names(cfg)
    need_hist = any(n in HIST_FEATURES for n in names)
    need_online = "online_covisit" in names
    oc = online_covisit_params(cfg)
    hi, ht, ha = P.hist_arrays(pos)
    ctx = P.contexts(pos)
    V = P.V[pos]
    ret = gen.retrieval_top(V, gen.n_ret)
    tgt_all = P.item[pos + 1]
    n_hard, n_popneg = int(rc["hard_negatives"]), int(rc["pop_negatives"])
    K = 1 + n_hard + n_popneg
    n_items = len(P.vocab)
    counts = gen.counts.astype(np.float64).copy()
    counts[0] = 0
    pprob = counts ** 0.75
    pprob /= pprob.sum()
    only_reachable = bool(rc["only_reachable_targets"])
    serving = bool(rc.get("serving_candidates", False))
    hpos = P.history(pos, P.L) if (serving or need_hist or need_online) else None
    vitems = P.vocab.items

    def hist_ids(r):
        return [P.item_str[q] for q in hpos[r] if q >= 0]

    # the job's online co-visitation source: T as it stands right after the trigger was added (time order)
    online_top = None
    if serving and gen.n_onl > 0:
        online_top = [()] * len(pos)

        def take_top(r, T):
            online_top[r] = [c for c, _ in T.top(distinct_recent(hist_ids(r), oc["items"]), gen.n_onl)]
        online_pass(P, oc, pos, take_top)
    cands, feats, labels, kept, cand_ids, is_new, cids_all = [], [], [], [], [], [], []
    for r in range(len(pos)):
        acc = gen.covisit_acc(hi[r])
        t = int(tgt_all[r])
        tstr = P.item_str[pos[r] + 1]
        if serving:
            u, uid = gen.serving_union(ret[r], acc, hpos[r], online_top[r] if online_top is not None else ())
            ti = uid.index(tstr) if tstr in uid else -1
        else:
            u = gen.union(ret[r], acc, hi[r])
            uid = None
            ti = u.index(t) if (t > 0 and t in set(u)) else -1
        if train_mode:
            if only_reachable and ti < 0:
                continue  # serving could never rank it: an example like this only teaches "spot the odd one out"
            if serving:  # by position, so the item ids of index-0 negatives stay known
                negj = [j for j in range(len(u)) if j != ti]
                if len(negj) > n_hard:
                    negj = list(rng.choice(negj, size=n_hard, replace=False))
                negs = [u[j] for j in negj]
                neg_ids = [uid[j] for j in negj]
            else:
                negs = [c for c in u if c != t]
                if len(negs) > n_hard:
                    negs = list(rng.choice(negs, size=n_hard, replace=False))
                neg_ids = [vitems[int(c) - 1] for c in negs]
            need = K - 1 - len(negs)
            extra = rng.choice(n_items + 1, size=need + 8, p=pprob)
            extra = [int(c) for c in extra if c != t][:need]
            while len(extra) < need:
                extra.append(int(rng.integers(1, n_items + 1)))
            c = np.array([t] + [int(x) for x in negs] + extra, dtype=np.int64)
            cid = [tstr] + neg_ids + [vitems[x - 1] for x in extra]
            labels.append(0)
        else:
            c = np.array(u, dtype=np.int64)
            cid = uid if serving else [vitems[int(x) - 1] for x in u]
            labels.append(ti)
            if serving:
                cand_ids.append(uid)
        stats = None
        if need_hist:
            hp = [q for q in hpos[r] if q >= 0]
            stats = history_stats([P.item_str[q] for q in hp], P.types[hp], P.ts[hp], P.L)
        cands.append(c)
        feats.append(_cand_feat_matrix(names, acc, c, cid, stats, int(P.ts[pos[r]])))
        if need_online:
            cids_all.append(cid)
        kept.append(r)
        if train_mode:
            p0 = int(pos[r])
            is_new.append(tstr not in set(P.item_str[P.seq_start[p0]:p0 + 1]))
    k = np.array(kept, dtype=np.int64)
    sample_rows, online_rows = [], {}
    if samples and not train_mode and names != ["covisit"]:
        def rich(i):
            ts_ = P.types[[q for q in hpos[kept[i]] if q >= 0]]
            return bool(np.any((ts_ == TYPE_INDEX["add_to_cart"]) | (ts_ == TYPE_INDEX["purchase"])))
        pref = [i for i in range(len(kept)) if rich(i)][:samples // 2]
        sample_rows = pref + [i for i in range(len(kept)) if i not in pref][:samples - len(pref)]
    if need_online:  # the online_covisit column, from T right after each trigger
        j_on = names.index("online_covisit")
        want = set(sample_rows)

        def fill(i, T):
            d = distinct_recent(hist_ids(kept[i]), oc["items"])
            feats[i][:, j_on] = np.array(T.scores_for(d, cids_all[i]), dtype=np.float64).astype(np.float32)
            if i in want:
                online_rows[i] = T.to_json(d)
        online_pass(P, oc, pos[k], fill)
    return dict(pos=pos[k], interest=V[k], hist_items=hi[k], hist_types=ht[k], hist_ages=ha[k], context=ctx[k],
                cands=cands, feats=feats, labels=np.array(labels), ret=ret[k], cand_ids=cand_ids,
                is_new=np.array(is_new, dtype=bool), sample_rows=sample_rows, online_rows=online_rows)


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


def train_ranker(P, gen, E, cfg, rng, start, cut):
    rc, fc = cfg["ranker"], cfg["features"]
    pos = train_positions(P, cut, start)
    if int(rc["max_examples"]) and len(pos) > int(rc["max_examples"]):
        pos = np.sort(rng.choice(pos, size=int(rc["max_examples"]), replace=False))
    # validation = the latest val_fraction of training triggers by time (never random)
    tcut = np.quantile(P.ts[pos], 1.0 - float(rc["val_fraction"]))
    tr_pos, va_pos = pos[P.ts[pos] < tcut], pos[P.ts[pos] >= tcut]
    if int(rc["val_max_examples"]) and len(va_pos) > int(rc["val_max_examples"]):
        va_pos = np.sort(rng.choice(va_pos, size=int(rc["val_max_examples"]), replace=False))
    log_msg("ranker: building %d training and %d validation examples" % (len(tr_pos), len(va_pos)))
    tr = make_examples(P, gen, tr_pos, cfg, rng, True)
    va = make_examples(P, gen, va_pos, cfg, rng, False)
    log_msg("ranker: %d training examples whose next item is among the serving candidates" % len(tr["cands"]))
    tr_pos = tr["pos"]
    torch.manual_seed(int(cfg["seed"]))
    model = Ranker(len(P.vocab), int(fc["embedding_dim"]), int(fc["seq_len"]), len(context_feature_names()),
                   len(candidate_feature_names(cfg)),
                   torch.from_numpy(E), hidden=tuple(rc["hidden"]), item_residual=bool(rc["item_residual"]),
                   item_bias=bool(rc["item_bias"]), unknown_features=bool(rc.get("unknown_features", False)))
    opt = torch.optim.Adam(model.parameters(), lr=float(rc["lr"]), weight_decay=float(rc["weight_decay"]))
    bs = int(rc["batch_size"])
    best, best_state, bad_epochs, history = -1.0, None, 0, []
    K = len(tr["cands"][0])
    # loss weight of discovery examples (next item not in the user's history) relative to repeats
    dw = float(rc.get("discovery_weight", 1.0))
    ex_w = torch.from_numpy(np.where(tr["is_new"], dw, 1.0).astype(np.float32))
    log_msg("ranker: %.1f%% of training examples are discovery (weight %.2f)" % (100 * tr["is_new"].mean(), dw))
    stacked = dict(tr)
    stacked["cands"] = np.stack(tr["cands"])
    stacked["feats"] = np.stack(tr["feats"])
    for ep in range(int(rc["epochs"])):
        model.train()
        perm = rng.permutation(len(tr_pos))
        tot, nb = 0.0, 0
        for b in range(0, len(perm), bs):
            idx = perm[b:b + bs]
            tt = lambda a: torch.from_numpy(np.ascontiguousarray(a[idx]))
            s = model(tt(stacked["interest"]), tt(stacked["hist_items"]), tt(stacked["hist_types"]),
                      tt(stacked["hist_ages"]), tt(stacked["cands"]),
                      torch.from_numpy(np.ascontiguousarray(stacked["feats"][idx])),
                      tt(stacked["context"]))
            if dw == 1.0:  # exactly the unweighted loss, so default runs reproduce earlier bundles bit for bit
                loss = torch.nn.functional.cross_entropy(s, torch.zeros(len(idx), dtype=torch.int64))
            else:
                wb = ex_w[torch.from_numpy(np.ascontiguousarray(idx))]
                loss = (torch.nn.functional.cross_entropy(s, torch.zeros(len(idx), dtype=torch.int64),
                                                          reduction="none") * wb).sum() / wb.sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += float(loss)
            nb += 1
        vs = score_examples(model, va)
        if va["cand_ids"]:  # by item id, like the job: an unknown item (index 0) that comes back is a hit
            lists = [np.asarray(ids, dtype=object)[np.argsort(-s, kind="stable")[:20]]
                     for ids, s in zip(va["cand_ids"], vs)]
            m = metrics_from_lists(lists, np.asarray([P.item_str[p + 1] for p in va["pos"]], dtype=object), 20)
        else:
            m = metrics_from_lists(ranked_lists_from_scores(va, vs, 20), P.item[va["pos"] + 1], 20)
        history.append({"epoch": ep + 1, "loss": tot / max(nb, 1), "val_mrr20": m["MRR@20"], "val_hr20": m["HR@20"]})
        log_msg("ranker epoch %d/%d loss %.4f  validation (latest %.0f%% of train, serving candidates) "
                "MRR@20 %.4f HR@20 %.4f" % (ep + 1, int(rc["epochs"]), tot / max(nb, 1),
                                             100 * float(rc["val_fraction"]), m["MRR@20"], m["HR@20"]))
        if m["MRR@20"] > best:
            best, bad_epochs = m["MRR@20"], 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            bad_epochs += 1
            if bad_epochs >= int(rc["patience"]):
                log_msg("ranker: early stop (no validation gain for %d epochs)" % bad_epochs)
                break
    model.load_state_dict(best_state)
    model.eval()
    return model, {"epochs": history, "best_val_mrr20": best, "train_examples": int(len(tr_pos)),
                   "val_examples": int(len(va_pos)), "candidates_per_training_example": K}


# ----------------------------------------------------------------------------------------------------- re-visit order
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


# --------------------------------------------------------------------------------------------------------- evaluation
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


# -------------------------------------------------------------------------------------------------------------- train
def build_sources(P, cfg, rng, cut, init=None):
    """Co-visitation, popularity and retrieval embeddings from the events before ``cut``."""
    fc, cc = cfg["features"], cfg["covisit"]
    vocab = P.vocab
    before = P.ts < cut
    tw = {TYPE_INDEX[t]: float(w) for t, w in fc["event_type_weights"].items() if w > 0} if cc["type_weighted"] else None
    seqs = []
    for s, e in zip(P.starts, P.ends):
        idx = np.arange(s, e)[before[s:e]]
        if len(idx) > 1:
            seqs.append(([P.item_str[i] for i in idx], P.types[idx], P.ts[idx]))
    covisit = build_covisit(seqs, int(cc["pair_window"]), int(cc["max_gap_s"]) * 1000, int(cc["top_n"]), tw,
                            bool(cc.get("distance_weighted", False)))
    popular = popular_items([P.item_str[i] for i in np.flatnonzero(before)], int(cfg["popular_top_n"]))
    log_msg("sources: %d events, covisit lists for %d items, popular top %d" % (before.sum(), len(covisit), len(popular)))
    E = train_retrieval(P, cfg, rng, cut, init)
    counts = np.bincount(P.item[before], minlength=len(vocab) + 1)
    cov_idx = {vocab.idx(a): [(vocab.idx(b), w) for b, w in lst] for a, lst in covisit.items()}
    gen = CandidateGen(P, E, cov_idx, [vocab.idx(i) for i, _ in popular], cfg, counts)
    return {"E": E, "covisit": covisit, "popular": popular, "gen": gen}


def train(cfg, log, out_dir):
    t0 = time.time()
    torch.set_num_threads(int(cfg.get("threads", 1)))
    seed = int(cfg["seed"])
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    fc = cfg["features"]
    rv_params = revisit_params(cfg)  # fails here, before any training, on a bad revisit section
    log_msg("data: %s, %d events, bad rows %s" % (log.source, len(log), log.bad.as_dict()["by_reason"]))
    train_log, test_log, cutoff = time_split(log, float(cfg["data"]["train_fraction"]))
    log_msg("split at ts %d: %d train / %d test events" % (cutoff, len(train_log), len(test_log)))
    P = Prepared(log, cfg, cutoff)
    # vocabulary = items seen in training, most frequent first (ties by id)
    pop_all = popular_items(train_log.items, None)
    vocab = Vocab([it for it, _ in pop_all])
    P.set_vocab(vocab)
    # Stage A: sources built only from train events before ranker_cut; the ranker learns on triggers after it.
    # Features computed from data that already contains the (trigger, next item) pair would leak the answer
    # (co-visitation counts it, retrieval embeddings memorise it), and the ranker would learn to trust them.
    rf = float(cfg["ranker"]["train_fraction_of_train"])
    ranker_cut = int(np.quantile(P.ts[P.is_train], 1.0 - rf))
    log_msg("stage A: sources from train events before ts %d, ranker trained on triggers after it" % ranker_cut)
    srcA = build_sources(P, cfg, rng, ranker_cut)
    EA = srcA["E"]
    full_item = P.item
    if bool(cfg["ranker"].get("serving_candidates", False)):
        # As at serving time: items first seen after the cut are unknown to the sources (model index 0, zero
        # embedding, never retrieved); the job still proposes them as recent items, so the ranker must learn to
        # score index 0 from behaviour (history, context) alone.
        first = np.full(len(vocab) + 1, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, P.item, P.ts)
        known = first < ranker_cut
        known[0] = False
        P.item = np.where(known[P.item], P.item, 0)
        EA = EA.copy()
        EA[~known] = 0
        srcA["gen"].E = EA
        srcA["gen"].ret_ok = known[1:]
        log_msg("stage A: %d of %d items known before the cut" % (int(known.sum()), len(vocab)))
    P.compute_interest(EA, fc["event_type_weights"], float(fc["decay_half_life_s"]))
    model, rinfo = train_ranker(P, srcA["gen"], EA, cfg, rng, ranker_cut, cutoff)
    P.item = full_item
    # the re-visit order: which history items fill the slots the ranker gives to re-visits (by item id, no sources)
    revisit, rv_summary = None, {"enabled": False}
    if rv_params["enabled"]:
        weights, rv_summary = fit_revisit(P, cutoff, rv_params)
        if weights is not None:
            revisit = (rv_params["features"], weights)
    else:
        log_msg("revisit: disabled in the config (the bundle keeps the ranker's order)")
    if cfg["eval"].get("diagnose_stage_a"):
        repA, _ = evaluate(P, srcA["gen"], model, cfg, np.random.default_rng(seed), revisit=revisit)
        log_msg("DIAGNOSTIC: test metrics with stage-A sources (not shipped)")
        print(format_table(repA), flush=True)
    # Stage B: the sources that ship in the bundle, from every train event; the ranker reads them at serving time
    log_msg("stage B: sources from all train events")
    src = build_sources(P, cfg, rng, cutoff, init=srcA["E"])
    E, covisit, popular, gen = src["E"], src["covisit"], src["popular"], src["gen"]
    P.compute_interest(E, fc["event_type_weights"], float(fc["decay_half_life_s"]))
    model.remb.copy_(torch.from_numpy(E))
    if len(test_log):
        report, ex = evaluate(P, gen, model, cfg, rng, samples=6, revisit=revisit)
        print(format_table(report), flush=True)
    else:  # train_fraction 1.0: nothing to evaluate here; golden-case samples come from the last training triggers
        report = {"note": "no test part (data.train_fraction 1.0): evaluate the bundle elsewhere"}
        ex = make_examples(P, gen, train_positions(P, cutoff)[-6:], cfg, rng, False, samples=6)
        log_msg("no test part: offline table skipped")
    training = {
        "dataset": log.source, "events": int(len(log)), "bad_rows": log.bad.as_dict(),
        "split": {"method": "time", "train_fraction": float(cfg["data"]["train_fraction"]), "cutoff_ts": int(cutoff),
                  "ranker_cutoff_ts": ranker_cut,
                  "train": train_log.summary(), "test": test_log.summary()},
        "metrics": report, "ranker_training": rinfo, "revisit": rv_summary, "seed": seed,
        "serving_candidates": dict(cfg["candidates"]),
        "protocol": ("list after each test event scored against the same user's next event; full catalogue; no "
                     "sampled negatives; user's train history counts as history; ranker re-ranks the serving "
                     "candidates (miss if the next item is not among them); repeat and covisit_knn are filled up "
                     "with popular items to 20; with a re-visit order, ranker is the shipped list (the ranker's "
                     "re-visit slots refilled in re-visit order) and ranker_no_revisit the ranker's own order"),
        "train_seconds": round(time.time() - t0, 1),
    }
    os.makedirs(out_dir, exist_ok=True)
    save_checkpoint(out_dir, cfg, vocab, E, covisit, popular, model, training, P, ex, revisit)
    log_msg("checkpoint written to %s (%.0f s)" % (out_dir, time.time() - t0))
    return training


def save_checkpoint(out_dir, cfg, vocab, E, covisit, popular, model, training, P, ex, revisit=None):
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=1)
    rpath = os.path.join(out_dir, "revisit.json")
    if revisit is not None:  # (feature names, weights): the manifest's "revisit"
        with open(rpath, "w") as f:
            json.dump({"features": list(revisit[0]), "weights": [float(x) for x in revisit[1]]}, f, indent=1)
    elif os.path.exists(rpath):  # a reused checkpoint directory must not ship an older run's weights
        os.remove(rpath)
    with open(os.path.join(out_dir, "items.txt"), "w", encoding="utf-8") as f:
        f.write("".join(it + "\n" for it in vocab.items))
    np.save(os.path.join(out_dir, "embeddings.npy"), E)
    with open(os.path.join(out_dir, "covisit.json"), "w") as f:
        json.dump(covisit, f)
    with open(os.path.join(out_dir, "popular.json"), "w") as f:
        json.dump(popular, f)
    torch.save(model.state_dict(), os.path.join(out_dir, "ranker.pt"))
    with open(os.path.join(out_dir, "training.json"), "w") as f:
        json.dump(training, f, indent=1)
    # realistic inputs for golden cases: a few test triggers (or train ones if the test part is empty)
    samples = []
    n = len(ex["cands"])
    rows = ex["sample_rows"] if ex.get("sample_rows") else list(range(min(n, 6)))
    for r in rows:
        p = int(ex["pos"][r])
        s = P.seq_start[p]
        events = [{"item_id": P.item_str[i], "type": TYPE_NAME[int(P.types[i])], "ts": int(P.ts[i]),
                   **({"category": P.cat_str[i]} if P.cat_str is not None and P.cat_str[i] else {})}
                  for i in range(max(s, p - 60), p + 1)]
        if not ex.get("sample_rows"):  # covisit only: exactly the samples earlier bundles were made from
            samples.append({"events": events, "candidates": [vocab.items[c - 1] for c in ex["cands"][r][:40] if c > 0]})
            continue
        # hist/online features: candidates by id (unknown items too), and the online table as it stood then
        cids = ex["cand_ids"][r] if ex["cand_ids"] else [vocab.items[c - 1] for c in ex["cands"][r] if c > 0]
        samples.append({"events": events, "candidates": list(cids[:40]),
                        "online_covisit": ex["online_rows"].get(r, {})})
    with open(os.path.join(out_dir, "samples.json"), "w") as f:
        json.dump(samples, f)
