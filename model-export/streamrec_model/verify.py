"""Validate a model bundle exactly as docs/MODEL_BUNDLE.md's "Validation" section says, plus onnx.checker and a
replay of the golden ranker cases through ranker.onnx (NumPy evaluator)."""
import json
import math
import os
import tempfile
import zipfile

import numpy as np
import onnx

from . import EVENT_TYPES, FORMAT_VERSION
from . import onnx_eval
from .export import sha256
from .features import (CANDIDATE_FEATURES, HIST_FEATURES, InterestState, OnlineCovisit, Vocab,
                       candidate_feature_matrix, category_key, context_feature_names, context_features,
                       revisit_features, revisit_scores, type_weight_array, unknown_revisit_features)

KNOWN_CONTEXT = set(context_feature_names())
KNOWN_CANDIDATE = set(CANDIDATE_FEATURES)
ONNX_DTYPE = {1: "float32", 7: "int64"}
REQUIRED_FILES = ["ranker.onnx", "items.txt", "item_embeddings.f32", "covisit.json", "popular.json", "golden.json"]


class Checks:
    def __init__(self):
        self.results = []

    def check(self, name, ok, detail=""):
        self.results.append((name, bool(ok), detail))
        return bool(ok)

    @property
    def ok(self):
        return all(r[1] for r in self.results)

    def print(self):
        for name, ok, detail in self.results:
            print("  [%s] %s%s" % ("ok" if ok else "FAIL", name, (": " + detail) if detail else ""))


def _maxdiff(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


def verify_dir(d):
    c = Checks()
    mpath = os.path.join(d, "manifest.json")
    if not c.check("manifest.json exists", os.path.isfile(mpath)):
        return c
    try:
        m = json.load(open(mpath))
    except ValueError as e:
        c.check("manifest.json is JSON", False, str(e))
        return c
    c.check("format_version is %d" % FORMAT_VERSION, m.get("format_version") == FORMAT_VERSION,
            "got %r" % m.get("format_version"))
    files = m.get("files", {})
    c.check("manifest lists every bundle file", all(f in files for f in REQUIRED_FILES),
            "missing %s" % [f for f in REQUIRED_FILES if f not in files])
    for f, h in sorted(files.items()):
        p = os.path.join(d, f)
        if not c.check("file %s exists" % f, os.path.isfile(p)):
            continue
        got = sha256(p)
        c.check("sha256 of %s" % f, got == h, "" if got == h else "manifest %s, file %s" % (h, got))
    if not c.ok:
        return c
    n, dim, L = int(m["num_items"]), int(m["embedding_dim"]), int(m["seq_len"])
    with open(os.path.join(d, "items.txt"), "rb") as fh:
        raw = fh.read().decode("utf-8")
    lines = raw.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    c.check("items.txt has num_items lines", len(lines) == n, "%d lines, num_items %d" % (len(lines), n))
    c.check("items.txt has no duplicates", len(set(lines)) == len(lines))
    esize = os.path.getsize(os.path.join(d, "item_embeddings.f32"))
    c.check("item_embeddings.f32 is num_items*d*4 bytes", esize == n * dim * 4, "%d vs %d" % (esize, n * dim * 4))
    c.check("event_types in contract order", m.get("event_types") == EVENT_TYPES, str(m.get("event_types")))
    w = m.get("event_type_weights", {})
    c.check("every event type has a weight", all(isinstance(w.get(t), (int, float)) for t in EVENT_TYPES))
    c.check("decay_half_life_s > 0", float(m.get("decay_half_life_s", 0)) > 0)
    c.check("context features known", set(m.get("context_features", [])) <= KNOWN_CONTEXT,
            str(set(m.get("context_features", [])) - KNOWN_CONTEXT))
    c.check("candidate features known", set(m.get("candidate_features", [])) <= KNOWN_CANDIDATE,
            str(set(m.get("candidate_features", [])) - KNOWN_CANDIDATE))
    names = list(m.get("candidate_features", []))
    if "online_covisit" in names:
        oc = m.get("online_covisit")
        c.check("online_covisit parameters present when the feature is named",
                isinstance(oc, dict) and all(isinstance(oc.get(k), int) and oc.get(k) > 0
                                             for k in ("items", "pair_window", "max_gap_s")), str(oc))
    cf_shape = next((t["shape"] for t in m.get("inputs", []) if t.get("name") == "cand_feats"), None)
    c.check("cand_feats last axis is len(candidate_features)", cf_shape is not None and cf_shape[-1] == len(names),
            "shape %s, %d features" % (cf_shape, len(names)))
    c.check("opset <= 17", int(m.get("opset", 99)) <= 17)
    revisit = _check_revisit_manifest(c, m)
    if not c.ok:
        return c
    cov = json.load(open(os.path.join(d, "covisit.json")))["neighbours"]
    bad_cov = [a for a, lst in cov.items() if any(x[1] <= 0 for x in lst) or
               any(lst[i][1] < lst[i + 1][1] for i in range(len(lst) - 1))]
    c.check("covisit lists sorted descending with weights > 0", not bad_cov, str(bad_cov[:3]))
    pop = json.load(open(os.path.join(d, "popular.json")))["items"]
    c.check("popular.json sorted descending", all(pop[i][1] >= pop[i + 1][1] for i in range(len(pop) - 1)))

    model = onnx.load(os.path.join(d, "ranker.onnx"))
    try:
        onnx.checker.check_model(model, full_check=True)
        c.check("onnx.checker full_check", True)
    except Exception as e:  # noqa: BLE001 - report whatever the checker says
        c.check("onnx.checker full_check", False, str(e)[:300])
    opset = max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx"))
    c.check("model opset matches manifest", opset == int(m["opset"]), "model %d manifest %s" % (opset, m["opset"]))

    def sig(vis):
        out = []
        for v in vis:
            t = v.type.tensor_type
            out.append((v.name, ONNX_DTYPE.get(t.elem_type, str(t.elem_type)), len(t.shape.dim)))
        return out
    init_names = {i.name for i in model.graph.initializer}
    g_in = sig([v for v in model.graph.input if v.name not in init_names])
    g_out = sig(model.graph.output)
    m_in = [(t["name"], t["dtype"], len(t["shape"])) for t in m["inputs"]]
    m_out = [(t["name"], t["dtype"], len(t["shape"])) for t in m["outputs"]]
    c.check("ONNX inputs match manifest (name, dtype, rank)", g_in == m_in, "model %s manifest %s" % (g_in, m_in))
    c.check("ONNX outputs match manifest (name, dtype, rank)", g_out == m_out, "model %s manifest %s" % (g_out, m_out))
    shapes_ok = True
    for t in m["inputs"]:
        for s in t["shape"]:
            shapes_ok &= isinstance(s, int) or s in ("batch", "candidates")
    c.check("symbolic axes are 'batch'/'candidates'", shapes_ok)
    if not c.ok:
        return c

    # golden cases
    g = json.load(open(os.path.join(d, "golden.json")))
    tol = float(g.get("tolerance", m.get("golden_tolerance", 1e-4)))
    c.check("golden tolerance equals manifest", tol == float(m["golden_tolerance"]))
    rc = g.get("ranker_cases", [])
    c.check("ranker cases include batch > 1", any(len(x["scores"]) > 1 for x in rc))
    c.check("ranker cases include a single candidate", any(len(x["scores"][0]) == 1 for x in rc))
    dtypes = {t["name"]: np.float32 if t["dtype"] == "float32" else np.int64 for t in m["inputs"]}
    worst = 0.0
    for i, case in enumerate(rc):
        feeds = {k: np.asarray(v, dtype=dtypes[k]) for k, v in case["inputs"].items()}
        out = onnx_eval.run(model, feeds)[0]
        worst = max(worst, _maxdiff(out, case["scores"]))
    c.check("ranker golden cases replay through ranker.onnx", worst <= tol, "max |diff| %.3g over %d cases" % (worst, len(rc)))

    vocab = Vocab(lines)
    E = np.fromfile(os.path.join(d, "item_embeddings.f32"), dtype="<f4").reshape(n, dim)
    E_pad = np.vstack([np.zeros((1, dim), np.float32), E])
    warr = type_weight_array(w)
    worst = 0.0
    for case in g.get("interest_cases", []):
        st = InterestState(E_pad, warr, float(m["decay_half_life_s"]))
        got = [st.update(vocab.idx(e["item_id"]), EVENT_TYPES.index(e["type"]) + 1, int(e["ts"])).copy()
               for e in case["events"]]
        worst = max(worst, _maxdiff(got, case["expected"]))
    c.check("interest golden cases", worst <= tol, "max |diff| %.3g" % worst)
    worst = 0.0
    for case in g.get("context_cases", []):
        got = context_features(int(case["ts"]), case["type"], int(case["hist_len"]), L)
        got = [got[context_feature_names().index(nm)] for nm in m["context_features"]]
        worst = max(worst, _maxdiff(got, case["expected"]))
    c.check("context golden cases", worst <= tol, "max |diff| %.3g" % worst)
    worst = 0.0
    covl = {a: [(b, x) for b, x in lst] for a, lst in cov.items()}
    K = int((m.get("online_covisit") or {}).get("items", 3))
    missing = []
    for i, case in enumerate(g.get("candidate_feature_cases", [])):
        if any(nm in HIST_FEATURES for nm in names) and not all(
                k in case for k in ("history_types", "history_ts", "trigger_ts")):
            missing.append(i)
            continue
        if "online_covisit" in names and "online_covisit" not in case:
            missing.append(i)
            continue
        online = OnlineCovisit.from_json(case["online_covisit"]) if "online_covisit" in case else None
        got = candidate_feature_matrix(names, case["candidates"], case["history"], case.get("history_types"),
                                       case.get("history_ts"), case.get("trigger_ts"), covisit=covl,
                                       M=int(m["covisit_window"]), L=L, online=online, online_items=K)
        worst = max(worst, _maxdiff(got, case["expected"]))
    c.check("candidate feature golden cases carry the inputs their features need", not missing,
            "cases %s" % missing)
    c.check("candidate feature golden cases", worst <= tol, "max |diff| %.3g" % worst)
    if revisit is not None:
        _check_revisit_golden(c, g, revisit, L, tol)
    return c


def _check_revisit_manifest(c, m):
    """The optional "revisit" key: {"features": [known, distinct names], "weights": [one finite float each]}.
    Returns it when it is valid, else None (and a failed check naming the key)."""
    if "revisit" not in m:
        return None
    rv = m["revisit"]
    if not c.check("manifest revisit is {\"features\": [names], \"weights\": [floats]}",
                   isinstance(rv, dict) and isinstance(rv.get("features"), list)
                   and isinstance(rv.get("weights"), list), "got %s" % json.dumps(rv)[:200]):
        return None
    names, weights = rv["features"], rv["weights"]
    ok = c.check("manifest revisit.features are known re-visit feature names",
                 all(isinstance(n, str) for n in names) and not unknown_revisit_features(names),
                 "unknown %s" % [n for n in names if not isinstance(n, str) or unknown_revisit_features([n])])
    ok &= c.check("manifest revisit.features are distinct", len(set(map(str, names))) == len(names), str(names))
    ok &= c.check("manifest revisit.weights has one weight per feature", len(weights) == len(names),
                  "%d weights, %d features" % (len(weights), len(names)))
    ok &= c.check("manifest revisit.weights are finite numbers",
                  all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in weights),
                  str([x for x in weights if not (isinstance(x, (int, float)) and not isinstance(x, bool)
                                                  and math.isfinite(x))]))
    return rv if ok else None


def _check_revisit_golden(c, g, rv, L, tol):
    """golden.json's revisit_cases, recomputed with features.revisit_features / revisit_scores."""
    cases = g.get("revisit_cases")
    if not c.check("golden revisit_cases present (the manifest has revisit)", isinstance(cases, list) and cases,
                   "got %s" % type(cases).__name__):
        return
    worst, bad = 0.0, []
    for i, case in enumerate(cases):
        try:
            cats = case.get("history_categories")
            if cats is not None and len(cats) != len(case["history"]):
                raise ValueError("history_categories has %d entries for %d events" % (len(cats), len(case["history"])))
            items, rows = revisit_features(case["history"], case["history_types"], case["history_ts"],
                                           case["trigger_ts"], L, rv["features"],
                                           None if cats is None else [category_key(x) for x in cats])
            if items != case["items"]:
                bad.append("case %d: items %s, expected %s" % (i, items, case["items"]))
                continue
            worst = max(worst, _maxdiff(rows, case["features"]),
                        _maxdiff(revisit_scores(rows, rv["weights"]), case["scores"]))
        except (KeyError, IndexError, TypeError, ValueError) as e:
            bad.append("case %d: %s %s" % (i, type(e).__name__, e))
    c.check("golden revisit_cases: inputs complete and items by distinct rank", not bad, "; ".join(bad)[:300])
    c.check("golden revisit_cases", worst <= tol, "max |diff| %.3g over %d cases" % (worst, len(cases)))


def verify_bundle(path, quiet=False):
    """True when the bundle (directory or zip) is valid; prints every check."""
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory() as tmp:
            with zipfile.ZipFile(path) as z:
                z.extractall(tmp)
            c = verify_dir(tmp)
    else:
        c = verify_dir(path)
    if not quiet:
        print("verify %s: %s" % (path, "VALID" if c.ok else "INVALID"))
        c.print()
    return c.ok
