"""Write the model bundle (docs/MODEL_BUNDLE.md) from a training checkpoint."""
import datetime as _dt
import hashlib
import json
import os
import shutil

import numpy as np
import torch

from . import EVENT_TYPES, FORMAT_VERSION, TYPE_INDEX
from .config import candidate_feature_names, online_covisit_params
from .features import (CANDIDATE_FEATURES, HIST_FEATURES, InterestState, OnlineCovisit, Vocab,
                       candidate_feature_matrix, context_feature_names, context_features, covisit_feature,
                       category_key, distinct_recent, revisit_features, revisit_scores, type_weight_array,
                       unknown_revisit_features)
from .model import INPUT_NAMES, OUTPUT_NAMES, Ranker

OPSET = 17
TOLERANCE = 1e-4


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def tensor_contract(d, L, C, F):
    ins = [{"name": "interest", "dtype": "float32", "shape": ["batch", d]},
           {"name": "hist_items", "dtype": "int64", "shape": ["batch", L]},
           {"name": "hist_types", "dtype": "int64", "shape": ["batch", L]},
           {"name": "hist_ages", "dtype": "float32", "shape": ["batch", L]},
           {"name": "cand_items", "dtype": "int64", "shape": ["batch", "candidates"]},
           {"name": "cand_feats", "dtype": "float32", "shape": ["batch", "candidates", F]},
           {"name": "context", "dtype": "float32", "shape": ["batch", C]}]
    outs = [{"name": "scores", "dtype": "float32", "shape": ["batch", "candidates"]}]
    return ins, outs


def load_checkpoint(ckpt):
    j = lambda n: json.load(open(os.path.join(ckpt, n)))
    cfg = j("config.json")
    with open(os.path.join(ckpt, "items.txt"), encoding="utf-8") as f:
        items = [l.rstrip("\n") for l in f]
    E = np.load(os.path.join(ckpt, "embeddings.npy")).astype(np.float32)
    fc = cfg["features"]
    model = Ranker(len(items), int(fc["embedding_dim"]), int(fc["seq_len"]), len(context_feature_names()),
                   len(candidate_feature_names(cfg)), torch.from_numpy(E), hidden=tuple(cfg["ranker"]["hidden"]),
                   item_residual=bool(cfg["ranker"]["item_residual"]),
                   item_bias=bool(cfg["ranker"]["item_bias"]),
                   unknown_features=bool(cfg["ranker"].get("unknown_features", False)))
    model.load_state_dict(torch.load(os.path.join(ckpt, "ranker.pt")))
    model.eval()
    return cfg, items, E, j("covisit.json"), j("popular.json"), model, j("training.json"), j("samples.json")


def load_revisit(ckpt):
    """The checkpoint's re-visit order {"features": [...], "weights": [...]}, or None when it has none."""
    path = os.path.join(ckpt, "revisit.json")
    if not os.path.isfile(path):
        return None
    with open(path) as f:
        rv = json.load(f)
    names, weights = list(rv["features"]), [float(x) for x in rv["weights"]]
    if unknown_revisit_features(names) or len(weights) != len(names) or not all(np.isfinite(weights)):
        raise ValueError("%s: bad re-visit order (unknown features %s, %d weights for %d features)"
                         % (path, unknown_revisit_features(names), len(weights), len(names)))
    return {"features": names, "weights": weights}


class FeatureBuilder:
    """Builds ranker inputs from raw events with the bundle's own files, the way the job does."""

    def __init__(self, vocab, E_pad, covisit, cfg):
        fc = cfg["features"]
        self.vocab, self.E, self.cov = vocab, E_pad, covisit
        self.L, self.M = int(fc["seq_len"]), int(fc["covisit_window"])
        self.w = type_weight_array(fc["event_type_weights"])
        self.hl = float(fc["decay_half_life_s"])
        self.names = candidate_feature_names(cfg)
        self.K = online_covisit_params(cfg)["items"]

    def interest_trace(self, events):
        st = InterestState(self.E, self.w, self.hl)
        return [st.update(self.vocab.idx(e["item_id"]), TYPE_INDEX[e["type"]], int(e["ts"])).copy() for e in events]

    def cand_feats(self, recent, candidates, online=None):
        """[len(candidates), F] for the history ``recent`` (events, most recent first, at most L)."""
        hist_ids = [e["item_id"] for e in recent]
        if self.names == ["covisit"]:
            return np.array(covisit_feature(hist_ids, candidates, self.cov, self.M), np.float32).reshape(-1, 1)
        return candidate_feature_matrix(self.names, candidates, hist_ids, [e["type"] for e in recent],
                                        [int(e["ts"]) for e in recent], int(recent[0]["ts"]), covisit=self.cov,
                                        M=self.M, L=self.L, online=online, online_items=self.K)

    def row(self, events, candidates, online=None):
        """events: the user's events in order (the last one is the trigger); online: the OnlineCovisit table."""
        v = self.interest_trace(events)[-1]
        trig = events[-1]
        recent = events[::-1][:self.L]
        hi = np.zeros(self.L, np.int64)
        ht = np.zeros(self.L, np.int64)
        ha = np.zeros(self.L, np.float32)
        for p, e in enumerate(recent):
            hi[p] = self.vocab.idx(e["item_id"])
            ht[p] = TYPE_INDEX[e["type"]]
            ha[p] = max(0, int(trig["ts"]) - int(e["ts"])) / 1000.0
        cf = self.cand_feats(recent, candidates, online)
        ctx = np.array(context_features(int(trig["ts"]), trig["type"], len(events), self.L), np.float32)
        ci = np.array([self.vocab.idx(c) for c in candidates], np.int64)
        return dict(interest=v, hist_items=hi, hist_types=ht, hist_ages=ha, cand_items=ci, cand_feats=cf, context=ctx)


def _f(a):
    """float32 array -> nested lists of Python floats (exact: a float32 fits a double)."""
    return np.asarray(a, dtype=np.float32).astype(np.float64).tolist()


def _ranker_case(model, rows):
    batch = {k: np.stack([r[k] for r in rows]) for k in INPUT_NAMES}
    with torch.no_grad():
        scores = model(*[torch.from_numpy(batch[k]) for k in INPUT_NAMES]).numpy()
    inputs = {k: (batch[k].tolist() if batch[k].dtype == np.int64 else _f(batch[k])) for k in INPUT_NAMES}
    return {"inputs": inputs, "scores": _f(scores)}


def _synthetic_case(items, t0):
    """A history with carts, purchases, repeats, an unknown item, an event later than the trigger and categories
    (the trigger's, others, one missing, a non-ASCII one, an item whose category changed), an online table over it,
    and candidates hitting every feature (golden coverage that does not depend on the data)."""
    it = lambda i: items[i % len(items)]
    seq = [(it(0), "view", 0, "shoes"), ("__unknown_a__", "click", 5, "bags"), (it(1), "add_to_cart", 9, "shoes"),
           (it(0), "click", 20, "shoes"), ("__unknown_a__", "add_to_cart", 31, "bags"), (it(2), "purchase", 47, None),
           (it(1), "view", 60, "Schuhe \u00fc"), ("__unknown_b__", "view", 75, "shoes"),
           (it(3), "remove_from_cart", 80, "hats"), (it(0), "view", 200, "shoes")]
    ev = [{"item_id": i, "type": t, "ts": t0 + m * 60_000, **({"category": c} if c else {})} for i, t, m, c in seq]
    ev[-2]["ts"] = t0 + 230 * 60_000  # later than the trigger: its age is clamped at 0
    T = OnlineCovisit(5, 86400)
    for i, e in enumerate(ev):
        prev = ev[:i][::-1]
        T.add_event([p["item_id"] for p in prev], [p["ts"] for p in prev], e["item_id"], e["ts"])
    T.add_event([it(4)], [t0], it(0), t0 + 1000)  # another user's pair: a neighbour only T knows
    T.add_event(["__unknown_c__"], [t0], "__unknown_a__", t0 + 1000)
    cands = [it(0), "__unknown_a__", it(1), it(2), "__unknown_b__", it(3), it(4), "__unknown_c__", it(5),
             "__never_seen__"]
    return ev, cands, T


def revisit_case(recent, L, revisit):
    """One golden re-visit case from ``recent`` (events, most recent first, p = 0 the trigger, at most L)."""
    hist = [e["item_id"] for e in recent]
    types = [e["type"] for e in recent]
    ts = [int(e["ts"]) for e in recent]
    cats = [e.get("category") for e in recent]
    trigger_ts = ts[0]
    items, rows = revisit_features(hist, types, ts, trigger_ts, L, revisit["features"],
                                   [category_key(c) for c in cats])
    return {"history": hist, "history_types": types, "history_ts": ts, "history_categories": cats,
            "trigger_ts": trigger_ts, "items": items, "features": rows,
            "scores": revisit_scores(rows, revisit["weights"])}


def revisit_cases(samples, items, L, revisit):
    """The sample triggers' histories (cut to L, like the candidate feature cases) with at least two distinct items,
    those with a repeated item or a cart / purchase first, at most 6; one of them cut to the trigger alone; and the
    hand-made synthetic history (repeats, every type, unknown items, an event later than the trigger)."""
    cases = []
    for s in samples:
        recent = s["events"][::-1][:L]
        case = revisit_case(recent, L, revisit)
        if len(case["items"]) >= 2:
            rich = ((len(case["items"]) < len(recent)) +
                    any(t in ("add_to_cart", "purchase") for t in case["history_types"]))
            cases.append((-rich, len(cases), case))
    out = [c for _, _, c in sorted(cases, key=lambda x: x[:2])[:6]]
    if samples:
        out.append(revisit_case(samples[0]["events"][::-1][:1], L, revisit))
    ev, _, _ = _synthetic_case(items, 1_700_000_000_000)
    out.append(revisit_case(ev[::-1][:L], L, revisit))
    return out


def build_golden(model, fb, samples, items, cfg, revisit=None):
    rng = np.random.default_rng(int(cfg["seed"]))
    extended = fb.names != ["covisit"]
    rows_src = []
    for s in samples:
        ev = s["events"]
        cands = list(s["candidates"])
        T = OnlineCovisit.from_json(s.get("online_covisit", {})) if extended else None
        if T is not None:  # put some candidates the online table scores first, so ranker cases exercise it
            recent = [e["item_id"] for e in ev[::-1]][:fb.L]
            top = [c for c, _ in T.top(distinct_recent(recent, fb.K), 4)]
            cands = list(dict.fromkeys(top + cands))
        rows_src.append((ev, cands, T))
    if not rows_src:  # no samples: make one from the vocabulary
        ev = [{"item_id": items[i % len(items)], "type": EVENT_TYPES[i % 6], "ts": 1_700_000_000_000 + 60_000 * i}
              for i in range(8)]
        rows_src.append((ev, items[:20], OnlineCovisit() if extended else None))
    synth_case = _synthetic_case(items, 1_700_000_000_000) if extended else None
    ranker_cases = []
    # 1) batch > 1, same K per row
    K = 16
    rows = []
    for ev, cands, T in rows_src[:4]:
        c = (cands + items)[:K]
        rows.append(fb.row(ev, c, T))
    ranker_cases.append(_ranker_case(model, rows))
    # 2) one candidate
    ev, cands, T = rows_src[0]
    ranker_cases.append(_ranker_case(model, [fb.row(ev, cands[:1], T)]))
    # 3) full candidate list of one event, with an unknown item and a history item among the candidates
    ev, cands, T = rows_src[-1]
    c = list(cands) + ["__unknown_item__", ev[-1]["item_id"], ev[0]["item_id"]]
    ranker_cases.append(_ranker_case(model, [fb.row(ev, c, T)]))
    # 4) short history (padding) : only the trigger event
    ev, cands, T = rows_src[min(1, len(rows_src) - 1)]
    ranker_cases.append(_ranker_case(model, [fb.row(ev[-1:], cands[:8], T), fb.row(ev[-3:], cands[:8], T)]))
    if extended:  # 5) every new feature column nonzero somewhere, unknown items among the candidates
        ev, cands, T = synth_case
        ranker_cases.append(_ranker_case(model, [fb.row(ev, cands, T)]))
    # interest cases: real sequences + one synthetic sequence with every type, an unknown item and an old timestamp
    interest_cases = []
    for ev, _, _ in rows_src[:3]:
        ev = [{"item_id": e["item_id"], "type": e["type"], "ts": int(e["ts"])} for e in ev[-30:]]
        interest_cases.append({"events": ev, "expected": [_f(v) for v in fb.interest_trace(ev)]})
    t0 = 1_700_000_000_000
    synth = []
    for i, t in enumerate(EVENT_TYPES):
        synth.append({"item_id": items[int(rng.integers(len(items)))], "type": t, "ts": t0 + i * 1_234_567})
    synth.insert(3, {"item_id": "__unknown_item__", "type": "view", "ts": t0 + 3 * 1_234_567})
    synth.append({"item_id": items[0], "type": "click", "ts": t0 + 2_000_000})  # out of order: before last_ts
    synth.append({"item_id": items[1 % len(items)], "type": "view", "ts": t0 + 40 * 3_600_000})
    interest_cases.append({"events": synth, "expected": [_f(v) for v in fb.interest_trace(synth)]})
    # context cases
    context_cases = []
    for ts, typ, hl in [(1_700_000_000_000, "click", 3), (0, "view", 1), (1_712_345_678_901, "purchase", 51),
                        (1_699_999_999_999, "add_to_cart", 50), (1_701_388_800_000, "remove_from_cart", 7),
                        (1_702_000_000_123, "search", 200)]:
        context_cases.append({"ts": ts, "type": typ, "hist_len": hl,
                              "expected": _f(context_features(ts, typ, hl, fb.L))})
    # candidate feature cases
    cf_cases = []
    if not extended:
        for ev, cands, _ in rows_src[:3]:
            hist = [e["item_id"] for e in ev[::-1]][:fb.L]
            neigh = [c for c, _ in fb.cov.get(hist[0], [])][:5]
            cs = list(dict.fromkeys(neigh + cands[:10] + ["__unknown_item__"]))
            cf_cases.append({"history": hist, "candidates": cs,
                             "expected": [[x] for x in _f(covisit_feature(hist, cs, fb.cov, fb.M))]})
    else:
        srcs = rows_src[:4] + [synth_case]
        for ev, cands, T in srcs:
            recent = ev[::-1][:fb.L]
            hist = [e["item_id"] for e in recent]
            neigh = [c for c, _ in fb.cov.get(hist[0], [])][:5]
            cs = list(dict.fromkeys(neigh + cands[:16] + hist[:6] + ["__unknown_item__"]))
            case = {"history": hist, "candidates": cs}
            if any(n in HIST_FEATURES for n in fb.names):
                case.update({"history_types": [e["type"] for e in recent],
                             "history_ts": [int(e["ts"]) for e in recent], "trigger_ts": int(recent[0]["ts"])})
            if "online_covisit" in fb.names:
                case["online_covisit"] = T.to_json(distinct_recent(hist, fb.K))
            case["expected"] = _f(fb.cand_feats(recent, cs, T))
            cf_cases.append(case)
    golden = {"tolerance": TOLERANCE, "ranker_cases": ranker_cases, "interest_cases": interest_cases,
              "context_cases": context_cases, "candidate_feature_cases": cf_cases}
    if revisit is not None:
        golden["revisit_cases"] = revisit_cases(samples, items, fb.L, revisit)
    return golden


def export_onnx(model, path, d, L, C, F):
    B, K = 2, 5
    dummy = (torch.zeros(B, d), torch.ones(B, L, dtype=torch.int64), torch.ones(B, L, dtype=torch.int64),
             torch.zeros(B, L), torch.ones(B, K, dtype=torch.int64), torch.zeros(B, K, F), torch.zeros(B, C))
    dyn = {"interest": {0: "batch"}, "hist_items": {0: "batch"}, "hist_types": {0: "batch"},
           "hist_ages": {0: "batch"}, "cand_items": {0: "batch", 1: "candidates"},
           "cand_feats": {0: "batch", 1: "candidates"}, "context": {0: "batch"},
           "scores": {0: "batch", 1: "candidates"}}
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # torch 1.13 warns about prim::Constant shape inference
        torch.onnx.export(model, dummy, path, input_names=INPUT_NAMES, output_names=OUTPUT_NAMES,
                          dynamic_axes=dyn, opset_version=OPSET, do_constant_folding=True)


def export_bundle(ckpt, out, model_version=None):
    cfg, items, E, covisit, popular, model, training, samples = load_checkpoint(ckpt)
    revisit = load_revisit(ckpt)
    fc = cfg["features"]
    d, L = int(fc["embedding_dim"]), int(fc["seq_len"])
    names = candidate_feature_names(cfg)
    C, F = len(context_feature_names()), len(names)
    if os.path.isdir(out):
        shutil.rmtree(out)
    os.makedirs(out)
    vocab = Vocab(items)
    with open(os.path.join(out, "items.txt"), "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(it + "\n" for it in items))
    E[1:].astype("<f4").tofile(os.path.join(out, "item_embeddings.f32"))
    with open(os.path.join(out, "covisit.json"), "w") as f:
        json.dump({"neighbours": covisit}, f, separators=(",", ":"))
    with open(os.path.join(out, "popular.json"), "w") as f:
        json.dump({"items": popular}, f, separators=(",", ":"))
    export_onnx(model, os.path.join(out, "ranker.onnx"), d, L, C, F)
    # golden cases are computed from the files just written (re-read), exactly as a reader sees them
    E_file = np.fromfile(os.path.join(out, "item_embeddings.f32"), dtype="<f4").reshape(len(items), d)
    E_pad = np.vstack([np.zeros((1, d), np.float32), E_file])
    cov_file = {a: [(b, w) for b, w in lst] for a, lst in
                json.load(open(os.path.join(out, "covisit.json")))["neighbours"].items()}
    fb = FeatureBuilder(vocab, E_pad, cov_file, cfg)
    golden = build_golden(model, fb, samples, items, cfg, revisit)
    with open(os.path.join(out, "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
    ins, outs = tensor_contract(d, L, C, F)
    files = {n: sha256(os.path.join(out, n)) for n in
             ["ranker.onnx", "items.txt", "item_embeddings.f32", "covisit.json", "popular.json", "golden.json"]}
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
    mv = model_version or cfg.get("model_version") or ("streamrec-%s-%s" % (now.strftime("%Y%m%dT%H%M%SZ"),
                                                                         files["ranker.onnx"][:8]))
    manifest = {
        "format_version": FORMAT_VERSION,
        "model_version": mv,
        "created_utc": now.isoformat().replace("+00:00", "Z"),
        "opset": OPSET,
        "num_items": len(items),
        "embedding_dim": d,
        "seq_len": L,
        "event_types": list(EVENT_TYPES),
        "event_type_weights": {t: float(fc["event_type_weights"][t]) for t in EVENT_TYPES},
        "decay_half_life_s": float(fc["decay_half_life_s"]),
        "context_features": context_feature_names(),
        "candidate_features": list(names),
        "covisit_window": int(fc["covisit_window"]),
        **({"revisit": revisit} if revisit is not None else {}),
        "inputs": ins,
        "outputs": outs,
        "files": files,
        "golden_tolerance": TOLERANCE,
        "training": training,
    }
    if "online_covisit" in names:  # after covisit_window, so manifests without it keep their key order
        manifest = dict(list(manifest.items())[:list(manifest).index("covisit_window") + 1] +
                        [("online_covisit", online_covisit_params(cfg))] +
                        list(manifest.items())[list(manifest).index("covisit_window") + 1:])
    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print("bundle written to %s (model_version %s, %d items)" % (out, mv, len(items)), flush=True)
    return manifest
