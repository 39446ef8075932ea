package io.streamrec.job;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.Arrays;

/**
 * The job's execution environment, with its defaults applied only where nobody else chose a value.
 *
 * <p>Precedence, highest first: what the user set (options or {@code --config}), then the cluster's settings (under
 * {@code flink run}: its config.yaml and {@code -D} options, which Flink's context environment already carries), then
 * the defaults below. Putting the defaults into the job's own configuration would override the cluster: a cluster's
 * shared checkpoint directory would be replaced by each TaskManager's local /tmp, and a restore could not work.
 *
 * <p>The defaults: RocksDB with incremental checkpoints every 30 s, no Kryo fallback, object reuse and a zero buffer
 * timeout for latency, a bounded failure-rate restart strategy; a local run (MiniCluster) also binds its REST endpoint
 * to localhost only and serves its metrics to Prometheus on {@link #PROMETHEUS_PORTS} (reporter {@code prom}). On a
 * cluster, reporters are the cluster's business (its config.yaml, docs/CLUSTER.md): a job cannot start one there.
 */
public final class JobEnvironment {

    /** The local Prometheus reporter's name, as in {@code metrics.reporter.prom.*}. */
    public static final String PROMETHEUS_REPORTER = "prom";
    /** Its factory, from flink-metrics-prometheus (bundled in the tools jar, on a cluster's lib/). */
    public static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    /** 9249, Prometheus' registered port for Flink; the next ones if a second local run already holds it. */
    public static final String PROMETHEUS_PORTS = "9249-9259";

    private static final String REPORTER_PREFIX = "metrics.reporter." + PROMETHEUS_REPORTER + ".";

    private JobEnvironment() {}

    /** Creates the environment: a local MiniCluster under {@code java -jar}, the cluster's under {@code flink run}. */
    public static StreamExecutionEnvironment create(Configuration userConf) {
        // The context environment merges the cluster's configuration with userConf; a local one holds userConf only.
        StreamExecutionEnvironment probe = StreamExecutionEnvironment.getExecutionEnvironment(userConf);
        Configuration conf = defaultsMissingFrom(probe.getConfiguration(), probe instanceof LocalStreamEnvironment);
        conf.addAll(userConf);
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /** The job's defaults for every option that {@code given} does not set explicitly. */
    static Configuration defaultsMissingFrom(ReadableConfig given, boolean local) {
        Configuration d = new Configuration();
        setIfMissing(d, given, StateBackendOptions.STATE_BACKEND, "rocksdb");
        setIfMissing(d, given, CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        // Each checkpoint stalls the rank thread for tens of ms (RocksDB flushes its memtable in the synchronous
        // part, and the asynchronous part competes for the CPU); every 30 s instead of 10 s a third as many events
        // queue behind one, while an at-least-once restore replays at most 30 s of events (docs/BENCHMARKS.md).
        setIfMissing(d, given, CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(30));
        // Local disk is right for a MiniCluster only; on a cluster without a directory Flink says so at the first
        // checkpoint, and CLUSTER.md says to set a shared one.
        setIfMissing(d, given, CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                "file://" + System.getProperty("java.io.tmpdir") + "/streamrec-checkpoints");
        setIfMissing(d, given, PipelineOptions.GENERIC_TYPES, false);
        // Latency: network buffers flushed after every record (0 ms; at half load p50 5.3 -> 4.0 ms against 1 ms, for
        // ~2 % of drain throughput) and no defensive copies between chained operators (no function here keeps or
        // mutates a record after emitting it); docs/BENCHMARKS.md measured both.
        setIfMissing(d, given, ExecutionOptions.BUFFER_TIMEOUT, Duration.ZERO);
        setIfMissing(d, given, PipelineOptions.OBJECT_REUSE, true);
        // With checkpointing on and no restart strategy, Flink restarts a failing job forever: a bad record or a
        // broken dependency becomes a silent crash loop. failure-rate bounds that (more than 10 failures within
        // 10 min and the job fails, visibly), yet a job running for months is not killed by rare, unrelated failures
        // as a fixed-delay strategy's lifetime attempt count would eventually do. The 10 s delay lets a broker or
        // a TaskManager come back between attempts.
        String strategy = given.getOptional(RestartStrategyOptions.RESTART_STRATEGY).orElse(null);
        if (strategy == null) {
            d.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
        }
        if (strategy == null || strategy.equalsIgnoreCase("failure-rate") || strategy.equalsIgnoreCase("failurerate")) {
            setIfMissing(d, given, RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL, 10);
            setIfMissing(d, given, RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL,
                    Duration.ofMinutes(10));
            setIfMissing(d, given, RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, Duration.ofSeconds(10));
        }
        if (local) {
            // A MiniCluster's REST endpoint has no authentication: reachable from this machine only, unless asked.
            setIfMissing(d, given, RestOptions.BIND_ADDRESS, "localhost");
            setIfMissing(d, given, RestOptions.ADDRESS, "localhost");
            prometheusIfMissing(d, given);
        }
        return d;
    }

    /**
     * The local Prometheus reporter, unless the user's reporter list leaves {@code prom} out; a factory or port the user
     * gave for it ({@code metrics.reporter.prom.port}) stays.
     */
    private static void prometheusIfMissing(Configuration d, ReadableConfig given) {
        String chosen = given.getOptional(MetricOptions.REPORTERS_LIST).orElse(null);
        if (chosen != null && Arrays.stream(chosen.split(",")).map(String::trim).noneMatch(PROMETHEUS_REPORTER::equals)) {
            return;
        }
        setIfMissing(d, given, key(REPORTER_PREFIX + "factory.class"), PROMETHEUS_FACTORY);
        setIfMissing(d, given, key(REPORTER_PREFIX + "port"), PROMETHEUS_PORTS);
    }

    private static ConfigOption<String> key(String name) {
        return ConfigOptions.key(name).stringType().noDefaultValue();
    }

    private static <T> void setIfMissing(Configuration d, ReadableConfig given, ConfigOption<T> option, T value) {
        if (given.getOptional(option).isEmpty()) {
            d.set(option, value);
        }
    }
}
