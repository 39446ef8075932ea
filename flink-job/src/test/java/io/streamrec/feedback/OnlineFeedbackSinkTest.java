package io.streamrec.feedback;

import io.streamrec.event.EventType;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The online feedback sink's metrics: counters by event type, windowed gauges, per model version, bounded. */
class OnlineFeedbackSinkTest {

    /** A metric group that records every metric under its dotted path ({@code a.b.name}). */
    private static final class Recording extends UnregisteredMetricsGroup {
        final Map<String, Metric> metrics;
        final String path;

        Recording(Map<String, Metric> metrics, String path) {
            this.metrics = metrics;
            this.path = path;
        }

        @Override
        public MetricGroup addGroup(String name) {
            return new Recording(metrics, path + name + ".");
        }

        @Override
        public MetricGroup addGroup(String key, String value) {
            return new Recording(metrics, path + key + "." + value + ".");
        }

        @Override
        public Counter counter(String name) {
            return counter(name, new SimpleCounter());
        }

        @Override
        public <C extends Counter> C counter(String name, C counter) {
            metrics.put(path + name, counter);
            return counter;
        }

        @Override
        public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            metrics.put(path + name, gauge);
            return gauge;
        }
    }

    private final Map<String, Metric> metrics = new HashMap<>();

    private long count(String version, EventType type, String name) {
        return ((Counter) metrics.get("onlineFeedback.model_version." + version + ".event_type." + type.wireName()
                + "." + name)).getCount();
    }

    private double gauge(String version, String name) {
        return (Double) ((Gauge<?>) metrics.get("onlineFeedback.model_version." + version + "." + name)).getValue();
    }

    /** The sink's writer, created as Flink creates it: through a writer context whose metric group records. */
    private SinkWriter<ListFeedback> writer() throws Exception {
        MetricGroup recording = new Recording(metrics, "");
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
    void countsListsAndHitsByEventTypeAndAveragesPerModelVersion() throws Exception {
        SinkWriter<ListFeedback> w = writer();
        w.write(new ListFeedback("v1", EventType.CLICK, 3, 20), null);
        w.write(new ListFeedback("v1", EventType.CLICK, 0, 20), null);
        w.write(new ListFeedback("v1", EventType.PURCHASE, 1, 20), null);
        w.write(new ListFeedback("v2", EventType.VIEW, 2, 20), null);

        assertEquals(2, count("v1", EventType.CLICK, "listsJudged"));
        assertEquals(1, count("v1", EventType.CLICK, "hits"));
        assertEquals(1, count("v1", EventType.PURCHASE, "listsJudged"));
        assertEquals(1, count("v1", EventType.PURCHASE, "hits"));
        assertEquals(0, count("v1", EventType.VIEW, "listsJudged"));
        assertEquals(2.0 / 3, gauge("v1", "onlineHitRate"), 1e-12);
        assertEquals((1.0 / 3 + 0 + 1.0) / 3, gauge("v1", "onlineMrr"), 1e-12);
        assertEquals(1, count("v2", EventType.VIEW, "hits"));
        assertEquals(1.0, gauge("v2", "onlineHitRate"));
        assertEquals(0.5, gauge("v2", "onlineMrr"));
        w.flush(true);
        w.close();
    }

    @Test
    void theGaugesDescribeOnlyTheLastThousandListsOfAVersion() throws Exception {
        SinkWriter<ListFeedback> w = writer();
        for (int i = 0; i < 1_000; i++) {
            w.write(new ListFeedback("v1", EventType.CLICK, 1, 20), null); // all hits at rank 1
        }
        assertEquals(1.0, gauge("v1", "onlineMrr"));
        for (int i = 0; i < 750; i++) {
            w.write(new ListFeedback("v1", EventType.VIEW, i % 3 == 0 ? 4 : 0, 20), null);
        }
        // the window: 250 rank-1 hits, then 750 lists of which 250 are rank-4 hits
        assertEquals(0.5, gauge("v1", "onlineHitRate"), 1e-12);
        assertEquals((250 + 250 * 0.25) / 1000, gauge("v1", "onlineMrr"), 1e-12);
        assertEquals(1_000, count("v1", EventType.CLICK, "listsJudged"), "counters are not windowed");
    }

    @Test
    void onlyTheMostRecentlyJudgedVersionsAreTracked() {
        OnlineFeedbackMetrics m = new OnlineFeedbackMetrics(new Recording(metrics, ""));
        for (int v = 1; v <= 6; v++) {
            m.record(new ListFeedback("v" + v, EventType.CLICK, 1, 20));
            m.record(new ListFeedback("v1", EventType.CLICK, 1, 20)); // v1 stays recent
        }
        assertEquals(OnlineFeedbackMetrics.MAX_VERSIONS, m.trackedVersions().size());
        assertEquals(Set.of("v1", "v4", "v5", "v6"), m.trackedVersions());
        assertFalse(m.trackedVersions().contains("v2"));
        assertTrue(Double.isNaN(new FeedbackWindow(10).hitRate()), "no lists yet: no figure");
    }
}
