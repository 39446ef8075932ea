package io.streamrec.eval;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.UserEvent;
import io.streamrec.ranking.OnnxRanker;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GRU4Rec, the sequential neural baseline: a GRU over the user's running session, trained offline on the training part
 * by model-export ({@code python3 -m streamrec_model baseline-gru4rec}, streamrec_model/sequential.py) and run here
 * with ONNX Runtime. The model's contract is its {@code gru4rec.json}: input {@code items} int64 [batch, max_len],
 * the last max_len item indices of the running session, oldest first, left-padded with 0; output {@code scores}
 * float32 [batch, n_items + 1], one score per item index (index 0 is padding); the vocabulary maps index i + 1 to
 * {@code items[i]}.
 *
 * <p>It observes every event (a session ends after the contract's {@code session_gap_s} without an event or when the
 * event's session id changes, the rule of {@link SessionIndex} and of the training) and keeps each user's last max_len
 * known items; items outside the vocabulary (first seen after training) are skipped, as the model cannot represent
 * them. The model runs only when a list is asked for, once per event (a discovery list reuses the scores). With no
 * known item in the running session, or to fill a short list, it answers with {@code popular}. Unlike the other
 * baselines it does not learn from the test part: it is trained once, offline.
 *
 * <p>Opening it replays the golden cases PyTorch wrote at export ({@code gru4rec.golden.json}) in one batch and once
 * alone, and refuses a model whose ONNX Runtime scores differ by more than their tolerance: the export's parity check,
 * which cannot run in Python here (Debian has no onnxruntime for Python).
 */
public final class Gru4RecBaseline implements Recommender, AutoCloseable {
    public static final String NAME = "gru4rec";
    public static final String CONTRACT = "gru4rec.json";
    static final String FORMAT = "streamrec-gru4rec/1";

    private final Baselines.Popular fallback;
    private final Map<String, Integer> index;
    private final String[] ids;
    private final int maxLen;
    private final long gapMs;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions options;
    private final String input;
    private final Map<String, Running> users = new HashMap<>();
    private final long[] window;
    /** The scores of the last event asked for, so its discovery list does not run the model again. */
    private UserEvent scoredEvent;
    private float[] scored;
    private long modelCalls;
    private long modelNanos;
    private final double goldenMaxDiff;

    /** A user's running session: its last item indices (a ring of {@code maxLen}) and what ends it. */
    private static final class Running {
        final int[] ring;
        int count;
        long lastTs;
        String sessionId;

        Running(int maxLen) {
            ring = new int[maxLen];
        }
    }

    private Gru4RecBaseline(Path dir, JsonNode c, int threads, Baselines.Popular fallback) throws IOException {
        this.fallback = fallback;
        if (!FORMAT.equals(c.path("format").asText())) {
            throw new IOException(dir + "/" + CONTRACT + ": format is '" + c.path("format").asText() + "', not "
                    + FORMAT);
        }
        JsonNode items = c.path("items");
        ids = new String[items.size() + 1];
        index = new HashMap<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            ids[i + 1] = items.get(i).asText();
            index.put(ids[i + 1], i + 1);
        }
        maxLen = c.path("max_len").asInt();
        gapMs = Math.round(c.path("session_gap_s").asDouble() * 1000);
        input = c.path("input").path("name").asText();
        window = new long[maxLen];
        if (maxLen < 1 || items.size() != c.path("num_items").asInt() || index.size() != items.size()) {
            throw new IOException(dir + "/" + CONTRACT + ": max_len " + maxLen + ", num_items "
                    + c.path("num_items") + " for " + items.size() + " ids (" + index.size() + " distinct)");
        }
        OrtSession.SessionOptions o = null;
        try {
            env = OnnxRanker.environment();
            o = new OrtSession.SessionOptions();
            o.setIntraOpNumThreads(Math.max(1, threads));
            o.setInterOpNumThreads(1);
            o.addConfigEntry("session.intra_op.allow_spinning", "0"); // no busy-waiting threads (ORT issue 20593)
            o.addConfigEntry("session.inter_op.allow_spinning", "0");
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            session = env.createSession(dir.resolve(c.path("model").asText()).toString(), o);
        } catch (OrtException e) {
            if (o != null) {
                o.close();
            }
            throw new IOException(dir + ": ONNX Runtime cannot load the GRU4Rec model: " + e.getMessage(), e);
        }
        options = o;
        try {
            checkSignature(dir);
            goldenMaxDiff = replayGolden(dir.resolve(c.path("golden").asText()));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Opens the model model-export wrote into {@code dir} ({@value #CONTRACT} and the files it names).
     *
     * @param threads ONNX Runtime intra-op threads
     * @param fallback the list for a session with no known item, and the filler of short lists
     */
    public static Gru4RecBaseline open(Path dir, int threads, Baselines.Popular fallback) throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve(CONTRACT).toFile());
        return new Gru4RecBaseline(dir, c, threads, fallback);
    }

    private void checkSignature(Path dir) throws IOException {
        try {
            Map<String, NodeInfo> in = session.getInputInfo();
            NodeInfo only = in.size() == 1 ? in.get(input) : null;
            TensorInfo t = only != null && only.getInfo() instanceof TensorInfo ti ? ti : null;
            if (t == null || t.type != OnnxJavaType.INT64 || t.getShape().length != 2 || t.getShape()[1] != maxLen) {
                throw new IOException(dir + ": the model's inputs " + in.values() + " are not the contract's "
                        + input + " int64 [batch, " + maxLen + "]");
            }
        } catch (OrtException e) {
            throw new IOException(dir + ": cannot read the model's inputs: " + e.getMessage(), e);
        }
    }

    /** Runs the golden inputs in one batch and the first alone; returns the largest difference to PyTorch's. */
    private double replayGolden(Path golden) throws IOException {
        JsonNode g = new ObjectMapper().readTree(golden.toFile());
        double tol = g.path("tolerance").asDouble(1e-4);
        JsonNode cases = g.path("cases");
        if (cases.isEmpty()) {
            throw new IOException(golden + ": no golden cases");
        }
        long[][] in = new long[cases.size()][maxLen];
        for (int i = 0; i < cases.size(); i++) {
            JsonNode items = cases.get(i).path("items");
            if (items.size() != maxLen) {
                throw new IOException(golden + ": case " + i + " has " + items.size() + " items, not " + maxLen);
            }
            for (int j = 0; j < maxLen; j++) {
                in[i][j] = items.get(j).asLong();
            }
        }
        float[][] batch = run(in);
        float[][] alone = run(new long[][] {in[0]});
        double worst = 0;
        for (int i = 0; i < cases.size(); i++) {
            JsonNode idx = cases.get(i).path("indices");
            JsonNode want = cases.get(i).path("scores");
            for (int j = 0; j < idx.size(); j++) {
                int at = idx.get(j).asInt();
                double w = want.get(j).asDouble();
                double d = Math.abs(batch[i][at] - w);
                if (i == 0) {
                    d = Math.max(d, Math.abs(alone[0][at] - w));
                }
                worst = Math.max(worst, d);
                if (d > tol * Math.max(1.0, Math.abs(w))) {
                    throw new IOException(String.format(Locale.ROOT, "%s: case %d, item index %d: ONNX Runtime "
                            + "gives %.6g, PyTorch gave %.6g (tolerance %.1g)", golden, i, at, batch[i][at], w, tol));
                }
            }
        }
        return worst;
    }

    /** One ONNX Runtime call: scores [rows][n_items + 1]; every tensor and result is closed here. */
    private float[][] run(long[][] rows) throws IOException {
        long[] flat = new long[rows.length * maxLen];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * maxLen, maxLen);
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, LongBuffer.wrap(flat), new long[] {rows.length, maxLen});
             OrtSession.Result r = session.run(Map.of(input, t))) {
            float[][] out = (float[][]) r.get(0).getValue();
            if (out.length != rows.length || out[0].length != ids.length) {
                throw new IOException("the GRU4Rec model returned " + out.length + " x " + out[0].length
                        + " scores, the contract says " + rows.length + " x " + ids.length);
            }
            return out;
        } catch (OrtException e) {
            throw new IOException("ONNX Runtime failed on the GRU4Rec model: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void observe(UserEvent e) {
        Running s = users.get(e.userId);
        if (s == null) {
            s = new Running(maxLen);
            users.put(e.userId, s);
        } else if (e.ts - s.lastTs > gapMs || (e.sessionId != null && !e.sessionId.equals(s.sessionId))) {
            s.count = 0; // a new session
        }
        s.lastTs = e.ts;
        s.sessionId = e.sessionId;
        Integer i = index.get(e.itemId);
        if (i != null) {
            s.ring[s.count % maxLen] = i;
            s.count++;
        }
    }

    @Override
    public List<String> recommend(UserEvent e, int k) {
        Running s = users.get(e.userId);
        if (s == null || s.count == 0) {
            return fallback.top(k);
        }
        float[] scores = e == scoredEvent ? scored : score(s);
        scoredEvent = e;
        scored = scores;
        return TopItems.fill(top(scores, k), fallback.top(k), k);
    }

    private float[] score(Running s) {
        int n = Math.min(s.count, maxLen);
        Arrays.fill(window, 0L);
        for (int j = 0; j < n; j++) { // oldest first, right-aligned
            window[maxLen - n + j] = s.ring[(s.count - n + j) % maxLen];
        }
        long t0 = System.nanoTime();
        try {
            float[] out = run(new long[][] {window})[0];
            modelCalls++;
            modelNanos += System.nanoTime() - t0;
            return out;
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    /** The k best item ids by score, best first; ties go to the lower index (the more frequent item). */
    private List<String> top(float[] scores, int k) {
        int[] best = TopItems.best(scores, 1, Math.min(scores.length, ids.length), k);
        List<String> out = new ArrayList<>(best.length);
        for (int i : best) {
            out.add(ids[i]);
        }
        return out;
    }

    /** Model size, calls and time per call, and the golden replay's largest difference, for the log and report. */
    public String describe() {
        return String.format(Locale.ROOT, "%d items, max_len %d; %d model calls, %.3f ms each; golden replay max "
                        + "|ORT - PyTorch| %.2g", ids.length - 1, maxLen, modelCalls,
                modelCalls == 0 ? 0.0 : modelNanos / 1e6 / modelCalls, goldenMaxDiff);
    }

    /** Closes the session and its options; never the shared environment. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException ignored) {
            // closing: nothing to do about it
        }
        options.close();
    }
}
