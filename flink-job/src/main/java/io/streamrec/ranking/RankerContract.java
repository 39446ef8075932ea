package io.streamrec.ranking;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.streamrec.model.BundleException;
import io.streamrec.model.BundleManifest;
import io.streamrec.model.TensorSpec;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The checks {@link OnnxRanker#open()} runs on a freshly opened session: the ONNX model's inputs and outputs match
 * the manifest (names, dtypes, ranks, fixed axes), and the manifest describes exactly the contract's tensors with the
 * contract's dtypes and sizes (docs/MODEL_BUNDLE.md). Why apart: they read the session once and hold nothing, while
 * the ranker is the session's lifecycle and the per-batch path.
 */
final class RankerContract {
    private static final String F32 = "float32";
    private static final String I64 = "int64";

    private RankerContract() {
    }

    /** Throws a {@link BundleException} naming the first mismatch. */
    static void check(String where, BundleManifest manifest, OrtSession session) throws BundleException {
        checkSignature(where, manifest, session);
        checkContract(where, manifest);
    }

    private static void checkSignature(String where, BundleManifest m, OrtSession session) throws BundleException {
        try {
            compare(where, "inputs", m.inputs(), session.getInputInfo());
            compare(where, "outputs", m.outputs(), session.getOutputInfo());
        } catch (OrtException e) {
            throw new BundleException(where + ": could not read ranker.onnx input/output info: " + e.getMessage(), e);
        }
    }

    private static void compare(String where, String what, List<TensorSpec> specs, Map<String, NodeInfo> model)
            throws BundleException {
        TreeSet<String> specNames = new TreeSet<>();
        for (TensorSpec s : specs) {
            specNames.add(s.name());
        }
        if (!specNames.equals(new TreeSet<>(model.keySet()))) {
            throw new BundleException(where + ": ranker.onnx " + what + " are " + new TreeSet<>(model.keySet())
                    + " but manifest.json " + what + " names " + specNames);
        }
        for (TensorSpec s : specs) {
            ValueInfo vi = model.get(s.name()).getInfo();
            if (!(vi instanceof TensorInfo)) {
                throw new BundleException(where + ": ranker.onnx " + what + " '" + s.name() + "' is not a tensor");
            }
            TensorInfo ti = (TensorInfo) vi;
            String dtype = dtypeName(ti.onnxType);
            if (!s.dtype().equals(dtype)) {
                throw new BundleException(where + ": ranker.onnx " + what + " '" + s.name() + "' has dtype " + dtype
                        + " but manifest.json says " + s.dtype());
            }
            long[] shape = ti.getShape();
            if (shape.length != s.rank()) {
                throw new BundleException(where + ": ranker.onnx " + what + " '" + s.name() + "' has rank "
                        + shape.length + " but manifest.json shape " + s.shape() + " has rank " + s.rank());
            }
            for (int a = 0; a < shape.length; a++) {
                Object axis = s.shape().get(a);
                if (axis instanceof Long && shape[a] >= 0 && (Long) axis != shape[a]) {
                    throw new BundleException(where + ": ranker.onnx " + what + " '" + s.name() + "' axis " + a
                            + " is " + shape[a] + " but manifest.json says " + axis);
                }
            }
        }
    }

    private static String dtypeName(TensorInfo.OnnxTensorType t) {
        switch (t) {
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT:
                return F32;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64:
                return I64;
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE:
                return "float64";
            case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32:
                return "int32";
            default:
                return t.name();
        }
    }

    /** The manifest must describe exactly the contract's tensors, with the contract's dtypes, ranks and sizes. */
    private static void checkContract(String where, BundleManifest m) throws BundleException {
        long d = m.embeddingDim();
        long l = m.seqLen();
        long f = m.candidateFeatures().size();
        long c = m.contextFeatures().size();
        Object[][] want = {
                {OnnxRanker.INTEREST, F32, new Object[]{"batch", d}},
                {OnnxRanker.HIST_ITEMS, I64, new Object[]{"batch", l}},
                {OnnxRanker.HIST_TYPES, I64, new Object[]{"batch", l}},
                {OnnxRanker.HIST_AGES, F32, new Object[]{"batch", l}},
                {OnnxRanker.CAND_ITEMS, I64, new Object[]{"batch", "candidates"}},
                {OnnxRanker.CAND_FEATS, F32, new Object[]{"batch", "candidates", f}},
                {OnnxRanker.CONTEXT, F32, new Object[]{"batch", c}},
        };
        if (m.inputs().size() != want.length) {
            throw new BundleException(where + ": manifest.json inputs has " + m.inputs().size()
                    + " tensors, the contract has " + want.length + " (interest, hist_items, hist_types, hist_ages,"
                    + " cand_items, cand_feats, context)");
        }
        for (Object[] w : want) {
            checkSpec(where, "inputs", m.input((String) w[0]), (String) w[0], (String) w[1], (Object[]) w[2]);
        }
        checkSpec(where, "outputs", m.output(OnnxRanker.SCORES), OnnxRanker.SCORES, F32, new Object[]{"batch", "candidates"});
    }

    private static void checkSpec(String where, String what, TensorSpec s, String name, String dtype, Object[] axes)
            throws BundleException {
        if (s == null) {
            throw new BundleException(where + ": manifest.json " + what + " has no tensor named '" + name
                    + "' (the contract's tensor names are fixed)");
        }
        if (!s.dtype().equals(dtype)) {
            throw new BundleException(where + ": manifest.json " + what + " '" + name + "' has dtype " + s.dtype()
                    + ", the contract says " + dtype);
        }
        if (s.rank() != axes.length) {
            throw new BundleException(where + ": manifest.json " + what + " '" + name + "' has shape " + s.shape()
                    + ", the contract's rank is " + axes.length);
        }
        for (int a = 0; a < axes.length; a++) {
            Object got = s.shape().get(a);
            if (axes[a] instanceof Long && !axes[a].equals(got)) {
                throw new BundleException(where + ": manifest.json " + what + " '" + name + "' axis " + a + " is "
                        + got + ", expected " + axes[a] + " from the manifest's sizes");
            }
        }
    }
}
