package io.streamrec.job;


import io.streamrec.metrics.CoverageWindow;
import io.streamrec.metrics.Histograms;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The recommend operator's Flink metrics, registered under their established names (dashboards read them): events
 * refused as duplicates, events before {@code recs.lists-from} (state only), model swaps, slots the re-visit order
 * refilled, the ONNX call's latency, reload failures, the serving model version(s) (a string, and a 1/0 number per
 * version for Prometheus), how long each checkpoint froze the live tables and held the task thread in all, and
 * per A/B variant the lists served and their catalogue coverage. Why apart: the operator's event path then reads as
 * the pipeline, not as bookkeeping.
 */
final class RecommendMetrics {
    final Counter duplicates;
    /** Events before {@code recs.lists-from}: state and tables updated, not ranked, no list. */
    final Counter warmUpEvents;
    final Counter modelSwaps;
    final Counter revisitSlotsReordered;
    /** Candidates the ranker scored, summed over events: with {@code listsOut}, the mean candidates per event. */
    final Counter candidatesScored;
    final Histogram inferenceUs;
    /** How long each checkpoint froze the live tables on the task thread, in microseconds. */
    final Histogram tablesSnapshotUs;
    /** How long each checkpoint's whole synchronous part held the task thread (tables and state backend), µs. */
    final Histogram checkpointSyncUs;
    /** Records an ONNX call's latency in microseconds; one object, so recording allocates nothing. */
    final LongConsumer inference;

    RecommendMetrics(MetricGroup group, LongSupplier reloadFailures, Supplier<String> modelVersion) {
        this.group = group;
        duplicates = group.counter("duplicateEvents");
        warmUpEvents = group.counter("warmUpEvents");
        modelSwaps = group.counter("modelSwaps");
        revisitSlotsReordered = group.counter("revisitSlotsReordered");
        candidatesScored = group.counter("candidatesScored");
        inferenceUs = group.histogram("inferenceLatencyUs", Histograms.sliding());
        inference = inferenceUs::update;
        tablesSnapshotUs = group.histogram("tablesSnapshotUs", Histograms.sliding());
        checkpointSyncUs = group.histogram("checkpointSyncUs", Histograms.sliding());
        group.gauge("modelReloadFailures", (Gauge<Long>) reloadFailures::getAsLong);
        group.gauge("modelVersion", (Gauge<String>) modelVersion::get);
    }

    /** Per A/B variant: lists served and catalogue coverage; at most {@value #MAX_VARIANTS} groups are made. */
    private static final int MAX_VARIANTS = 8;
    /** How many recent lists the coverage gauge counts distinct items over. */
    static final int COVERAGE_LISTS = 1000;
    private final MetricGroup group;
    private final Map<String, VariantMetrics> variants = new HashMap<>();

    /** One variant's metric group ({@code variant=<name>}): its lists and their coverage of the catalogue. */
    static final class VariantMetrics {
        final Counter lists;
        final CoverageWindow coverage = new CoverageWindow(COVERAGE_LISTS);
        volatile int catalogueItems = 1;

        VariantMetrics(MetricGroup g) {
            lists = g.counter("listsOut");
            g.gauge("distinctItemsLast1000Lists", (Gauge<Integer>) coverage::distinctItems);
            g.gauge("coverage", (Gauge<Double>) () -> coverage.distinctItems() / (double) catalogueItems);
        }
    }

    /** Records one list a variant served: its top-K item hashes, against the variant's catalogue size. */
    void listServed(String variant, int[] itemHashes, int catalogueItems) {
        VariantMetrics m = variants.get(variant);
        if (m == null) {
            if (variants.size() >= MAX_VARIANTS) {
                return;
            }
            m = new VariantMetrics(group.addGroup("variant", variant));
            variants.put(variant, m);
        }
        m.lists.inc();
        m.catalogueItems = Math.max(1, catalogueItems);
        m.coverage.add(itemHashes);
    }

    /** At most this many model versions get a {@code modelServing} gauge (a long-running job reloads many). */
    static final int MAX_VERSIONS = 16;
    private final Map<String, AtomicInteger> servingFlags = new LinkedHashMap<>();

    /**
     * Marks {@code versions} as the ones serving now: each version seen gets a gauge {@code modelServing} in the group
     * {@code model_version=<version>}, 1 while it serves and 0 after. The {@code modelVersion} gauge is a string,
     * which Prometheus cannot take; this way the version reaches it as a label
     * ({@code …_model_version_modelServing{model_version="…"} 1}). Versions beyond the first {@value #MAX_VERSIONS}
     * get none (the string gauge and the REST API still name them).
     */
    void serving(Collection<String> versions) {
        for (AtomicInteger f : servingFlags.values()) {
            f.set(0);
        }
        for (String v : versions) {
            AtomicInteger f = servingFlags.get(v);
            if (f == null) {
                if (servingFlags.size() >= MAX_VERSIONS) {
                    continue;
                }
                AtomicInteger flag = new AtomicInteger();
                group.addGroup("model_version", v).gauge("modelServing", (Gauge<Integer>) flag::get);
                servingFlags.put(v, flag);
                f = flag;
            }
            f.set(1);
        }
    }

    /** Counts the slots one list's re-visit order refilled. */
    void revisitMoved(int moved) {
        if (moved > 0) {
            revisitSlotsReordered.inc(moved);
        }
    }
}
