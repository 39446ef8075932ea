"""A tiny NumPy interpreter for the ONNX operators the ranker (and the evaluator's GRU4Rec baseline) uses.

Debian has no onnxruntime for Python, so ``verify`` replays golden.json through ranker.onnx with this evaluator
(the Java side does the same with ONNX Runtime). An operator it does not know is reported, never skipped."""
import numpy as np
from onnx import numpy_helper, helper

DTYPES = {1: np.float32, 6: np.int32, 7: np.int64, 9: np.bool_, 11: np.float64}


def _attrs(node):
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _softmax(x, axis):
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def _reshape(x, shape, allowzero=0):
    shape = [int(s) for s in shape]
    if not allowzero:
        shape = [x.shape[i] if s == 0 else s for i, s in enumerate(shape)]
    return x.reshape(shape)


def _reduce(fn, x, axes, keepdims, noop_empty=0):
    if axes is None or len(axes) == 0:
        if noop_empty:
            return x
        axes = tuple(range(x.ndim))
    return fn(x, axis=tuple(int(a) for a in axes), keepdims=bool(keepdims))


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _gru(x, a):
    """ONNX GRU, forward direction, default activations, layout 0, no sequence_lens (the GRU4Rec baseline's export):
    X [T, B, I], W [1, 3H, I], R [1, 3H, H], B [1, 6H], initial_h [1, B, H]; gates in the order z, r, h. Returns
    (Y [T, 1, B, H], Y_h [1, B, H])."""
    if a.get("direction", b"forward") not in (b"forward", "forward") or a.get("layout", 0) != 0 \
            or (len(x) > 4 and x[4] is not None) or "activations" in a:
        raise NotImplementedError("ONNX GRU: only forward, layout 0, default activations, no sequence_lens")
    X, W, R = x[0], x[1][0], x[2][0]
    H = W.shape[0] // 3
    Bias = x[3][0] if len(x) > 3 and x[3] is not None else np.zeros(6 * H, X.dtype)
    h = x[5][0] if len(x) > 5 and x[5] is not None else np.zeros((X.shape[1], H), X.dtype)
    wb, rb = Bias[:3 * H], Bias[3 * H:]
    ys = []
    for t in range(X.shape[0]):
        gx = X[t] @ W.T + wb
        gh = h @ R[:2 * H].T + rb[:2 * H]
        z = _sigmoid(gx[:, :H] + gh[:, :H])
        r = _sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
        if a.get("linear_before_reset", 0):
            n = np.tanh(gx[:, 2 * H:] + r * (h @ R[2 * H:].T + rb[2 * H:]))
        else:
            n = np.tanh(gx[:, 2 * H:] + (r * h) @ R[2 * H:].T + rb[2 * H:])
        h = (1 - z) * n + z * h
        ys.append(h)
    return np.stack(ys)[:, None], h[None]


def run(model, feeds):
    env = {init.name: numpy_helper.to_array(init) for init in model.graph.initializer}
    env.update(feeds)
    for node in model.graph.node:
        a = _attrs(node)
        x = [env[n] if n else None for n in node.input]
        op = node.op_type
        if op == "Constant":
            out = numpy_helper.to_array(a["value"])
        elif op == "Add":
            out = x[0] + x[1]
        elif op == "Sub":
            out = x[0] - x[1]
        elif op == "Mul":
            out = x[0] * x[1]
        elif op == "Div":
            out = x[0] / x[1] if x[0].dtype.kind == "f" else x[0] // x[1]
        elif op == "MatMul":
            out = np.matmul(x[0], x[1])
        elif op == "Gemm":
            A = x[0].T if a.get("transA", 0) else x[0]
            B = x[1].T if a.get("transB", 0) else x[1]
            out = a.get("alpha", 1.0) * (A @ B)
            if len(x) > 2 and x[2] is not None:
                out = out + a.get("beta", 1.0) * x[2]
        elif op == "Gather":
            out = np.take(x[0], x[1], axis=a.get("axis", 0))
        elif op == "Cast":
            out = x[0].astype(DTYPES[a["to"]])
        elif op == "Equal":
            out = np.equal(x[0], x[1])
        elif op == "Greater":
            out = np.greater(x[0], x[1])
        elif op == "Less":
            out = np.less(x[0], x[1])
        elif op == "And":
            out = np.logical_and(x[0], x[1])
        elif op == "Not":
            out = np.logical_not(x[0])
        elif op == "Where":
            out = np.where(x[0], x[1], x[2])
        elif op == "Shape":
            s = np.array(x[0].shape, dtype=np.int64)
            out = s[a.get("start", 0):a.get("end", None)]
        elif op == "Concat":
            out = np.concatenate(x, axis=a["axis"])
        elif op == "Log":
            out = np.log(x[0])
        elif op == "Exp":
            out = np.exp(x[0])
        elif op == "Sqrt":
            out = np.sqrt(x[0])
        elif op == "Relu":
            out = np.maximum(x[0], 0).astype(x[0].dtype)
        elif op == "Softmax":
            out = _softmax(x[0], a.get("axis", -1))
        elif op == "ReduceSum":
            out = _reduce(np.sum, x[0], x[1] if len(x) > 1 else None, a.get("keepdims", 1),
                          a.get("noop_with_empty_axes", 0)).astype(x[0].dtype)
        elif op in ("ReduceMin", "ReduceMax", "ReduceMean"):
            fn = {"ReduceMin": np.min, "ReduceMax": np.max, "ReduceMean": np.mean}[op]
            out = _reduce(fn, x[0], a.get("axes"), a.get("keepdims", 1)).astype(x[0].dtype)
        elif op == "Unsqueeze":
            out = x[0]
            axes = sorted(int(v) % (x[0].ndim + len(x[1])) for v in x[1])
            for ax in axes:
                out = np.expand_dims(out, ax)
        elif op == "Squeeze":
            out = np.squeeze(x[0], axis=tuple(int(v) for v in x[1])) if len(x) > 1 and x[1] is not None \
                else np.squeeze(x[0])
        elif op == "Reshape":
            out = _reshape(x[0], x[1], a.get("allowzero", 0))
        elif op == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a else np.zeros(1, np.float32)
            out = np.full(tuple(int(s) for s in x[0]), v.reshape(-1)[0], dtype=v.dtype)
        elif op == "Expand":
            shape = np.broadcast_shapes(x[0].shape, tuple(int(s) for s in x[1]))
            out = np.broadcast_to(x[0], shape).copy()
        elif op == "Clip":
            out = x[0]
            if len(x) > 1 and x[1] is not None:
                out = np.maximum(out, x[1])
            if len(x) > 2 and x[2] is not None:
                out = np.minimum(out, x[2])
        elif op == "Transpose":
            out = np.transpose(x[0], a.get("perm"))
        elif op == "Identity":
            out = x[0]
        elif op == "GRU":
            for name, v in zip(node.output, _gru(x, a)):
                if name:
                    env[name] = v
            continue
        else:
            raise NotImplementedError("ONNX operator %s is not supported by the NumPy evaluator" % op)
        env[node.output[0]] = out
    return [env[o.name] for o in model.graph.output]
