package io.streamrec.bench;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Flink metric reporter (and its factory) that keeps the job's ONNX call histograms ({@code inferenceLatencyUs},
 * one per rank subtask) and scored-candidate counters ({@code candidatesScored}) where the bench can read them: the
 * drains run the job in this JVM's MiniCluster; the time spent in the model is what splits the rank operator's thread
 * CPU into model and operator work, and the candidates per event are the raw model's like-for-like K. The latency
 * runs also read how long each checkpoint froze the live tables and held the task thread in all
 * ({@code tablesSnapshotUs}, {@code checkpointSyncUs}). Enabled only by the
 * bench's job configuration ({@link #CONF_KEY}); the services file makes Flink find the factory.
 */
public final class MetricCapture implements MetricReporterFactory, MetricReporter {
    /** The job option that enables it. */
    static final String CONF_KEY = "metrics.reporter.streamrec-bench.factory.class";
    private static final String METRIC = "inferenceLatencyUs";
    private static final Map<String, Histogram> INFERENCE = new ConcurrentHashMap<>();
    private static final String CANDIDATES = "candidatesScored";
    private static final Map<String, Counter> SCORED = new ConcurrentHashMap<>();
    private static final String FREEZE = "tablesSnapshotUs";
    private static final Map<String, Histogram> FREEZES = new ConcurrentHashMap<>();
    private static final String SYNC = "checkpointSyncUs";
    private static final Map<String, Histogram> SYNCS = new ConcurrentHashMap<>();

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (name.equals(METRIC) && metric instanceof Histogram h) {
            INFERENCE.put(group.getMetricIdentifier(name), h);
        } else if (name.equals(CANDIDATES) && metric instanceof Counter c) {
            SCORED.put(group.getMetricIdentifier(name), c);
        } else if (name.equals(FREEZE) && metric instanceof Histogram h) {
            FREEZES.put(group.getMetricIdentifier(name), h);
        } else if (name.equals(SYNC) && metric instanceof Histogram h) {
            SYNCS.put(group.getMetricIdentifier(name), h);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (name.equals(METRIC)) {
            INFERENCE.remove(group.getMetricIdentifier(name), metric);
        } else if (name.equals(CANDIDATES)) {
            SCORED.remove(group.getMetricIdentifier(name), metric);
        } else if (name.equals(FREEZE)) {
            FREEZES.remove(group.getMetricIdentifier(name), metric);
        } else if (name.equals(SYNC)) {
            SYNCS.remove(group.getMetricIdentifier(name), metric);
        }
    }

    /** Forgets the histograms of earlier jobs. */
    static void reset() {
        INFERENCE.clear();
        SCORED.clear();
        FREEZES.clear();
        SYNCS.clear();
    }

    /** The candidates the job's ranker has scored so far ({@code candidatesScored}), summed over subtasks. */
    static long candidatesScored() {
        long n = 0;
        for (Counter c : SCORED.values()) {
            n += c.getCount();
        }
        return n;
    }

    /**
     * The ONNX calls so far, summed over subtasks, their mean time in µs over the histograms' recent windows (weighted
     * by each subtask's calls), and their total time in µs if every histogram still holds all its calls (else NaN):
     * {calls, mean µs, total µs}. The job's histograms keep a sliding window, so a long drain's model time is its
     * calls times the recent mean; a short one's is exact.
     */
    static double[] inference() {
        double calls = 0;
        double weighted = 0;
        double total = 0;
        for (Histogram h : INFERENCE.values()) {
            long n = h.getCount();
            var stats = h.getStatistics();
            calls += n;
            weighted += n * stats.getMean();
            total = stats.size() == n ? total + stats.getMean() * n : Double.NaN;
        }
        return new double[]{calls, calls == 0 ? 0 : weighted / calls, total};
    }

    /** Durations a job recorded in one kind of histogram: how many, their mean and their largest, in µs. */
    record Durations(long count, double meanUs, double maxUs) {
    }

    /**
     * The checkpoints' freezes of the live tables so far ({@code tablesSnapshotUs}), over every subtask and the
     * histograms' windows (a run's checkpoints fit in one).
     */
    static Durations tablesSnapshot() {
        return durations(FREEZES);
    }

    /** The checkpoints' whole synchronous parts so far ({@code checkpointSyncUs}), as above. */
    static Durations checkpointSync() {
        return durations(SYNCS);
    }

    private static Durations durations(Map<String, Histogram> histograms) {
        long count = 0;
        double sum = 0;
        double max = 0;
        for (Histogram h : histograms.values()) {
            var stats = h.getStatistics();
            count += stats.size();
            sum += stats.getMean() * stats.size();
            max = Math.max(max, stats.size() == 0 ? 0 : stats.getMax());
        }
        return new Durations(count, count == 0 ? 0 : sum / count, max);
    }
}
