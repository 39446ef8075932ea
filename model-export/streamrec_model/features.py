"""Feature formulas shared with the Flink job, written exactly as docs/MODEL_BUNDLE.md states them."""
import collections
import math

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
