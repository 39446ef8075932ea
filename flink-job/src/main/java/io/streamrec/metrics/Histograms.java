package io.streamrec.metrics;

import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The one place that picks Flink's histogram implementation for the job's latency metrics, so the pipeline stages
 * register histograms through Flink's metrics API without depending on the Flink runtime themselves.
 */
public final class Histograms {

    /** Samples the latency histograms keep: enough for a stable p99 at a few thousand events per second. */
    static final int WINDOW = 10_000;

    private Histograms() {}

    /** A histogram over the last {@value #WINDOW} values. */
    public static Histogram sliding() {
        return new DescriptiveStatisticsHistogram(WINDOW);
    }
}
