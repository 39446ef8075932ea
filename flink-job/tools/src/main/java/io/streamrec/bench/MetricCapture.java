package io.streamrec.bench;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
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
 * ({@code tablesSnapshotUs}, {@code checkpointSyncUs}), and the JobManager's checkpoint gauges for
 * {@link CheckpointWatch}. Enabled only by the
 * bench's job configuration ({@link #CONF_KEY}); the services file makes Flink find the factory.
 */
public final class MetricCapture implements MetricReporterFactory, MetricReporter {
    /** The job option that enables it. */
    static final String CONF_KEY = "metrics.reporter.streamrec-bench.factory.class";
    private static final String METRIC = "inferenceLatencyUs";
    private static final String CANDIDATES = "candidatesScored";
    private static final String FREEZE = "tablesSnapshotUs";
    private static final String SYNC = "checkpointSyncUs";
    /** The JobManager's checkpoint gauges ({@link CheckpointWatch}). */
    private static final String COMPLETED = "numberOfCompletedCheckpoints";
    private static final String DURATION = "lastCheckpointDuration";
    private static final String SIZE = "lastCheckpointSize";
    /** Per metric name it keeps: that metric of every subtask (or of the job), by its full identifier. */
    private static final Map<String, Map<String, Metric>> KEPT = Map.of(METRIC, new ConcurrentHashMap<>(),
            CANDIDATES, new ConcurrentHashMap<>(), FREEZE, new ConcurrentHashMap<>(), SYNC, new ConcurrentHashMap<>(),
            COMPLETED, new ConcurrentHashMap<>(), DURATION, new ConcurrentHashMap<>(), SIZE, new ConcurrentHashMap<>());

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
        Map<String, Metric> kept = KEPT.get(name);
        if (kept != null && (metric instanceof Histogram || metric instanceof Counter || metric instanceof Gauge)) {
            kept.put(group.getMetricIdentifier(name), metric);
        }
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        Map<String, Metric> kept = KEPT.get(name);
        if (kept != null) {
            kept.remove(group.getMetricIdentifier(name), metric);
        }
    }

    /** Forgets the metrics of earlier jobs. */
    static void reset() {
        KEPT.values().forEach(Map::clear);
    }

    private static <M extends Metric> java.util.List<M> kept(String name, Class<M> type) {
        return KEPT.get(name).values().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The candidates the job's ranker has scored so far ({@code candidatesScored}), summed over subtasks. */
    static long candidatesScored() {
        long n = 0;
        for (Counter c : kept(CANDIDATES, Counter.class)) {
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
        for (Histogram h : kept(METRIC, Histogram.class)) {
            long n = h.getCount();
            var stats = h.getStatistics();
            calls += n;
            weighted += n * stats.getMean();
            total = stats.size() == n ? total + stats.getMean() * n : Double.NaN;
        }
        return new double[]{calls, calls == 0 ? 0 : weighted / calls, total};
    }

    /**
     * The running job's JobManager checkpoint gauges: {completed checkpoints, the last one's end-to-end ms, its
     * bytes}; null until the job has registered them. The bench runs one job at a time.
     */
    static long[] lastCheckpoint() {
        Long n = gauge(COMPLETED);
        Long ms = gauge(DURATION);
        Long bytes = gauge(SIZE);
        return n == null || ms == null || bytes == null ? null : new long[]{n, ms, bytes};
    }

    private static Long gauge(String name) {
        for (Gauge<?> g : kept(name, Gauge.class)) {
            if (g.getValue() instanceof Number v) {
                return v.longValue();
            }
        }
        return null;
    }

    /** Durations a job recorded in one kind of histogram: how many, their mean and their largest, in µs. */
    record Durations(long count, double meanUs, double maxUs) {
    }

    /**
     * The checkpoints' freezes of the live tables so far ({@code tablesSnapshotUs}), over every subtask and the
     * histograms' windows (a run's checkpoints fit in one).
     */
    static Durations tablesSnapshot() {
        return durations(FREEZE);
    }

    /** The checkpoints' whole synchronous parts so far ({@code checkpointSyncUs}), as above. */
    static Durations checkpointSync() {
        return durations(SYNC);
    }

    private static Durations durations(String name) {
        long count = 0;
        double sum = 0;
        double max = 0;
        for (Histogram h : kept(name, Histogram.class)) {
            var stats = h.getStatistics();
            count += stats.size();
            sum += stats.getMean() * stats.size();
            max = Math.max(max, stats.size() == 0 ? 0 : stats.getMax());
        }
        return new Durations(count, count == 0 ? 0 : sum / count, max);
    }
}
