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
    /** Job options for the replay (e.g. recs.filter-purchased); command-line --job-options override them. */
    public final Map<String, String> job = new LinkedHashMap<>();

    public EvalSettings() {
        job.put("recs.top-k", "20");
        job.put("recs.filter-purchased", "true");
        job.put("recs.filter-seen", "false");
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
        m.put("job", job);
        return m;
    }
}
