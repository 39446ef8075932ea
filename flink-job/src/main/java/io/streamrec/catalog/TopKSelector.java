package io.streamrec.catalog;

import io.streamrec.metrics.Histograms;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.ScoredList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Turns a ranked list into the emitted recommendation: skips unavailable items, cuts to top-K, stamps
 * {@code emitted_ts}, and records the emit metrics. When the ranked list marks the entries the discovery list skips,
 * it also cuts the discovery list: the first top-K available entries, extra ones included, that are not skipped.
 * Shared by the catalog-filtered and the catalog-less pipelines.
 */
final class TopKSelector {
    private final int topK;
    private final Counter recommendationsOut;
    private final Histogram eventToEmitMs;
    private final MetricGroup metrics;
    /** Per A/B variant ({@code variant=<name>} groups, at most 8): the same latency, so variants compare. */
    private final java.util.Map<String, Histogram> variantLatency = new java.util.HashMap<>();

    TopKSelector(int topK, MetricGroup metrics) {
        this.topK = topK;
        this.recommendationsOut = metrics.counter("recommendationsOut");
        this.eventToEmitMs = metrics.histogram("eventToEmitLatencyMs", Histograms.sliding());
        this.metrics = metrics;
    }

    private void recordLatency(String variant, long ms) {
        eventToEmitMs.update(ms);
        if (variant == null) {
            return;
        }
        Histogram h = variantLatency.get(variant);
        if (h == null && variantLatency.size() < 8) {
            h = metrics.addGroup("variant", variant).histogram("eventToEmitLatencyMs", Histograms.sliding());
            variantLatency.put(variant, h);
        }
        if (h != null) {
            h.update(ms);
        }
    }

    Recommendation select(ScoredList in, Predicate<String> unavailable) {
        Recommendation r = new Recommendation();
        r.userId = in.userId;
        r.seq = in.seq;
        r.modelVersion = in.modelVersion;
        r.variant = in.variant;
        r.triggerEventId = in.triggerEventId;
        r.eventTs = in.eventTs;
        r.ingestTs = in.ingestTs;
        r.items = cut(in, in.mainCount(), null, unavailable);
        if (in.skipInDiscover != null) {
            r.discover = cut(in, in.items.length, in.skipInDiscover, unavailable);
        }
        r.emittedTs = System.currentTimeMillis();
        if (in.ingestTs > 0) {
            recordLatency(in.variant, Math.max(0, r.emittedTs - in.ingestTs));
        }
        recommendationsOut.inc();
        return r;
    }

    /** The first top-K of entries {@code [0, end)} that are available and, with {@code skip}, not skipped. */
    private Recommendation.RecommendedItem[] cut(ScoredList in, int end, boolean[] skip,
            Predicate<String> unavailable) {
        int n = 0;
        Recommendation.RecommendedItem[] items = new Recommendation.RecommendedItem[Math.min(topK, end)];
        for (int i = 0; i < end && n < items.length; i++) {
            if ((skip != null && skip[i]) || unavailable.test(in.items[i])) {
                continue;
            }
            items[n++] = new Recommendation.RecommendedItem(in.items[i], in.scores[i], in.sources[i],
                    in.because == null ? null : in.because[i]);
        }
        return n == items.length ? items : Arrays.copyOf(items, n);
    }
}
