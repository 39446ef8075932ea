package io.streamrec.feedback;

import io.streamrec.event.EventType;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The online feedback metrics, one group per variant and model version:
 * {@code onlineFeedback.variant.<name>.model_version.<v>} holds the gauges {@code onlineHitRate} and {@code onlineMrr}
 * (HR@K and MRR@K, K the list size) and {@code onlineHr10} and {@code onlineMrr20} (as evaluate reports them) over the
 * last {@link #WINDOW} judged lists, and per event group ({@code event_type.<click|cart|purchase|other>}, evaluate's
 * groups: a view counts as a click) the counters {@code listsJudged} and {@code hits}. Key/value groups, so
 * Prometheus shows {@code variant}, {@code model_version} and {@code event_type} as labels. Why per variant: during
 * an A/B split (or a model roll inside one variant) the figures sit side by side. Bounded: the {@link #MAX_VARIANTS}
 * most recently judged variants, each with its {@link #MAX_VERSIONS} most recent versions; an older one's group is
 * closed (its metrics unregistered) and its window dropped.
 */
public final class OnlineFeedbackMetrics {
    public static final String GROUP = "onlineFeedback";
    public static final String VARIANT_KEY = "variant";
    public static final String VERSION_KEY = "model_version";
    public static final String TYPE_KEY = "event_type";
    /** evaluate's event groups, in the order of the counters. */
    public static final String[] EVENT_GROUPS = {"click", "cart", "purchase", "other"};
    /** Judged lists per variant and version that the gauges describe. */
    public static final int WINDOW = 1000;
    /** Variants tracked at once. */
    public static final int MAX_VARIANTS = 8;
    /** Model versions tracked at once per variant. */
    public static final int MAX_VERSIONS = 4;

    private final MetricGroup root;
    private final int window;
    private final Map<String, Variant> variants;

    public OnlineFeedbackMetrics(MetricGroup parent) {
        this(parent, WINDOW);
    }

    OnlineFeedbackMetrics(MetricGroup parent, int window) {
        this.root = parent.addGroup(GROUP);
        this.window = window;
        this.variants = lru(MAX_VARIANTS, Variant::close);
    }

    /** evaluate's group of an event type ({@code Scorer.group}): view and click are "click", add_to_cart "cart". */
    public static String eventGroup(EventType t) {
        if (t == null) {
            return "other";
        }
        return switch (t) {
            case VIEW, CLICK -> "click";
            case ADD_TO_CART -> "cart";
            case PURCHASE -> "purchase";
            default -> "other";
        };
    }

    private static int groupIndex(EventType t) {
        return switch (eventGroup(t)) {
            case "click" -> 0;
            case "cart" -> 1;
            case "purchase" -> 2;
            default -> 3;
        };
    }

    /** Counts one judged list. */
    public void record(ListFeedback f) {
        String name = f.variant == null ? ListFeedback.MAIN : f.variant;
        Variant v = variants.get(name);
        if (v == null) {
            v = new Variant(root.addGroup(VARIANT_KEY, name));
            variants.put(name, v);
        }
        v.record(f, window);
    }

    /** The variants tracked now, least recently judged first. */
    public Set<String> trackedVariants() {
        return Collections.unmodifiableSet(variants.keySet());
    }

    /** The model versions tracked now for {@code variant}, least recently judged first; empty when untracked. */
    public Set<String> trackedVersions(String variant) {
        Variant v = variants.get(variant);
        return v == null ? Set.of() : Collections.unmodifiableSet(v.versions.keySet());
    }

    /** An access-ordered map that closes and drops its least recently used entry beyond {@code max}. */
    private static <T> Map<String, T> lru(int max, java.util.function.Consumer<T> close) {
        return new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, T> eldest) {
                if (size() <= max) {
                    return false;
                }
                close.accept(eldest.getValue());
                return true;
            }
        };
    }

    /** Unregisters a group's metrics where the group allows it (Flink's runtime groups do). */
    private static void close(MetricGroup group) {
        if (group instanceof AbstractMetricGroup<?> g) {
            g.close();
        }
    }

    /** One variant's group and its versions. */
    private static final class Variant {
        final MetricGroup group;
        final Map<String, Version> versions = lru(MAX_VERSIONS, Version::close);

        Variant(MetricGroup group) {
            this.group = group;
        }

        void record(ListFeedback f, int window) {
            String v = f.modelVersion == null ? "unknown" : f.modelVersion;
            Version m = versions.get(v);
            if (m == null) {
                m = new Version(group.addGroup(VERSION_KEY, v), window);
                versions.put(v, m);
            }
            m.record(f);
        }

        void close() {
            OnlineFeedbackMetrics.close(group);
        }
    }

    /** One model version's group (inside its variant's), counters and window. */
    private static final class Version {
        final MetricGroup group;
        final FeedbackWindow window;
        final Counter[] judged = new Counter[EVENT_GROUPS.length];
        final Counter[] hits = new Counter[EVENT_GROUPS.length];

        Version(MetricGroup group, int size) {
            this.group = group;
            this.window = new FeedbackWindow(size);
            for (int i = 0; i < EVENT_GROUPS.length; i++) {
                MetricGroup byType = group.addGroup(TYPE_KEY, EVENT_GROUPS[i]);
                judged[i] = byType.counter("listsJudged");
                hits[i] = byType.counter("hits");
            }
            group.gauge("onlineHitRate", (Gauge<Double>) window::hitRate);
            group.gauge("onlineMrr", (Gauge<Double>) window::mrr);
            group.gauge("onlineHr10", (Gauge<Double>) window::hitRate10);
            group.gauge("onlineMrr20", (Gauge<Double>) window::mrr20);
        }

        void record(ListFeedback f) {
            int g = groupIndex(f.eventType);
            judged[g].inc();
            if (f.isHit()) {
                hits[g].inc();
            }
            window.add(Math.max(0, f.rank));
        }

        void close() {
            OnlineFeedbackMetrics.close(group);
        }
    }
}
