"""Feature formulas shared with the Flink job, written exactly as docs/MODEL_BUNDLE.md states them."""
import collections
import heapq
import math
import zlib

import numpy as np

from . import EVENT_TYPES, TYPE_INDEX


class Vocab:
    """items.txt: line i has model index i+1; index 0 is padding / unknown."""

    def __init__(self, items):
        self.items = list(items)
        self.index = {it: i + 1 for i, it in enumerate(self.items)}
        if len(self.index) != len(self.items):
            raise ValueError("duplicate item ids in vocabulary")

    def __len__(self):
        return len(self.items)

    def idx(self, item):
        return self.index.get(item, 0)


def context_feature_names():
    return ["hour_sin", "hour_cos", "dow_sin", "dow_cos"] + ["type_" + t for t in EVENT_TYPES] + ["log_hist_len"]


def context_features(ts, type_name, hist_len, seq_len):
    """Context features of the trigger event (ts epoch ms UTC, hist_len includes the trigger)."""
    h = (ts % 86_400_000) / 3_600_000.0
    w = (ts // 86_400_000 + 3) % 7
    out = [math.sin(2 * math.pi * h / 24), math.cos(2 * math.pi * h / 24),
           math.sin(2 * math.pi * w / 7), math.cos(2 * math.pi * w / 7)]
    out += [1.0 if type_name == t else 0.0 for t in EVENT_TYPES]
    out.append(math.log(1 + min(hist_len, seq_len)))
    return out


class InterestState:
    """The rolling interest vector of one user, updated exactly as the contract says (float64 maths, float32 store)."""

    def __init__(self, emb, weights_by_index, half_life_s):
        self.emb = emb  # float32 [num_items + 1, d], row 0 zeros (index 0 = unknown)
        self.w = weights_by_index  # float64 array indexed by type index
        self.hl = float(half_life_s)
        self.v = None
        self.last_ts = None

    def update(self, item_idx, type_idx, ts):
        if self.v is None:
            self.v = np.zeros(self.emb.shape[1], dtype=np.float32)
            self.last_ts = ts
            f = None
        else:
            f = 2.0 ** (-(max(0, ts - self.last_ts) / 1000.0) / self.hl)
            self.last_ts = max(self.last_ts, ts)
        e = self.emb[item_idx].astype(np.float64)
        base = self.v.astype(np.float64)
        if f is not None:
            base = base * f
        self.v = (base + float(self.w[type_idx]) * e).astype(np.float32)
        return self.v


def type_weight_array(weights):
    arr = np.zeros(len(EVENT_TYPES) + 1, dtype=np.float64)
    for t, w in weights.items():
        arr[TYPE_INDEX[t]] = float(w)
    return arr


def build_covisit(user_seqs, window, max_gap_ms, top_n, type_weights=None, distance_weighted=False):
    """Co-visitation neighbours from training sequences.

    For every pair of events of one user at most ``window`` positions and ``max_gap_ms`` apart, with different items,
    both directions get weight 1 (times the later event's type weight if ``type_weights`` is given; divided by the
    distance in events if ``distance_weighted``). Each item keeps
    its ``top_n`` heaviest neighbours, sorted by weight descending (ties by item id), weights rounded to 4 decimals.
    ``user_seqs``: iterable of (items list, types array, ts array) in time order."""
    pair = collections.defaultdict(collections.Counter)
    for items, types, ts in user_seqs:
        n = len(items)
        for i in range(n):
            a = items[i]
            for j in range(i + 1, min(n, i + 1 + window)):
                if ts[j] - ts[i] > max_gap_ms:
                    break
                b = items[j]
                if a == b:
                    continue
                wa = 1.0 if type_weights is None else type_weights.get(int(types[i]), 1.0)
                wb = 1.0 if type_weights is None else type_weights.get(int(types[j]), 1.0)
                if distance_weighted:
                    wa, wb = wa / (j - i), wb / (j - i)
                pair[a][b] += wb
                pair[b][a] += wa
    out = {}
    for a, cnt in pair.items():
        lst = sorted(((b, round(float(w), 4)) for b, w in cnt.items() if w > 0), key=lambda x: (-x[1], x[0]))[:top_n]
        lst = [x for x in lst if x[1] > 0]
        if lst:
            out[a] = lst
    return out


def covisit_scores(history, covisit, M):
    """Σ_{p<M'} weight(hist_p → c) / (p+1) for every c reachable; history is most recent first (p = 0 trigger)."""
    acc = collections.defaultdict(float)
    for p, a in enumerate(history[:M]):
        for c, w in covisit.get(a, ()):
            acc[c] += w / (p + 1)
    return acc


def covisit_feature(history, candidates, covisit, M):
    """The ``covisit`` candidate feature: ln(1 + Σ_{p<M'} weight(hist_p → c)/(p+1)). Accumulated in float64."""
    maps = [dict(covisit.get(a, ())) for a in history[:M]]
    out = []
    for c in candidates:
        s = 0.0
        for p, m in enumerate(maps):
            w = m.get(c)
            if w:
                s += w / (p + 1)
        out.append(math.log1p(s))
    return out


def popular_items(items, top_n):
    cnt = collections.Counter(items)
    return sorted(cnt.items(), key=lambda x: (-x[1], x[0]))[:top_n]


# ------------------------------------------------------------------------------- history and online candidate features
CANDIDATE_FEATURES = ["covisit", "hist_count", "hist_recency", "hist_age", "hist_cart", "hist_purchase",
                      "online_covisit"]
HIST_FEATURES = ["hist_count", "hist_recency", "hist_age", "hist_cart", "hist_purchase"]
ONLINE_COVISIT_DEFAULTS = {"items": 3, "pair_window": 5, "max_gap_s": 86400}
_CART, _PURCHASE = TYPE_INDEX["add_to_cart"], TYPE_INDEX["purchase"]


def _type_index(t):
    return TYPE_INDEX[t] if isinstance(t, str) else int(t)


def history_window(hist_ids, hist_types, hist_ts, L):
    """The distinct item ids of the first L' = min(L, len) history events (most recent first, p = 0 the trigger), in
    the order of their most recent occurrence (list position = distinct rank r), and per id [n_c, p*, ts_{p*}, set of
    the type indices it was seen with]. Types are names or type indices. The hist_* candidate features and the
    re-visit order both read this (the Java side's HistoryWindow)."""
    order, stats = [], {}
    for p in range(min(L, len(hist_ids))):
        c = hist_ids[p]
        s = stats.get(c)
        if s is None:
            s = stats[c] = [0, p, int(hist_ts[p]), set()]
            order.append(c)
        s[0] += 1
        s[3].add(_type_index(hist_types[p]))
    return order, stats


def history_stats(hist_ids, hist_types, hist_ts, L):
    """Per item id among the first L' = min(L, len) history events (most recent first, p = 0 the trigger):
    [n_c, p*, ts_{p*}, carted, purchased]."""
    _, window = history_window(hist_ids, hist_types, hist_ts, L)
    return {c: [n, p, ts, _CART in types, _PURCHASE in types] for c, (n, p, ts, types) in window.items()}


def hist_feature_values(stats, trigger_ts, c):
    """[hist_count, hist_recency, hist_age, hist_cart, hist_purchase] of candidate id c (float64)."""
    s = stats.get(c)
    if s is None:
        return [0.0, 0.0, 0.0, 0.0, 0.0]
    n, p, ts_p, cart, purchase = s
    return [math.log1p(float(n)), 1.0 / (1.0 + p), math.log1p(max(0, int(trigger_ts) - ts_p) / 3_600_000.0),
            1.0 if cart else 0.0, 1.0 if purchase else 0.0]


def hist_features(hist_ids, hist_types, hist_ts, trigger_ts, candidates, L):
    """The hist_* candidate features (docs/MODEL_BUNDLE.md "Candidate features") of every candidate, as rows of
    [hist_count, hist_recency, hist_age, hist_cart, hist_purchase], float64 maths. History most recent first, matched
    by item id; types are names or type indices."""
    stats = history_stats(hist_ids, hist_types, hist_ts, L)
    return [hist_feature_values(stats, trigger_ts, c) for c in candidates]


# ---------------------------------------------------------------------------- re-visit order (docs "Re-visit order")
REVISIT_FEATURES = ["log_rank", "inv_rank", "rank_0", "rank_1", "rank_2", "log_count", "log_minutes", "seen_click",
                    "seen_add_to_cart", "seen_purchase", "log_after_trigger", "after_trigger_inv_rank",
                    "log_before_trigger", "same_category", "same_category_inv_rank"]
REVISIT_KNOWN = (["log_rank", "inv_rank", "rank_0", "rank_1", "rank_2", "log_count", "log_minutes"] +
                 ["seen_" + t for t in EVENT_TYPES] +
                 ["log_after_trigger", "after_trigger_inv_rank", "log_before_trigger", "same_category",
                  "same_category_inv_rank"])


def unknown_revisit_features(names):
    """The names the contract does not define (a reader refuses a bundle naming one)."""
    return [n for n in names if n not in REVISIT_KNOWN]


def _revisit_columns(names):
    """Per name, a function (r, n_c, minutes, types seen, a_c, b_c, same category) -> float64 value."""
    cols = []
    for name in names:
        if name == "log_rank":
            cols.append(lambda r, n, mins, ty, a, b, same: math.log1p(r))
        elif name == "inv_rank":
            cols.append(lambda r, n, mins, ty, a, b, same: 1.0 / (1.0 + r))
        elif name in ("rank_0", "rank_1", "rank_2"):
            cols.append(lambda r, n, mins, ty, a, b, same, k=int(name[-1]): 1.0 if r == k else 0.0)
        elif name == "log_count":
            cols.append(lambda r, n, mins, ty, a, b, same: math.log1p(n))
        elif name == "log_minutes":
            cols.append(lambda r, n, mins, ty, a, b, same: math.log1p(mins))
        elif name.startswith("seen_") and name[5:] in TYPE_INDEX:
            cols.append(lambda r, n, mins, ty, a, b, same, t=TYPE_INDEX[name[5:]]: 1.0 if t in ty else 0.0)
        elif name == "log_after_trigger":
            cols.append(lambda r, n, mins, ty, a, b, same: math.log1p(a))
        elif name == "after_trigger_inv_rank":
            cols.append(lambda r, n, mins, ty, a, b, same: (1.0 if a > 0 else 0.0) / (1.0 + r))
        elif name == "log_before_trigger":
            cols.append(lambda r, n, mins, ty, a, b, same: math.log1p(b))
        elif name == "same_category":
            cols.append(lambda r, n, mins, ty, a, b, same: 1.0 if same else 0.0)
        elif name == "same_category_inv_rank":
            cols.append(lambda r, n, mins, ty, a, b, same: (1.0 if same else 0.0) / (1.0 + r))
        else:
            raise ValueError("unknown re-visit feature %r (known: %s)" % (name, REVISIT_KNOWN))
    return cols


def revisit_features(hist_ids, hist_types, hist_ts, trigger_ts, L, names=REVISIT_FEATURES, hist_cat_keys=None):
    """The re-visit features (docs/MODEL_BUNDLE.md "Re-visit order") of the L' window's distinct items: returns
    (items by distinct rank r, one float64 row per item in ``names`` order). History most recent first (p = 0 the
    trigger), matched by item id; types are names or type indices; times in ms; ``hist_cat_keys`` the events'
    category keys (category_key; None: no categories)."""
    cols = _revisit_columns(names)
    items, stats = history_window(hist_ids, hist_types, hist_ts, L)
    after, before = trigger_transitions(hist_ids, L)
    trigger_ts = int(trigger_ts)
    k0 = int(hist_cat_keys[0]) if hist_cat_keys is not None and len(hist_cat_keys) else 0
    rows = []
    for r, c in enumerate(items):
        n, p, ts_p, types = stats[c]
        mins = max(0, trigger_ts - ts_p) / 60_000.0
        same = k0 != 0 and int(hist_cat_keys[p]) == k0
        rows.append([f(r, n, mins, types, after.get(c, 0), before.get(c, 0), same) for f in cols])
    return items, rows


def category_key(category):
    """The one-byte key a history event keeps for its category (docs/MODEL_BUNDLE.md "Re-visit order"): 0 for None
    or "", else 1 + CRC-32 of the UTF-8 bytes mod 255 (the Java side's CategoryKey)."""
    if not category:
        return 0
    return 1 + zlib.crc32(str(category).encode("utf-8")) % 255


def trigger_transitions(hist_ids, L):
    """How often each item of the L' window came right after, and right before, an occurrence of the trigger's item
    (p = 0) within the window: ({c: a_c}, {c: b_c}). History most recent first, so position p - 1 is the event after
    position p. The trigger's item itself counts neither way (docs/MODEL_BUNDLE.md "Re-visit order")."""
    n = min(L, len(hist_ids))
    after, before = {}, {}
    if n == 0:
        return after, before
    t = hist_ids[0]
    if t is None:
        return after, before
    for p in range(n):
        if hist_ids[p] != t:
            continue
        if p > 0 and hist_ids[p - 1] not in (t, None):
            after[hist_ids[p - 1]] = after.get(hist_ids[p - 1], 0) + 1
        if p + 1 < n and hist_ids[p + 1] not in (t, None):
            before[hist_ids[p + 1]] = before.get(hist_ids[p + 1], 0) + 1
    return after, before


def revisit_scores(rows, weights):
    """Σ weight_f · feature_f of every row, float64, summed in feature order."""
    out = []
    for row in rows:
        s = 0.0
        for w, x in zip(weights, row):
            s += float(w) * float(x)
        out.append(s)
    return out


def revisit_order(scores):
    """Indices (= distinct ranks r) of the window's items in re-visit order: higher score first, ties to smaller r."""
    return sorted(range(len(scores)), key=lambda r: (-scores[r], r))


def revisit_refill(list_ids, window_key, allowed=None):
    """The serving rule (docs/MODEL_BUNDLE.md "At serving time"). ``list_ids``: the item ids of the emitted list in
    ranker order (best first); ``window_key``: {item id of the L' window: sort key, smaller first} (for example
    (-score, r)); ``allowed``: the window ids the job's filters allow (None: all). The list positions S holding a window
    item get, in turn, the window's allowed items H sorted by key, whether the ranker's candidates held them or not;
    every other position keeps its item. Returns the new list of ids."""
    slots = [i for i, c in enumerate(list_ids) if c in window_key]
    if not slots:
        return list(list_ids)
    H = sorted((c for c in window_key if allowed is None or c in allowed), key=lambda c: window_key[c])
    out = list(list_ids)
    for i, c in zip(slots, H):
        out[i] = c
    return out


def distinct_recent(hist_ids, k, L=None):
    """The first k distinct item ids among the first L' history events, most recent first."""
    out, seen = [], set()
    for c in (hist_ids if L is None else hist_ids[:L]):
        if c not in seen:
            seen.add(c)
            out.append(c)
            if len(out) >= k:
                break
    return out


class OnlineCovisit:
    """The online co-visitation table T(a, b) over item ids (docs/MODEL_BUNDLE.md "Online co-visitation"), unbounded.

    ``add_event(prev_items, prev_ts, item, ts)``: prev_items / prev_ts are the user's previous events, most recent
    first (at least W of them when there are that many). For k = 1..W: if h_k != x and ts - ts_k <= G*1000 then
    T(x, h_k) += 1/k and T(h_k, x) += 1/k."""

    def __init__(self, pair_window=5, max_gap_s=86400):
        self.W = int(pair_window)
        self.G_ms = int(max_gap_s) * 1000
        self.t = collections.defaultdict(dict)

    @classmethod
    def from_json(cls, table, pair_window=5, max_gap_s=86400):
        """A table as golden.json gives it: {"ITEM": [["NEIGHBOUR", weight], ...]}, loaded as given."""
        o = cls(pair_window, max_gap_s)
        for a, lst in table.items():
            o.t[a] = {b: float(w) for b, w in lst}
        return o

    def add_event(self, prev_items, prev_ts, item, ts):
        ts = int(ts)
        for k in range(1, min(self.W, len(prev_items)) + 1):
            h = prev_items[k - 1]
            if h != item and ts - int(prev_ts[k - 1]) <= self.G_ms:
                inc = 1.0 / k
                row = self.t[item]
                row[h] = row.get(h, 0.0) + inc
                row = self.t[h]
                row[item] = row.get(item, 0.0) + inc

    def weight(self, a, b):
        row = self.t.get(a)
        return row.get(b, 0.0) if row else 0.0

    def score(self, distinct, c):
        """Σ_q T(d_q, c) / (q + 1) (float64)."""
        s = 0.0
        for q, d in enumerate(distinct):
            row = self.t.get(d)
            if row:
                w = row.get(c)
                if w:
                    s += w / (q + 1)
        return s

    def scores_for(self, distinct, candidates):
        """The online_covisit feature ln(1 + score) of every candidate (float64)."""
        return [math.log1p(self.score(distinct, c)) for c in candidates]

    def acc(self, distinct):
        out = {}
        for q, d in enumerate(distinct):
            row = self.t.get(d)
            if row:
                if q == 0:
                    out = dict(row)  # w / 1 is w: the copy is the same sum, at C speed
                else:
                    get, div = out.get, q + 1
                    out.update({c: get(c, 0.0) + w / div for c, w in row.items()})
        return out

    def top(self, distinct, n):
        """The n items with the largest score > 0, score descending, ties by item id ascending."""
        pos = [(c, s) for c, s in self.acc(distinct).items() if s > 0]
        if 0 < n < len(pos):  # only items scoring at least the n-th largest score can be among the n: sort those
            thr = heapq.nlargest(n, [s for _, s in pos])[-1]
            pos = [x for x in pos if x[1] >= thr]
        return sorted(pos, key=lambda x: (-x[1], x[0]))[:n]

    def to_json(self, items=None):
        """{"ITEM": [["NEIGHBOUR", weight], ...]} (weight descending, ties by id). With ``items``: the full rows of
        those items plus the reverse entries T(b, a) of their neighbours b, so both directions are listed."""
        if items is None:
            rows = {a: dict(r) for a, r in self.t.items() if r}
        else:
            rows = collections.defaultdict(dict)
            for a in items:
                for b, w in self.t.get(a, {}).items():
                    rows[a][b] = w
                    rows[b][a] = self.t.get(b, {}).get(a, w)
        return {a: [[b, w] for b, w in sorted(r.items(), key=lambda x: (-x[1], x[0]))]
                for a, r in sorted(rows.items()) if r}


def candidate_feature_matrix(names, candidates, history=(), history_types=None, history_ts=None, trigger_ts=None,
                             covisit=None, M=0, L=None, online=None, online_items=3):
    """All named candidate features of ``candidates`` (item ids) as a float32 [len(candidates), F] array, from the
    history's item ids (most recent first, p = 0 the trigger), its types and times, the bundle's co-visitation
    ``covisit`` (id -> [(id, w)]) and the online table ``online`` (an OnlineCovisit), exactly as the contract says."""
    history = list(history)
    L = len(history) if L is None else L
    cols = []
    stats = None
    for name in names:
        if name == "covisit":
            cols.append(covisit_feature(history, candidates, covisit or {}, M))
        elif name in HIST_FEATURES:
            if stats is None:
                stats = history_stats(history, history_types, history_ts, L)
                hv = [hist_feature_values(stats, trigger_ts, c) for c in candidates]
            j = HIST_FEATURES.index(name)
            cols.append([r[j] for r in hv])
        elif name == "online_covisit":
            if online is None:
                cols.append([0.0] * len(candidates))
            else:
                cols.append(online.scores_for(distinct_recent(history, online_items, L), candidates))
        else:
            raise ValueError("unknown candidate feature %r" % name)
    return np.array(cols, dtype=np.float64).T.reshape(len(candidates), len(names)).astype(np.float32)
