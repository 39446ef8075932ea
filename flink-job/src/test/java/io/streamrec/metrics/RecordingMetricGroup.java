package io.streamrec.metrics;

import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

/**
 * A metric group for tests that records every counter and gauge under its dotted path ({@code key.value.name} for a
 * key/value group, which reporters such as Prometheus turn into a label), so a test can read what an operator
 * registered.
 */
public final class RecordingMetricGroup extends UnregisteredMetricsGroup {
    private final Map<String, Metric> metrics;
    private final String path;

    /** Records into {@code metrics}, from the root. */
    public RecordingMetricGroup(Map<String, Metric> metrics) {
        this(metrics, "");
    }

    private RecordingMetricGroup(Map<String, Metric> metrics, String path) {
        this.metrics = metrics;
        this.path = path;
    }

    @Override
    public MetricGroup addGroup(String name) {
        return new RecordingMetricGroup(metrics, path + name + ".");
    }

    @Override
    public MetricGroup addGroup(String key, String value) {
        return new RecordingMetricGroup(metrics, path + key + "." + value + ".");
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
