package io.streamrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The evaluation's own hyper-parameters, from the {@code "evaluation"} section of the config file (the same JSON file
 * that holds the trainer's hyper-parameters, so one file reproduces a run). Missing keys keep these defaults.
 */
public final class EvalSettings {
    public int popularRefreshEvents = 100;
    public int trendingWindowEvents = 5000;
    public int repeatKeep = 50;
    public int knnPairWindow = 5;
    public long knnMaxGapS = 86_400;
    public int knnLastItems = 3;
    /** Session kNN (vsknn, stan): the inactivity that ends a session when events carry no session id. */
    public long sessionGapS = 1800;
    /** vsknn and stan: the choice of {@code evaluate --tune} on the simulator's log (docs/EVALUATION.md). */
    public int vsknnK = 50;
    public int vsknnSample = 500;
    public String vsknnWeighting = "div";
    public boolean vsknnIdf = true;
    public int stanK = 50;
    public int stanSample = 1000;
    public double stanLambda1 = 1.0;
    public double stanLambda2S = 8_640_000.0;
    public double stanLambda3 = 1.0;
    /**
     * The GRU4Rec baseline's training knobs, passed to {@code baseline-gru4rec} as {@code --key value} (snake_case as
     * in the config's {@code evaluation.gru4rec}; streamrec_model/sequential.py documents each). Its sessions use
     * {@link #sessionGapS}.
     */
    public final Map<String, Object> gru4rec = new LinkedHashMap<>();
    /** Job options for the replay (e.g. recs.filter-purchased); command-line --job-options override them. */
    public final Map<String, String> job = new LinkedHashMap<>();

    public EvalSettings() {
        job.put("recs.top-k", "20");
        job.put("recs.filter-purchased", "true");
        job.put("recs.filter-seen", "false");
        gru4rec.put("max_len", 20);
        gru4rec.put("dim", 64);
        gru4rec.put("dropout", 0.3);
        gru4rec.put("epochs", 30);
        gru4rec.put("batch_size", 128);
        gru4rec.put("lr", 0.01);
        gru4rec.put("negatives", 2048);
        gru4rec.put("holdout", 0.1);
        gru4rec.put("patience", 3);
        gru4rec.put("time_budget_s", 600.0);
        gru4rec.put("threads", 1);
        gru4rec.put("seed", 7);
    }

    /** The V-SKNN position weighting named by {@link #vsknnWeighting}. */
    public SessionKnn.VSknn.Weighting weighting() {
        return SessionKnn.VSknn.Weighting.valueOf(vsknnWeighting.toUpperCase(java.util.Locale.ROOT));
    }

    public static EvalSettings load(Path configFile) throws IOException {
        EvalSettings s = new EvalSettings();
        if (configFile == null) {
            return s;
        }
        JsonNode root = new ObjectMapper().readTree(configFile.toFile());
        JsonNode e = root.get("evaluation");
        if (e == null) {
            return s;
        }
        s.popularRefreshEvents = e.path("popular_refresh_events").asInt(s.popularRefreshEvents);
        s.trendingWindowEvents = e.path("trending_window_events").asInt(s.trendingWindowEvents);
        s.repeatKeep = e.path("repeat_keep").asInt(s.repeatKeep);
        s.knnPairWindow = e.path("knn_pair_window").asInt(s.knnPairWindow);
        s.knnMaxGapS = e.path("knn_max_gap_s").asLong(s.knnMaxGapS);
        s.knnLastItems = e.path("knn_last_items").asInt(s.knnLastItems);
        s.sessionGapS = e.path("session_gap_s").asLong(s.sessionGapS);
        JsonNode v = e.path("vsknn");
        s.vsknnK = v.path("k").asInt(s.vsknnK);
        s.vsknnSample = v.path("sample").asInt(s.vsknnSample);
        s.vsknnWeighting = v.path("weighting").asText(s.vsknnWeighting);
        s.vsknnIdf = v.path("idf").asBoolean(s.vsknnIdf);
        JsonNode st = e.path("stan");
        s.stanK = st.path("k").asInt(s.stanK);
        s.stanSample = st.path("sample").asInt(s.stanSample);
        s.stanLambda1 = st.path("lambda1").asDouble(s.stanLambda1);
        s.stanLambda2S = st.path("lambda2_s").asDouble(s.stanLambda2S);
        s.stanLambda3 = st.path("lambda3").asDouble(s.stanLambda3);
        JsonNode g = e.path("gru4rec");
        for (var it = g.fields(); it.hasNext(); ) {
            var f = it.next();
            if (f.getKey().startsWith("_")) {
                continue; // a comment
            }
            Object def = s.gru4rec.get(f.getKey());
            if (def == null) {
                throw new IOException(configFile + ": evaluation.gru4rec." + f.getKey() + " is not a knob of "
                        + "baseline-gru4rec (one of " + s.gru4rec.keySet() + ")");
            }
            s.gru4rec.put(f.getKey(), def instanceof Integer ? (Object) f.getValue().asInt() : f.getValue().asDouble());
        }
        JsonNode job = e.get("job");
        if (job != null) {
            job.fields().forEachRemaining(f -> s.job.put(f.getKey(), f.getValue().asText()));
        }
        return s;
    }

    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("popular_refresh_events", popularRefreshEvents);
        m.put("trending_window_events", trendingWindowEvents);
        m.put("repeat_keep", repeatKeep);
        m.put("knn_pair_window", knnPairWindow);
        m.put("knn_max_gap_s", knnMaxGapS);
        m.put("knn_last_items", knnLastItems);
        m.put("session_gap_s", sessionGapS);
        m.put("vsknn", ordered("k", vsknnK, "sample", vsknnSample, "weighting", vsknnWeighting, "idf", vsknnIdf));
        m.put("stan", ordered("k", stanK, "sample", stanSample, "lambda1", stanLambda1, "lambda2_s", stanLambda2S,
                "lambda3", stanLambda3));
        m.put("gru4rec", gru4rec);
        m.put("job", job);
        return m;
    }

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
