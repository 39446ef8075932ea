package io.streamrec.config;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys Flink itself understands, read from Flink's option classes on the class path, so that a key that is neither
 * a streamrec option nor a Flink option ({@code paralelism.default}) is refused at start-up instead of being ignored.
 *
 * <p>Flink has no registry of its options; these are the classes that declare the ones a job or a cluster sets
 * (core, pipeline, checkpoints, state backends, REST, memory, metrics, security, high availability). A few key
 * families are open by design and accepted by prefix: metric reporters are named by the user, file systems read
 * their own keys through plugins.
 */
final class FlinkOptionKeys {

    private static final List<String> OPTION_CLASSES = List.of(
            "org.apache.flink.configuration.AlgorithmOptions",
            "org.apache.flink.configuration.BatchExecutionOptions",
            "org.apache.flink.configuration.BlobServerOptions",
            "org.apache.flink.configuration.CheckpointingOptions",
            "org.apache.flink.configuration.CleanupOptions",
            "org.apache.flink.configuration.ClusterOptions",
            "org.apache.flink.configuration.CoreOptions",
            "org.apache.flink.configuration.DeploymentOptions",
            "org.apache.flink.configuration.EventOptions",
            "org.apache.flink.configuration.ExecutionOptions",
            "org.apache.flink.configuration.HeartbeatManagerOptions",
            "org.apache.flink.configuration.HighAvailabilityOptions",
            "org.apache.flink.configuration.HistoryServerOptions",
            "org.apache.flink.configuration.JMXServerOptions",
            "org.apache.flink.configuration.JobEventStoreOptions",
            "org.apache.flink.configuration.JobManagerOptions",
            "org.apache.flink.configuration.MetricOptions",
            "org.apache.flink.configuration.NettyShuffleEnvironmentOptions",
            "org.apache.flink.configuration.OptimizerOptions",
            "org.apache.flink.configuration.PipelineOptions",
            "org.apache.flink.configuration.QueryableStateOptions",
            "org.apache.flink.configuration.ResourceManagerOptions",
            "org.apache.flink.configuration.RestOptions",
            "org.apache.flink.configuration.RestartStrategyOptions",
            "org.apache.flink.configuration.RpcOptions",
            "org.apache.flink.configuration.SecurityOptions",
            "org.apache.flink.configuration.SinkOptions",
            "org.apache.flink.configuration.SlowTaskDetectorOptions",
            "org.apache.flink.configuration.StateBackendOptions",
            "org.apache.flink.configuration.StateChangelogOptions",
            "org.apache.flink.configuration.StateLatencyTrackOptions",
            "org.apache.flink.configuration.StateRecoveryOptions",
            "org.apache.flink.configuration.StateSizeTrackOptions",
            "org.apache.flink.configuration.TaskManagerOptions",
            "org.apache.flink.configuration.TraceOptions",
            "org.apache.flink.configuration.WebOptions",
            "org.apache.flink.runtime.highavailability.JobResultStoreOptions",
            "org.apache.flink.runtime.shuffle.ShuffleServiceOptions",
            "org.apache.flink.state.rocksdb.RocksDBConfigurableOptions",
            "org.apache.flink.state.rocksdb.RocksDBNativeMetricOptions",
            "org.apache.flink.state.rocksdb.RocksDBOptions",
            "org.apache.flink.state.rocksdb.sstmerge.RocksDBManualCompactionOptions",
            "org.apache.flink.changelog.fs.FsStateChangelogOptions",
            "org.apache.flink.client.cli.ClientOptions",
            "org.apache.flink.client.cli.ArtifactFetchOptions");

    /** Key families whose members are not declared as options: accepted by prefix. */
    static final List<String> OPEN_PREFIXES = List.of(
            "metrics.reporter.", "traces.reporter.", "events.reporter.", "external-resource.",
            "s3.", "fs.", "gs.", "azure.", "oss.", "env.java.opts");

    private static final Set<String> KEYS = load();

    private FlinkOptionKeys() {}

    /** True when Flink (or an open key family) owns {@code key}. */
    static boolean isKnown(String key) {
        if (KEYS.contains(key)) {
            return true;
        }
        for (String p : OPEN_PREFIXES) {
            if (key.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** Every declared Flink key, for suggestions. */
    static Set<String> keys() {
        return KEYS;
    }

    private static Set<String> load() {
        Set<String> keys = new TreeSet<>();
        for (String name : OPTION_CLASSES) {
            Class<?> c;
            try {
                c = Class.forName(name, false, FlinkOptionKeys.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // that part of Flink is not on this class path
            }
            for (Field f : c.getFields()) {
                if (!Modifier.isStatic(f.getModifiers()) || !ConfigOption.class.isAssignableFrom(f.getType())) {
                    continue;
                }
                try {
                    ConfigOption<?> o = (ConfigOption<?>) f.get(null);
                    keys.add(o.key());
                    for (FallbackKey k : o.fallbackKeys()) {
                        keys.add(k.getKey());
                    }
                } catch (IllegalAccessException | RuntimeException e) {
                    // an option that cannot be read is one we cannot name either
                }
            }
        }
        return keys;
    }
}
