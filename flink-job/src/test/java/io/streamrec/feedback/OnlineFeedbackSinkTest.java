package io.streamrec.feedback;

import io.streamrec.event.EventType;
import io.streamrec.metrics.RecordingMetricGroup;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The online feedback sink's metrics: counters by evaluate's event groups, windowed gauges (HR@K, MRR@K, HR@10,
 * MRR@20), per variant and model version, bounded.
 */
class OnlineFeedbackSinkTest {

    private final Map<String, Metric> metrics = new HashMap<>();

    private static ListFeedback fb(String variant, String version, EventType type, int rank) {
        return new ListFeedback(variant, version, "u1", "e1", type, 1L, rank, 20);
    }

    private static ListFeedback fb(String version, EventType type, int rank) {
        return fb(null, version, type, rank);
    }

    private String prefix(String variant, String version) {
        return "onlineFeedback.variant." + variant + ".model_version." + version + ".";
    }

    private long count(String variant, String version, String group, String name) {
        return ((Counter) metrics.get(prefix(variant, version) + "event_type." + group + "." + name)).getCount();
    }

    private long count(String version, String group, String name) {
        return count("main", version, group, name);
    }

    private double gauge(String variant, String version, String name) {
        return (Double) ((Gauge<?>) metrics.get(prefix(variant, version) + name)).getValue();
    }

    private double gauge(String version, String name) {
        return gauge("main", version, name);
    }

    /** The sink's writer, created as Flink creates it: through a writer context whose metric group records. */
    private SinkWriter<ListFeedback> writer() throws Exception {
        MetricGroup recording = new RecordingMetricGroup(metrics);
        SinkWriterMetricGroup group = (SinkWriterMetricGroup) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SinkWriterMetricGroup.class}, (p, m, args) -> m.invoke(recording, args));
        WriterInitContext context = (WriterInitContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {WriterInitContext.class}, (p, m, args) -> {
                    if (m.getName().equals("metricGroup")) {
                        return group;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
        return new OnlineFeedbackSink().createWriter(context);
    }

    @Test
    void countsListsAndHitsByEventGroupAndAveragesPerModelVersion() throws Exception {
        SinkWriter<ListFeedback> w = writer();
        w.write(fb("v1", EventType.CLICK, 3), null);
        w.write(fb("v1", EventType.VIEW, 0), null);
        w.write(fb("v1", EventType.PURCHASE, 1), null);
        w.write(fb("v2", EventType.ADD_TO_CART, 2), null);

        assertEquals(2, count("v1", "click", "listsJudged"), "a view counts as a click, as in evaluate");
        assertEquals(1, count("v1", "click", "hits"));
        assertEquals(1, count("v1", "purchase", "listsJudged"));
        assertEquals(1, count("v1", "purchase", "hits"));
        assertEquals(0, count("v1", "cart", "listsJudged"));
        assertEquals(2.0 / 3, gauge("v1", "onlineHitRate"), 1e-12);
        assertEquals((1.0 / 3 + 0 + 1.0) / 3, gauge("v1", "onlineMrr"), 1e-12);
        assertEquals(1, count("v2", "cart", "hits"));
        assertEquals(1.0, gauge("v2", "onlineHitRate"));
        assertEquals(0.5, gauge("v2", "onlineMrr"));
        w.flush(true);
        w.close();
    }

    @Test
    void variantsHaveTheirOwnGroupsAndHr10AndMrr20CutAsEvaluateDoes() {
        OnlineFeedbackMetrics m = new OnlineFeedbackMetrics(new RecordingMetricGroup(metrics));
        m.record(new ListFeedback("b", "v2", "u1", "e1", EventType.CLICK, 1L, 15, 30)); // beyond 10
        m.record(new ListFeedback("b", "v2", "u1", "e2", EventType.CLICK, 1L, 25, 30)); // beyond 20
        m.record(new ListFeedback("b", "v2", "u1", "e3", EventType.CLICK, 1L, 2, 30));
        m.record(fb("a", "v1", EventType.CLICK, 0));
        assertEquals(1.0, gauge("b", "v2", "onlineHitRate"));
        assertEquals((1.0 / 15 + 1.0 / 25 + 0.5) / 3, gauge("b", "v2", "onlineMrr"), 1e-12);
        assertEquals(1.0 / 3, gauge("b", "v2", "onlineHr10"), 1e-12);
        assertEquals((1.0 / 15 + 0.5) / 3, gauge("b", "v2", "onlineMrr20"), 1e-12);
        assertEquals(0.0, gauge("a", "v1", "onlineHitRate"));
        assertEquals(Set.of("a", "b"), m.trackedVariants());
    }

    @Test
    void theGaugesDescribeOnlyTheLastThousandListsOfAVersion() throws Exception {
        SinkWriter<ListFeedback> w = writer();
        for (int i = 0; i < 1_000; i++) {
            w.write(fb("v1", EventType.CLICK, 1), null); // all hits at rank 1
        }
        assertEquals(1.0, gauge("v1", "onlineMrr"));
        for (int i = 0; i < 750; i++) {
            w.write(fb("v1", EventType.VIEW, i % 3 == 0 ? 4 : 0), null);
        }
        // the window: 250 rank-1 hits, then 750 lists of which 250 are rank-4 hits
        assertEquals(0.5, gauge("v1", "onlineHitRate"), 1e-12);
        assertEquals((250 + 250 * 0.25) / 1000, gauge("v1", "onlineMrr"), 1e-12);
        assertEquals(0.5, gauge("v1", "onlineHr10"), 1e-12);
        assertEquals(1_750, count("v1", "click", "listsJudged"), "counters are not windowed");
    }

    @Test
    void onlyTheMostRecentlyJudgedVariantsAndVersionsAreTracked() {
        OnlineFeedbackMetrics m = new OnlineFeedbackMetrics(new RecordingMetricGroup(metrics));
        for (int v = 1; v <= 6; v++) {
            m.record(fb("v" + v, EventType.CLICK, 1));
            m.record(fb("v1", EventType.CLICK, 1)); // v1 stays recent
        }
        assertEquals(OnlineFeedbackMetrics.MAX_VERSIONS, m.trackedVersions("main").size());
        assertEquals(Set.of("v1", "v4", "v5", "v6"), m.trackedVersions("main"));
        for (int v = 0; v < 10; v++) {
            m.record(fb("x" + v, "v1", EventType.CLICK, 1));
        }
        assertEquals(OnlineFeedbackMetrics.MAX_VARIANTS, m.trackedVariants().size());
        assertFalse(m.trackedVariants().contains("main"));
        assertFalse(m.trackedVariants().contains("x1"));
        assertTrue(m.trackedVariants().contains("x9"));
        assertTrue(Double.isNaN(new FeedbackWindow(10).hitRate()), "no lists yet: no figure");
    }
}
