package io.streamrec.feedback;

import io.streamrec.event.EventType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The online feedback metrics, one group per model version: {@code onlineFeedback.model_version.<v>} holds the gauges
 * {@code onlineHitRate} and {@code onlineMrr} over the version's last {@link #WINDOW} judged lists, and per event type
 * ({@code event_type.<type>}) the counters {@code listsJudged} and {@code hits}. Why per version: during a model roll
 * both versions serve and their figures sit side by side. Bounded: only the {@link #MAX_VERSIONS} most recently judged
 * versions are tracked; an older one's group is closed (its metrics unregistered) and its window dropped.
 */
public final class OnlineFeedbackMetrics {
    public static final String GROUP = "onlineFeedback";
    public static final String VERSION_KEY = "model_version";
    public static final String TYPE_KEY = "event_type";
    /** Judged lists per version that the gauges describe. */
    public static final int WINDOW = 1000;
    /** Model versions tracked at once. */
    public static final int MAX_VERSIONS = 4;

    private final MetricGroup root;
    private final int window;
    private final int maxVersions;
    private final Map<String, Version> versions;

    public OnlineFeedbackMetrics(MetricGroup parent) {
        this(parent, WINDOW, MAX_VERSIONS);
    }

    OnlineFeedbackMetrics(MetricGroup parent, int window, int maxVersions) {
        this.root = parent.addGroup(GROUP);
        this.window = window;
        this.maxVersions = maxVersions;
        this.versions = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Version> eldest) {
                if (size() <= OnlineFeedbackMetrics.this.maxVersions) {
                    return false;
                }
                eldest.getValue().close();
                return true;
            }
        };
    }

    /** Counts one judged list. */
    public void record(ListFeedback f) {
        String v = f.modelVersion == null ? "unknown" : f.modelVersion;
        Version m = versions.get(v);
        if (m == null) {
            m = new Version(root.addGroup(VERSION_KEY, v), window);
            versions.put(v, m);
        }
        m.record(f);
    }

    /** The versions tracked now, least recently judged first. */
    public java.util.Set<String> trackedVersions() {
        return java.util.Collections.unmodifiableSet(versions.keySet());
    }

    /** One model version's group, counters and window. */
    private static final class Version {
        final MetricGroup group;
        final FeedbackWindow window;
        final Counter[] judged = new Counter[EventType.values().length];
        final Counter[] hits = new Counter[EventType.values().length];

        Version(MetricGroup group, int size) {
            this.group = group;
            this.window = new FeedbackWindow(size);
            for (EventType t : EventType.values()) {
                MetricGroup byType = group.addGroup(TYPE_KEY, t.wireName());
                judged[t.ordinal()] = byType.counter("listsJudged");
                hits[t.ordinal()] = byType.counter("hits");
            }
            group.gauge("onlineHitRate", (Gauge<Double>) window::hitRate);
            group.gauge("onlineMrr", (Gauge<Double>) window::mrr);
        }

        void record(ListFeedback f) {
            if (f.eventType != null) {
                judged[f.eventType.ordinal()].inc();
                if (f.isHit()) {
                    hits[f.eventType.ordinal()].inc();
                }
            }
            window.add(Math.max(0, f.rank));
        }

        /** Unregisters the version's metrics where the group allows it (Flink's runtime groups do). */
        void close() {
            if (group instanceof AbstractMetricGroup<?> g) {
                g.close();
            }
        }
    }
}
