"""A tiny end-to-end run on generated traffic: the ranker must beat popularity, the export must pass onnx.checker,
the manifest hashes must match the files, and verify must catch tampering."""
import json
import os
import shutil

import numpy as np
import onnx
import pytest

from streamrec_model.config import load_config
from streamrec_model.data import read_lines
from streamrec_model.export import export_bundle, sha256
from streamrec_model.train import train
from streamrec_model.synth import generate
from streamrec_model.verify import verify_bundle


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("run")
    events = generate(n_users=150, n_items=400, n_categories=12, days=8, seed=3)
    lines = [json.dumps(e) for e in events] + ['{"event_id": "x", "user_id": "u1"}']
    log = read_lines(lines, "jsonl", source="generated")
    cfg = load_config(None, ["retrieval.epochs=4", "ranker.epochs=3", "ranker.max_examples=4000",
                             "ranker.val_max_examples=600", "eval.max_triggers=1000", "threads=1"])
    report = train(cfg, log, str(tmp / "ckpt"))
    manifest = export_bundle(str(tmp / "ckpt"), str(tmp / "bundle"), model_version="test")
    return tmp, report, manifest, log


def test_bad_row_reported(run):
    _, report, _, log = run
    assert report["bad_rows"]["by_reason"] == {"missing_item_id": 1}


def test_ranker_beats_popularity(run):
    _, report, _, _ = run
    m = report["metrics"]["all"]
    assert m["ranker"]["MRR@20"] > 1.5 * m["popularity"]["MRR@20"]
    assert m["ranker"]["HR@20"] > m["popularity"]["HR@20"]
    assert m["retrieval"]["HR@20"] > m["popularity"]["HR@20"]
    assert report["metrics"]["triggers"]["all"] > 0


def test_export_passes_checker_and_hashes_match(run):
    tmp, _, manifest, _ = run
    b = tmp / "bundle"
    model = onnx.load(str(b / "ranker.onnx"))
    onnx.checker.check_model(model, full_check=True)
    assert manifest["opset"] <= 17
    assert set(manifest["files"]) == {"ranker.onnx", "items.txt", "item_embeddings.f32", "covisit.json",
                                      "popular.json", "golden.json"}
    for f, h in manifest["files"].items():
        assert sha256(str(b / f)) == h
    assert json.load(open(b / "manifest.json")) == manifest
    n, d = manifest["num_items"], manifest["embedding_dim"]
    assert os.path.getsize(b / "item_embeddings.f32") == n * d * 4
    assert verify_bundle(str(b))
    g = json.load(open(b / "golden.json"))
    assert any(len(c["scores"]) > 1 for c in g["ranker_cases"])
    assert any(len(c["scores"][0]) == 1 for c in g["ranker_cases"])
    assert all(k in manifest["training"]["metrics"]["all"] for k in ("ranker", "popularity", "repeat", "covisit_knn"))


def test_verify_rejects_tampering(run, tmp_path):
    src = run[0] / "bundle"
    b = tmp_path / "b"
    shutil.copytree(src, b)
    with open(b / "popular.json", "a") as f:
        f.write(" ")
    assert not verify_bundle(str(b), quiet=True)
    shutil.rmtree(b)
    shutil.copytree(src, b)
    m = json.load(open(b / "manifest.json"))
    m["context_features"].append("moon_phase")
    json.dump(m, open(b / "manifest.json", "w"))
    assert not verify_bundle(str(b), quiet=True)
    shutil.rmtree(b)
    shutil.copytree(src, b)
    g = json.load(open(b / "golden.json"))
    g["ranker_cases"][0]["scores"][0][0] += 0.01
    json.dump(g, open(b / "golden.json", "w"))
    m = json.load(open(b / "manifest.json"))
    m["files"]["golden.json"] = sha256(str(b / "golden.json"))
    json.dump(m, open(b / "manifest.json", "w"))
    assert not verify_bundle(str(b), quiet=True)


def test_zip_bundle_verifies(run, tmp_path):
    z = shutil.make_archive(str(tmp_path / "bundle"), "zip", str(run[0] / "bundle"))
    assert verify_bundle(z, quiet=True)


def test_cli_verify_default_bundle():
    import subprocess
    import sys
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = subprocess.run([sys.executable, "-m", "streamrec_model", "verify", os.path.join(here, "bundles", "default")],
                       cwd=here, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "VALID" in r.stdout and "FAIL" not in r.stdout


def test_config_override_and_unknown_key():
    cfg = load_config(None, ["ranker.epochs=2", 'features.event_type_weights={"view": 1}', "data.format=csv"])
    assert cfg["ranker"]["epochs"] == 2 and cfg["features"]["event_type_weights"] == {"view": 1}
    assert cfg["data"]["format"] == "csv"
    with pytest.raises(KeyError):
        load_config(None, ["ranker.no_such_key=1"])


def test_serving_candidates_and_unknown_features_export(tmp_path):
    """The options eval-default.json turns on: stage A treats late items as unknown (index 0), the ranker gets the
    in-graph unknown-item features; the bundle must still pass verify (golden cases through the ONNX evaluator)."""
    events = generate(n_users=80, n_items=200, n_categories=8, days=5, seed=5)
    log = read_lines([json.dumps(e) for e in events], "jsonl", source="generated")
    cfg = load_config(None, ["retrieval.epochs=2", "ranker.epochs=2", "ranker.max_examples=1500",
                             "ranker.val_max_examples=300", "eval.max_triggers=300", "threads=1",
                             "ranker.serving_candidates=true", "ranker.unknown_features=true"])
    report = train(cfg, log, str(tmp_path / "ckpt"))
    assert report["ranker_training"]["train_examples"] > 0
    export_bundle(str(tmp_path / "ckpt"), str(tmp_path / "bundle"), model_version="test-unk")
    assert verify_bundle(str(tmp_path / "bundle"))


def test_bundle_ships_the_revisit_order_with_golden_cases(run):
    """Default config: the re-visit order is fitted, shipped under the manifest's "revisit" key, its golden cases
    come from the sample triggers (a repeated item, a cart or purchase) plus the synthetic history, and the report
    keeps the ranker's own order next to the shipped one."""
    from streamrec_model.features import REVISIT_FEATURES, category_key, revisit_features, revisit_scores
    tmp, report, manifest, _ = run
    rv = manifest["revisit"]
    assert rv["features"] == REVISIT_FEATURES and len(rv["weights"]) == len(REVISIT_FEATURES)
    assert all(np.isfinite(rv["weights"]))
    fit = report["revisit"]
    assert fit["examples"] > 100 and fit["weights"] == rv["weights"]
    assert fit["train_mrr20_fitted"] > fit["train_mrr20_recency"]
    assert json.load(open(tmp / "ckpt" / "revisit.json")) == rv
    assert json.load(open(tmp / "ckpt" / "training.json"))["revisit"] == fit
    metrics = report["metrics"]
    assert "ranker_no_revisit" in metrics["all"] and "ranker_no_revisit" in metrics["new_items"]
    # the refill only moves history items: lists scored against a new item are unchanged
    assert metrics["new_items"]["ranker"] == metrics["new_items"]["ranker_no_revisit"]
    g = json.load(open(tmp / "bundle" / "golden.json"))
    cases = g["revisit_cases"]
    samples = json.load(open(tmp / "ckpt" / "samples.json"))
    hists = [[(e["item_id"], e["type"], e["ts"]) for e in s["events"][::-1][:manifest["seq_len"]]] for s in samples]
    from_samples = [c for c in cases if list(zip(c["history"], c["history_types"], c["history_ts"])) in hists]
    assert len([c for c in from_samples if len(c["items"]) >= 3]) >= 3
    assert any(len(c["items"]) < len(c["history"]) for c in from_samples)            # an item repeats
    assert any({"add_to_cart", "purchase"} & set(c["history_types"]) for c in from_samples)
    assert any("__unknown_a__" in c["items"] for c in cases)                           # the synthetic history
    same = rv["features"].index("same_category")
    assert any(row[same] == 1.0 for c in from_samples for row in c["features"][1:])   # the log's categories
    after = rv["features"].index("log_after_trigger")
    assert any(row[after] > 0 for c in cases for row in c["features"])
    L = manifest["seq_len"]
    for c in cases:
        assert len(c["history"]) == len(c["history_types"]) == len(c["history_ts"]) <= L
        assert c["trigger_ts"] == c["history_ts"][0]
        assert len(c["history_categories"]) == len(c["history"])
        items, rows = revisit_features(c["history"], c["history_types"], c["history_ts"], c["trigger_ts"], L,
                                       rv["features"], [category_key(x) for x in c["history_categories"]])
        assert items == c["items"] and rows == c["features"]
        assert c["scores"] == revisit_scores(rows, rv["weights"])


def _tampered(src, dst, manifest_fn=None, golden_fn=None):
    shutil.copytree(src, dst)
    if golden_fn:
        g = json.load(open(dst / "golden.json"))
        golden_fn(g)
        json.dump(g, open(dst / "golden.json", "w"))
    m = json.load(open(dst / "manifest.json"))
    m["files"]["golden.json"] = sha256(str(dst / "golden.json"))
    if manifest_fn:
        manifest_fn(m)
    json.dump(m, open(dst / "manifest.json", "w"))
    return dst


def test_verify_refuses_a_bad_revisit_order(run, tmp_path):
    from streamrec_model.verify import verify_dir
    src = run[0] / "bundle"

    def drop_weight(m):
        m["revisit"]["weights"].pop()

    def unknown_name(m):
        m["revisit"]["features"][4] = "rank_9"

    def infinite(m):
        m["revisit"]["weights"][0] = float("inf")

    def bad_score(g):
        g["revisit_cases"][0]["scores"][1] += 0.01

    def no_cases(g):
        del g["revisit_cases"]

    for i, (mf, gf, failing) in enumerate([(drop_weight, None, "revisit.weights has one weight per feature"),
                                           (unknown_name, None, "revisit.features are known"),
                                           (infinite, None, "revisit.weights are finite"),
                                           (None, bad_score, "golden revisit_cases"),
                                           (None, no_cases, "golden revisit_cases present")]):
        b = _tampered(src, tmp_path / ("b%d" % i), mf, gf)
        c = verify_dir(str(b))
        assert not c.ok
        failed = [name for name, ok, _ in c.results if not ok]
        assert failed and all("revisit" in name for name in failed), failed
        assert any(failing in name for name in failed), failed
    # without the key the bundle is the ranker's order alone, and valid (revisit_cases are then not looked at)
    b = _tampered(src, tmp_path / "none", lambda m: m.pop("revisit"))
    assert verify_bundle(str(b), quiet=True)


def test_checkpoint_without_revisit_exports_no_revisit(run, tmp_path):
    ckpt = tmp_path / "ckpt"
    shutil.copytree(run[0] / "ckpt", ckpt)
    os.remove(ckpt / "revisit.json")
    m = export_bundle(str(ckpt), str(tmp_path / "bundle"), model_version="no-revisit")
    assert "revisit" not in m
    assert "revisit_cases" not in json.load(open(tmp_path / "bundle" / "golden.json"))
    assert verify_bundle(str(tmp_path / "bundle"), quiet=True)


def test_sparse_retrieval_training_learns_like_the_dense_one(tmp_path):
    """retrieval.sparse trains the same loss with sparse gathers and SparseAdam: its embeddings must retrieve the
    next item about as well as the dense loop's, far above popularity, and the unknown item must stay at zero."""
    events = generate(n_users=150, n_items=400, n_categories=12, days=8, seed=3)
    log = read_lines([json.dumps(e) for e in events], "jsonl", source="generated")
    hr = {}
    for sparse in (False, True):
        cfg = load_config(None, ["retrieval.epochs=4", "ranker.epochs=1", "ranker.max_examples=1000",
                                 "ranker.val_max_examples=300", "eval.max_triggers=1000", "threads=1",
                                 "retrieval.sparse=%s" % ("true" if sparse else "false")])
        out = tmp_path / ("sparse" if sparse else "dense")
        report = train(cfg, log, str(out))
        m = report["metrics"]["all"]
        hr[sparse] = m["retrieval"]["HR@20"]
        assert m["retrieval"]["HR@20"] > 1.5 * m["popularity"]["HR@20"]
    print("retrieval HR@20 dense %.4f sparse %.4f" % (hr[False], hr[True]))
    assert hr[True] > 0.8 * hr[False], hr
