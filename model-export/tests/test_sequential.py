"""GRU4Rec baseline (sequential.py, sequential_export.py, `baseline-gru4rec`): sessions follow SessionIndex's rule, the
model learns a deterministic next-item pattern, and the export writes the declared contract and passes its checks.
The export's ONNX graph is replayed here with the NumPy interpreter (onnx_eval.py); the ONNX Runtime parity check is
Java's (Gru4RecBaselineTest): Debian has no onnxruntime for Python."""
import json
import random

import numpy as np
import onnx
import pytest
import torch

from streamrec_model.__main__ import main
from streamrec_model.sequential import sessions, train, vocabulary, windows
from streamrec_model.sequential_export import CONTRACT, GOLDEN, MODEL, validate

N_ITEMS = 40


def pattern_log(n_sessions=300, seed=1):
    """Sessions of 3..9 views in which item i is always followed by item i+1 (mod N_ITEMS), 1 h apart per user."""
    r = random.Random(seed)
    users, items, ts = [], [], []
    t = 1_700_000_000_000
    for s in range(n_sessions):
        start = r.randrange(N_ITEMS)
        for j in range(r.randrange(3, 10)):
            users.append("u%d" % (s % 50))
            items.append("i%d" % ((start + j) % N_ITEMS))
            ts.append(t)
            t += 60_000
        t += 3_600_000
    return users, items, np.asarray(ts, np.int64)


def test_sessions_break_on_gap_and_session_id():
    users = ["a", "a", "b", "a", "a", "a"]
    items = ["x", "y", "z", "x", "y", "z"]
    ts = [0, 1000, 1500, 1000 + 1_800_000, 1000 + 1_800_001 + 1_800_001, 5_000_000]
    got = sessions(users, items, ts, gap_ms=1_800_000)
    # exactly the gap continues the session (SessionIndex ends it only when ts - last > gap)
    assert [s[0] for s in got] == [["x", "y", "x"], ["z"], ["y", "z"]]
    sids = ["s1", "s1", None, "s2", "s2", "s2"]
    got = sessions(users, items, ts, sids, gap_ms=10 ** 12)
    assert [s[0] for s in got] == [["x", "y"], ["z"], ["x", "y", "z"]]


def test_windows_left_pad_and_cut_long_sessions():
    index = {c: i + 1 for i, c in enumerate("abcdefg")}
    x, y, ends = windows([(list("abc"), 0, 5), (list("abcdefg"), 10, 20), (["a"], 30, 30)], index, 4)
    assert x.tolist() == [[0, 0, 1, 2], [1, 2, 3, 4], [0, 0, 5, 6]]
    assert y.tolist() == [[0, 0, 2, 3], [2, 3, 4, 5], [0, 0, 6, 7]]
    assert ends.tolist() == [5, 20, 20]
    assert vocabulary(["b", "a", "b", "c"]) == ["b", "a", "c"]


@pytest.fixture(scope="module")
def trained():
    users, items, ts = pattern_log()
    params = {"epochs": 30, "dim": 32, "max_len": 8, "lr": 0.01, "holdout": 0.1, "patience": 5, "threads": 1}
    return train(users, items, ts, params)


def test_learns_the_next_item_pattern(trained):
    model, vocab, report, _ = trained
    index = {it: i + 1 for i, it in enumerate(vocab)}
    hits = 0
    with torch.no_grad():
        for i in range(N_ITEMS):  # after ... i-1, i the next item is i+1
            x = torch.zeros((1, 8), dtype=torch.int64)
            x[0, -2:] = torch.tensor([index["i%d" % ((i - 1) % N_ITEMS)], index["i%d" % i]])
            s = model(x)[0]
            s[0] = -float("inf")
            hits += int(vocab[int(s.argmax()) - 1] == "i%d" % ((i + 1) % N_ITEMS))
    assert hits >= 0.9 * N_ITEMS, hits
    assert report["history"][report["best_epoch"] - 1]["holdout_mrr20"] > 0.9


def test_sampled_softmax_learns_too():
    users, items, ts = pattern_log(200, seed=2)
    model, vocab, report, _ = train(users, items, ts, {"epochs": 30, "dim": 32, "max_len": 8, "lr": 0.01,
                                                       "negatives": 8, "holdout": 0.1, "patience": 5})
    assert report["history"][report["best_epoch"] - 1]["holdout_hr20"] > 0.8, report["history"]


def test_cli_exports_the_declared_contract(tmp_path):
    users, items, ts = pattern_log(120, seed=3)
    log = tmp_path / "train.jsonl"
    log.write_text("".join(json.dumps({"event_id": "e%d" % i, "user_id": u, "item_id": it, "type": "view",
                                       "ts": int(t)}) + "\n" for i, (u, it, t) in enumerate(zip(users, items, ts))))
    out = tmp_path / "gru"
    main(["baseline-gru4rec", "--data", str(log), "--format", "jsonl", "--out", str(out), "--epochs", "2",
          "--max-len", "6", "--dim", "16"])
    c = json.loads((out / CONTRACT).read_text())
    assert c["input"] == {"name": "items", "dtype": "int64", "shape": ["batch", 6], "padding_index": 0,
                          "padding": "left", "meaning": c["input"]["meaning"]}
    assert c["output"]["name"] == "scores" and c["output"]["shape"] == ["batch", N_ITEMS + 1]
    assert sorted(c["items"]) == sorted({"i%d" % i for i in range(N_ITEMS)}) and c["num_items"] == N_ITEMS
    assert c["session_gap_s"] == 1800 and c["training"]["params"]["epochs"] == 2
    m = onnx.load(str(out / MODEL))
    assert [i.name for i in m.graph.input] == ["items"]
    assert m.graph.input[0].type.tensor_type.shape.dim[0].dim_param == "batch"
    g = json.loads((out / GOLDEN).read_text())
    assert len(g["cases"]) >= 2 and {sum(v > 0 for v in c["items"]) for c in g["cases"]} >= {1, 2}
    assert validate(str(out)) == []
    # the checks replay the golden scores through the ONNX graph, and catch a model that differs from PyTorch
    g["cases"][0]["scores"][0] += 0.01
    (out / GOLDEN).write_text(json.dumps(g))
    assert any("golden case 0" in p for p in validate(str(out)))
    g["cases"][0]["scores"][0] -= 0.01
    (out / GOLDEN).write_text(json.dumps(g))
    assert validate(str(out)) == []
    # and a contract that no longer matches the model
    c["max_len"] = 7
    (out / CONTRACT).write_text(json.dumps(c))
    assert any("model input" in p for p in validate(str(out)))
