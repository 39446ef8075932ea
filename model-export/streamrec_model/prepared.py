"""The event log prepared for training and evaluation: every event grouped by user in time order, with model indices,
history windows, context features and interest vectors, plus the positions that serve as training and test triggers
and the replay of the job's online co-visitation table in global time order. Training, candidate generation,
evaluation and the re-visit fit all index events by their position here, so they share this one layout."""
import time

import numpy as np

from . import EVENT_TYPES
from .features import InterestState, OnlineCovisit, category_key, context_features, type_weight_array
from .progress import Progress

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
    last = int(gs[-1]) + 1
    bar = Progress(last, "online co-visitation replay", log_msg)  # the slow part of building examples at scale
    for i in range(last):
        if i % 65536 == 0:
            bar.update(i)
        p = int(inv[i])
        prev = range(p - 1, max(int(start[p]), p - W) - 1, -1)
        T.add_event([items[q] for q in prev], [int(ts[q]) for q in prev], items[p], int(ts[p]))
        while j < len(gs) and gs[j] == i:
            fn(int(rows[j]), T)
            j += 1
    bar.update(last)
    bar.close()


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
