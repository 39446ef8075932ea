package io.streamrec.ranking;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamrec.model.BundleException;
import io.streamrec.model.ModelBundle;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scores candidates with the bundle's ONNX ranker. One {@link OrtSession} per instance, created in {@link #open()}
 * from the bundle bytes; all candidates of all requests of a batch go through ONE {@code run()} call. Input buffers
 * are direct, reused and grown only when needed, and so is the scores output, which ONNX Runtime writes into (pinned)
 * so the per-event path copies no output tensor onto the heap. Not thread-safe: one ranker per thread (Flink subtask). Never closes
 * the shared {@link OrtEnvironment}.
 *
 * <p>Over 400 lines because opening the session, packing a batch into tensors and closing every tensor are one
 * resource's lifecycle; the checks of the session's signature against the manifest and the contract are
 * {@link RankerContract}, and {@link RawTensor} is only the golden replay's input form.
 */
public final class OnnxRanker implements AutoCloseable {
    public static final String INTEREST = "interest";
    public static final String HIST_ITEMS = "hist_items";
    public static final String HIST_TYPES = "hist_types";
    public static final String HIST_AGES = "hist_ages";
    public static final String CAND_ITEMS = "cand_items";
    public static final String CAND_FEATS = "cand_feats";
    public static final String CONTEXT = "context";
    public static final String SCORES = "scores";


    private final ModelBundle bundle;
    private final RankerOptions options;
    private final FeatureEncoder encoder;
    private final Map<String, String> appliedSettings = new LinkedHashMap<>();

    private OrtEnvironment env;
    private OrtSession session;
    private OrtSession.SessionOptions sessionOptions;

    private final Map<String, OnnxTensor> feed = new HashMap<>(16);
    private FloatBuffer interestBuf;
    private LongBuffer histItemsBuf;
    private LongBuffer histTypesBuf;
    private FloatBuffer histAgesBuf;
    private LongBuffer candItemsBuf;
    private FloatBuffer candFeatsBuf;
    private FloatBuffer contextBuf;
    /** The scores output, pinned: ONNX Runtime writes into it (the manifest fixes its shape, [batch, candidates]). */
    private FloatBuffer scoresBuf;
    private final Map<String, OnnxTensor> pinned = new HashMap<>(2);
    private float[][] rows = new float[0][];
    private final long[] shapeInterest = new long[2];
    private final long[] shapeHist = new long[2];
    private final long[] shapeCand = new long[2];
    private final long[] shapeCandFeats = new long[3];
    private final long[] shapeContext = new long[2];

    /**
     * @throws IllegalArgumentException if the bundle names a feature this code does not know (cannot happen for a
     *                                  bundle that {@link BundleLoader#load} accepted)
     */
    public OnnxRanker(ModelBundle bundle, RankerOptions options) {
        this.bundle = bundle;
        this.options = options == null ? RankerOptions.defaults() : options;
        try {
            this.encoder = new FeatureEncoder(bundle);
        } catch (BundleException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Creates the session and checks the model against the manifest (input/output names, dtypes, ranks, fixed axes)
     * and the manifest against the contract's tensor table.
     */
    public void open() throws BundleException {
        if (session != null) {
            return;
        }
        String where = "bundle " + bundle.location();
        try {
            env = environment();
        } catch (OrtException e) {
            throw new BundleException(where + ": ONNX Runtime could not start: " + e.getMessage(), e);
        }
        try {
            sessionOptions = new OrtSession.SessionOptions();
            int intra = Math.max(1, options.intraOpThreads);
            sessionOptions.setIntraOpNumThreads(intra);
            sessionOptions.setInterOpNumThreads(1);
            sessionOptions.addConfigEntry("session.intra_op.allow_spinning", "0");
            sessionOptions.addConfigEntry("session.inter_op.allow_spinning", "0");
            sessionOptions.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            sessionOptions.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            appliedSettings.put("intra_op_num_threads", Integer.toString(intra));
            appliedSettings.put("inter_op_num_threads", "1");
            appliedSettings.put("session.intra_op.allow_spinning", "0");
            appliedSettings.put("session.inter_op.allow_spinning", "0");
            appliedSettings.put("optimization_level", "ALL_OPT");
            appliedSettings.put("execution_mode", "SEQUENTIAL");
            session = env.createSession(bundle.onnxModel(), sessionOptions);
        } catch (OrtException e) {
            closeQuietly();
            throw new BundleException(where + ": ranker.onnx could not be loaded by ONNX Runtime: " + e.getMessage(), e);
        }
        try {
            RankerContract.check(where, bundle.manifest(), session);
        } catch (BundleException | RuntimeException e) {
            closeQuietly();
            throw e;
        }
    }

    private static volatile OrtEnvironment sharedEnv;

    /**
     * The shared environment, created the first time on a thread with a large stack: ONNX Runtime 1.29's telemetry
     * matches regular expressions against the process command line while the environment is created, and with a
     * command line over ~4 KB (a long {@code -cp}, as JMH forks and many cluster launchers use) that recursion
     * overflows a normal thread stack and SIGSEGVs the whole JVM without an hs_err file
     * (microsoft/onnxruntime#32173; {@code ORT_DISABLE_TELEMETRY=1} also avoids it). Public so the other ONNX
     * users of the process (the evaluator's GRU4Rec baseline) share it. Never close it.
     */
    public static OrtEnvironment environment() throws OrtException {
        OrtEnvironment e = sharedEnv;
        if (e != null) {
            return e;
        }
        synchronized (OnnxRanker.class) {
            if (sharedEnv == null) {
                OrtEnvironment[] holder = new OrtEnvironment[1];
                Throwable[] failure = new Throwable[1];
                Thread t = new Thread(null, () -> {
                    try {
                        holder[0] = OrtEnvironment.getEnvironment();
                    } catch (Throwable x) {
                        failure[0] = x;
                    }
                }, "streamrec-ort-init", 256L << 20);
                t.setDaemon(true);
                t.start();
                try {
                    t.join();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting ONNX Runtime", ie);
                }
                if (failure[0] instanceof OrtException) {
                    throw (OrtException) failure[0];
                }
                if (failure[0] != null) {
                    throw new IllegalStateException("ONNX Runtime could not start: " + failure[0], failure[0]);
                }
                sharedEnv = holder[0];
            }
            return sharedEnv;
        }
    }

    /** The session settings that were passed to {@code createSession} (for logs and tests). */
    public Map<String, String> sessionSettings() {
        return Collections.unmodifiableMap(appliedSettings);
    }

    public FeatureEncoder encoder() {
        return encoder;
    }

    /**
     * Scores every candidate of every request in ONE ONNX Runtime call.
     *
     * @return per request, exactly {@code numCandidates} scores in candidate order, in arrays of its own
     */
    public float[][] score(List<RankRequest> batch) {
        int b = batch.size();
        float[][] out = new float[b][];
        int k = run(batch);
        for (int i = 0; i < b; i++) {
            int n = k == 0 ? 0 : batch.get(i).numCandidates;
            out[i] = new float[n];
            if (n > 0) {
                scoresBuf.get(i * k, out[i], 0, n);
            }
        }
        return out;
    }

    /**
     * {@link #score} into rows this ranker reuses from call to call (the per-event path allocates nothing for them):
     * row i holds request i's {@code numCandidates} scores first and may be longer. Valid until the next call.
     */
    public float[][] scoreReused(List<RankRequest> batch) {
        int b = batch.size();
        if (rows.length < b) {
            rows = Arrays.copyOf(rows, b);
        }
        int k = run(batch);
        for (int i = 0; i < b; i++) {
            int n = k == 0 ? 0 : batch.get(i).numCandidates;
            if (rows[i] == null || rows[i].length < n) {
                rows[i] = new float[Math.max(n, 64)];
            }
            if (n > 0) {
                scoresBuf.get(i * k, rows[i], 0, n);
            }
        }
        return rows;
    }

    /**
     * Encodes and runs a batch; its scores are left in {@link #scoresBuf}, row-major {@code b × k}, which ONNX Runtime
     * writes directly (a pinned output: no copy of the output tensor onto the heap).
     *
     * @return k, the candidates per request in the call; 0 when no request has one (then there was no call)
     */
    private int run(List<RankRequest> batch) {
        if (session == null) {
            throw new IllegalStateException("OnnxRanker.open() was not called (or the ranker is closed)");
        }
        int b = batch.size();
        if (b == 0) {
            return 0;
        }
        int k = encoder.encode(batch);
        if (k == 0) {
            return 0;
        }
        int d = encoder.dim();
        int l = encoder.seqLen();
        int f = encoder.numCandidateFeatures();
        int c = encoder.numContextFeatures();
        ensureBuffers(b, k, d, l, f, c);
        interestBuf.clear();
        interestBuf.put(encoder.interest(), 0, b * d).flip();
        histItemsBuf.clear();
        histItemsBuf.put(encoder.histItems(), 0, b * l).flip();
        histTypesBuf.clear();
        histTypesBuf.put(encoder.histTypes(), 0, b * l).flip();
        histAgesBuf.clear();
        histAgesBuf.put(encoder.histAges(), 0, b * l).flip();
        candItemsBuf.clear();
        candItemsBuf.put(encoder.candItems(), 0, b * k).flip();
        candFeatsBuf.clear();
        candFeatsBuf.put(encoder.candFeats(), 0, b * k * f).flip();
        contextBuf.clear();
        contextBuf.put(encoder.context(), 0, b * c).flip();
        scoresBuf.clear().limit(b * k);
        shapeInterest[0] = b;
        shapeInterest[1] = d;
        shapeHist[0] = b;
        shapeHist[1] = l;
        shapeCand[0] = b;
        shapeCand[1] = k;
        shapeCandFeats[0] = b;
        shapeCandFeats[1] = k;
        shapeCandFeats[2] = f;
        shapeContext[0] = b;
        shapeContext[1] = c;
        try (OnnxTensor tInterest = OnnxTensor.createTensor(env, interestBuf, shapeInterest);
             OnnxTensor tHistItems = OnnxTensor.createTensor(env, histItemsBuf, shapeHist);
             OnnxTensor tHistTypes = OnnxTensor.createTensor(env, histTypesBuf, shapeHist);
             OnnxTensor tHistAges = OnnxTensor.createTensor(env, histAgesBuf, shapeHist);
             OnnxTensor tCandItems = OnnxTensor.createTensor(env, candItemsBuf, shapeCand);
             OnnxTensor tCandFeats = OnnxTensor.createTensor(env, candFeatsBuf, shapeCandFeats);
             OnnxTensor tContext = OnnxTensor.createTensor(env, contextBuf, shapeContext);
             OnnxTensor tScores = OnnxTensor.createTensor(env, scoresBuf, shapeCand)) {
            feed.clear();
            feed.put(INTEREST, tInterest);
            feed.put(HIST_ITEMS, tHistItems);
            feed.put(HIST_TYPES, tHistTypes);
            feed.put(HIST_AGES, tHistAges);
            feed.put(CAND_ITEMS, tCandItems);
            feed.put(CAND_FEATS, tCandFeats);
            feed.put(CONTEXT, tContext);
            pinned.put(SCORES, tScores);
            try (OrtSession.Result result = session.run(feed, pinned)) {
                scoresBuf.clear();
            } finally {
                feed.clear();
                pinned.clear();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to score a batch of " + b + " x " + k + ": "
                    + e.getMessage(), e);
        }
        return k;
    }

    private static OnnxTensor scoresOf(OrtSession.Result result) {
        Optional<OnnxValue> v = result.get(SCORES);
        OnnxValue value = v.isPresent() ? v.get() : result.get(0);
        return (OnnxTensor) value;
    }

    private void ensureBuffers(int b, int k, int d, int l, int f, int c) {
        interestBuf = floats(interestBuf, b * d);
        histItemsBuf = longs(histItemsBuf, b * l);
        histTypesBuf = longs(histTypesBuf, b * l);
        histAgesBuf = floats(histAgesBuf, b * l);
        candItemsBuf = longs(candItemsBuf, b * k);
        candFeatsBuf = floats(candFeatsBuf, b * k * f);
        contextBuf = floats(contextBuf, b * c);
        scoresBuf = floats(scoresBuf, b * k);
    }

    private static FloatBuffer floats(FloatBuffer buf, int n) {
        if (buf != null && buf.capacity() >= n) {
            return buf;
        }
        int cap = Math.max(n, buf == null ? 0 : buf.capacity() * 2);
        return ByteBuffer.allocateDirect(Math.max(1, cap) * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static LongBuffer longs(LongBuffer buf, int n) {
        if (buf != null && buf.capacity() >= n) {
            return buf;
        }
        int cap = Math.max(n, buf == null ? 0 : buf.capacity() * 2);
        return ByteBuffer.allocateDirect(Math.max(1, cap) * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    /** A raw input tensor for {@link #runRaw}: float32 or int64 data, flat row-major, with its shape. */
    public static final class RawTensor {
        final long[] shape;
        final float[] floats;
        final long[] longs;

        private RawTensor(long[] shape, float[] floats, long[] longs) {
            this.shape = shape;
            this.floats = floats;
            this.longs = longs;
        }

        public static RawTensor floats(long[] shape, float[] data) {
            return new RawTensor(shape, data, null);
        }

        public static RawTensor longs(long[] shape, long[] data) {
            return new RawTensor(shape, null, data);
        }
    }

    /**
     * Runs the model on raw tensors (golden replay, diagnostics): bypasses the feature encoder.
     *
     * @return the {@code scores} output as {@code [batch][candidates]}
     */
    public float[][] runRaw(Map<String, RawTensor> inputs) throws OrtException {
        if (session == null) {
            throw new IllegalStateException("OnnxRanker.open() was not called (or the ranker is closed)");
        }
        List<OnnxTensor> tensors = new ArrayList<>();
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            for (Map.Entry<String, RawTensor> e : inputs.entrySet()) {
                RawTensor r = e.getValue();
                OnnxTensor t = r.floats != null
                        ? OnnxTensor.createTensor(env, FloatBuffer.wrap(r.floats), r.shape)
                        : OnnxTensor.createTensor(env, LongBuffer.wrap(r.longs), r.shape);
                tensors.add(t);
                in.put(e.getKey(), t);
            }
            try (OrtSession.Result result = session.run(in)) {
                OnnxTensor s = scoresOf(result);
                long[] shape = s.getInfo().getShape();
                FloatBuffer fb = s.getFloatBuffer();
                int rows = (int) shape[0];
                int cols = shape.length > 1 ? (int) shape[1] : 1;
                float[][] out = new float[rows][cols];
                for (int i = 0; i < rows; i++) {
                    fb.get(i * cols, out[i], 0, cols);
                }
                return out;
            }
        } finally {
            for (OnnxTensor t : tensors) {
                t.close();
            }
        }
    }

    private void closeQuietly() {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException ignored) {
                // nothing more to do
            }
            session = null;
        }
        if (sessionOptions != null) {
            sessionOptions.close();
            sessionOptions = null;
        }
    }

    /** Closes the session (not the shared environment). Idempotent. */
    @Override
    public void close() {
        closeQuietly();
    }
}
