package io.streamrec.job;

import io.streamrec.metrics.Histograms;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;

import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The recommend operator's Flink metrics, registered under their established names (dashboards read them): events
 * refused as duplicates, model swaps, slots the re-visit order refilled, the ONNX call's latency, reload failures and
 * the serving model version. Why apart: the operator's event path then reads as the pipeline, not as bookkeeping.
 */
final class RecommendMetrics {
    final Counter duplicates;
    final Counter modelSwaps;
    final Counter revisitSlotsReordered;
    final Histogram inferenceUs;
    /** Records an ONNX call's latency in microseconds; one object, so recording allocates nothing. */
    final LongConsumer inference;

    RecommendMetrics(MetricGroup group, LongSupplier reloadFailures, Supplier<String> modelVersion) {
        duplicates = group.counter("duplicateEvents");
        modelSwaps = group.counter("modelSwaps");
        revisitSlotsReordered = group.counter("revisitSlotsReordered");
        inferenceUs = group.histogram("inferenceLatencyUs", Histograms.sliding());
        inference = inferenceUs::update;
        group.gauge("modelReloadFailures", (Gauge<Long>) reloadFailures::getAsLong);
        group.gauge("modelVersion", (Gauge<String>) modelVersion::get);
    }

    /** Counts the slots one list's re-visit order refilled. */
    void revisitMoved(int moved) {
        if (moved > 0) {
            revisitSlotsReordered.inc(moved);
        }
    }
}
