"""GRU4Rec to ONNX for the Java evaluator (``eval/Gru4RecBaseline.java``), and the checks of what was written.

What: ``export`` writes three files into one directory; ``validate`` (always run after it by the CLI) checks them.

- ``gru4rec.onnx``: input ``items`` int64 [batch, max_len], the last max_len item indices of the running session,
  oldest first, left-padded with 0; output ``scores`` float32 [batch, n_items + 1], one score per item index
  (higher is better; index 0 is padding and never an item). Batch is a dynamic axis; max_len is fixed, because the
  model was trained on windows padded to exactly that length.
- ``gru4rec.json``: that contract once (names, dtypes, shapes, padding), the session rule, the item vocabulary (item
  ids in index order: ``items[i]`` has index i + 1) and the training report.
- ``gru4rec.golden.json``: PyTorch's scores for a few inputs at a few indices. ``validate`` replays them through the
  ONNX graph with the NumPy interpreter ``verify`` uses for the ranker (onnx_eval.py), since Debian ships no
  onnxruntime for Python; ONNX Runtime itself replays them in Java: Gru4RecBaseline does so every time it opens the
  model and refuses a model that differs by more than ``tolerance``.

Why a separate file: export and checks are their own step, and sequential.py stays about training.
"""
import json
import os
import warnings

import numpy as np
import onnx
import torch

from . import onnx_eval

CONTRACT = "gru4rec.json"
MODEL = "gru4rec.onnx"
GOLDEN = "gru4rec.golden.json"
FORMAT = "streamrec-gru4rec/1"
INPUT, OUTPUT = "items", "scores"
OPSET = 17  # the highest Debian's torch 1.13 exports
TOLERANCE = 1e-4


class _Scores(torch.nn.Module):
    """The exported graph: left-padded item windows to scores over every item index."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, items):
        return self.model(items)


def golden_inputs(x, max_len, n=6):
    """A few inputs with different amounts of padding: the fullest training windows, cut to their last 1, 2, 3, 5,
    8 and max_len real items (a single item 1 when there are none)."""
    rows = x[np.argsort(-(x > 0).sum(1), kind="stable")][:n] if len(x) else np.ones((1, max_len), np.int64)
    out = []
    for i, row in enumerate(rows):
        real = row[row > 0]
        keep = max(1, min(len(real), [1, 2, 3, 5, 8, max_len][i % 6]))
        w = np.zeros(max_len, np.int64)
        w[max_len - keep:] = real[-keep:] if len(real) else 1
        out.append(w)
    return np.stack(out)


def export(model, vocab, report, out_dir, train_x=None):
    """Writes gru4rec.onnx, gru4rec.json and gru4rec.golden.json into out_dir; returns the contract dict."""
    os.makedirs(out_dir, exist_ok=True)
    p = report["params"]
    L, n = int(p["max_len"]), len(vocab)
    model.eval()
    wrapper = _Scores(model).eval()
    dummy = torch.ones((2, L), dtype=torch.int64)
    with warnings.catch_warnings():
        # torch warns that a GRU exported with batch > 1 may not run at other batch sizes unless h0 is defined: the
        # model builds h0 from the input's shape (Gru4Rec.hidden), so the graph's batch axis is truly dynamic
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size other than 1")
        torch.onnx.export(wrapper, dummy, os.path.join(out_dir, MODEL), input_names=[INPUT], output_names=[OUTPUT],
                          dynamic_axes={INPUT: {0: "batch"}, OUTPUT: {0: "batch"}}, opset_version=OPSET,
                          do_constant_folding=True)
    inputs = golden_inputs(train_x if train_x is not None else np.zeros((0, L), np.int64), L)
    with torch.no_grad():
        scores = wrapper(torch.from_numpy(inputs)).numpy()
    cases = []
    spread = np.unique(np.linspace(1, n, num=min(n, 10)).astype(np.int64)) if n else np.zeros(0, np.int64)
    for row, s in zip(inputs, scores):
        top = np.argsort(-s[1:], kind="stable")[:10] + 1
        idx = [int(i) for i in np.unique(np.concatenate([top, spread]))]
        cases.append({"items": [int(v) for v in row], "indices": idx, "scores": [float(s[i]) for i in idx],
                      "top": [int(i) for i in top]})
    with open(os.path.join(out_dir, GOLDEN), "w") as f:
        json.dump({"tolerance": TOLERANCE, "cases": cases}, f)
    contract = {
        "format": FORMAT,
        "model": MODEL,
        "opset": OPSET,
        "input": {"name": INPUT, "dtype": "int64", "shape": ["batch", L], "padding_index": 0, "padding": "left",
                  "meaning": "the last max_len item indices of the running session, oldest first"},
        "output": {"name": OUTPUT, "dtype": "float32", "shape": ["batch", n + 1],
                   "meaning": "a score per item index, higher is better; index 0 is padding, never an item"},
        "max_len": L,
        "num_items": n,
        "session_gap_s": float(p["session_gap_s"]),
        "golden": GOLDEN,
        "training": report,
        "items": list(vocab),
    }
    with open(os.path.join(out_dir, CONTRACT), "w") as f:
        json.dump(contract, f)
    return contract


def validate(out_dir):
    """Checks the written files against each other and the ONNX graph's scores against PyTorch's golden ones (NumPy
    interpreter); returns a list of problems (empty: valid). The ONNX Runtime parity check is Java's."""
    problems = []
    try:
        with open(os.path.join(out_dir, CONTRACT)) as f:
            c = json.load(f)
        with open(os.path.join(out_dir, GOLDEN)) as f:
            g = json.load(f)
        m = onnx.load(os.path.join(out_dir, c["model"]))
        onnx.checker.check_model(m)
    except Exception as e:  # any unreadable or invalid file is the one problem to report
        return ["cannot read the export in %s: %s" % (out_dir, e)]
    if c.get("format") != FORMAT:
        problems.append("format is %r, not %r" % (c.get("format"), FORMAT))
    n, L = len(c["items"]), c["max_len"]
    if n != c["num_items"] or len(set(c["items"])) != n:
        problems.append("the vocabulary has %d ids (%d distinct), num_items says %d"
                        % (n, len(set(c["items"])), c["num_items"]))

    def dims(v):
        return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]

    ins, outs = m.graph.input, m.graph.output
    if [i.name for i in ins] != [INPUT] or dims(ins[0]) != ["batch", L] \
            or ins[0].type.tensor_type.elem_type != onnx.TensorProto.INT64:
        problems.append("model input is %s, the contract says %s int64 [batch, %d]"
                        % ([(i.name, dims(i)) for i in ins], INPUT, L))
    if [o.name for o in outs] != [OUTPUT] or outs[0].type.tensor_type.elem_type != onnx.TensorProto.FLOAT:
        problems.append("model output is %s, the contract says %s float32" % ([o.name for o in outs], OUTPUT))
    else:
        inferred = onnx.shape_inference.infer_shapes(m).graph.output[0]
        d = dims(inferred)
        if len(d) != 2 or (isinstance(d[1], int) and d[1] > 0 and d[1] != n + 1):
            problems.append("model output shape %s, the contract says [batch, %d]" % (d, n + 1))
    if not g.get("cases"):
        problems.append("no golden cases")
    for i, case in enumerate(g.get("cases", [])):
        if len(case["items"]) != L or any(not 0 <= v <= n for v in case["items"]):
            problems.append("golden case %d: input not %d indices in [0, %d]" % (i, L, n))
        if any(not 1 <= v <= n for v in case["indices"]) or len(case["indices"]) != len(case["scores"]):
            problems.append("golden case %d: indices outside [1, %d] or not one score each" % (i, n))
    if problems:
        return problems
    cases = g["cases"]
    try:
        got = onnx_eval.run(m, {INPUT: np.asarray([case["items"] for case in cases], np.int64)})[0]
    except NotImplementedError as e:
        return ["the NumPy ONNX interpreter cannot run the model: %s" % e]
    tol = float(g.get("tolerance", TOLERANCE))
    for i, case in enumerate(cases):
        want = np.asarray(case["scores"])
        diff = np.abs(got[i][case["indices"]] - want)
        if (diff > tol * np.maximum(1.0, np.abs(want))).any():
            problems.append("golden case %d: the ONNX graph gives scores up to %.3g away from PyTorch's"
                            % (i, float(diff.max())))
    return problems
