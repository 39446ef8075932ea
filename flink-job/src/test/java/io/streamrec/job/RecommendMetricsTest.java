package io.streamrec.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.streamrec.metrics.RecordingMetricGroup;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.junit.jupiter.api.Test;

/** The serving model version reaches number-only reporters (Prometheus) as a label of a 1/0 gauge. */
class RecommendMetricsTest {
    private final Map<String, Metric> metrics = new HashMap<>();
    private final RecommendMetrics m = new RecommendMetrics(new RecordingMetricGroup(metrics), () -> 0L, () -> "v1");

    private Object serving(String version) {
        Metric g = metrics.get("model_version." + version + ".modelServing");
        return g == null ? null : ((Gauge<?>) g).getValue();
    }

    @Test
    void theServingVersionsGaugeOneAndTheReplacedOnesZero() {
        m.serving(List.of("v1"));
        assertEquals(1, serving("v1"));
        m.serving(List.of("v2", "v1")); // an A/B split: both serve
        assertEquals(1, serving("v1"));
        assertEquals(1, serving("v2"));
        m.serving(List.of("v3"));
        assertEquals(0, serving("v1"));
        assertEquals(0, serving("v2"));
        assertEquals(1, serving("v3"));
        m.serving(List.of("v1")); // rolled back: the same gauge again
        assertEquals(1, serving("v1"));
        assertEquals(0, serving("v3"));
    }

    @Test
    void registersAtMostABoundedNumberOfVersions() {
        for (int i = 0; i < RecommendMetrics.MAX_VERSIONS + 5; i++) {
            m.serving(List.of("v" + i));
        }
        long gauges = metrics.keySet().stream().filter(k -> k.endsWith(".modelServing")).count();
        assertEquals(RecommendMetrics.MAX_VERSIONS, gauges);
        assertFalse(metrics.containsKey("model_version.v" + (RecommendMetrics.MAX_VERSIONS + 4) + ".modelServing"));
        assertEquals(0, serving("v0"), "the last version has no gauge; every earlier one reads 0");
    }
}
