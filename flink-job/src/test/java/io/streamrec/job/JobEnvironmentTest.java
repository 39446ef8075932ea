package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import org.apache.flink.client.program.StreamContextEnvironment;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.DefaultExecutorServiceLoader;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who wins where: the user's options over the cluster's config.yaml over the job's defaults. The cluster case runs in
 * the context environment {@code flink run} installs ({@link StreamContextEnvironment#setAsContext}), with the
 * cluster's configuration as the client loaded it.
 */
class JobEnvironmentTest {

    @AfterEach
    void leaveTheFlinkRunContext() {
        StreamContextEnvironment.unsetAsContext();
    }

    private static void runUnderFlinkRunWith(Configuration cluster) {
        StreamContextEnvironment.setAsContext(new DefaultExecutorServiceLoader(), cluster,
                JobEnvironmentTest.class.getClassLoader(), false, true);
    }

    private static Configuration cluster() {
        Configuration c = new Configuration();
        c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, "file:///flink-data/checkpoints");
        c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(60));
        c.set(StateBackendOptions.STATE_BACKEND, "hashmap");
        return c;
    }

    @Test
    void clusterSettingsWinOverTheJobsDefaultsUnderFlinkRun() {
        runUnderFlinkRunWith(cluster());
        StreamExecutionEnvironment env = JobEnvironment.create(StreamrecConfig.fromMap(Map.of()));

        assertInstanceOf(StreamContextEnvironment.class, env);
        assertEquals("file:///flink-data/checkpoints",
                env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertEquals(Duration.ofSeconds(60), env.getConfiguration().get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(60_000, env.getCheckpointConfig().getCheckpointInterval());
        assertEquals("hashmap", env.getConfiguration().get(StateBackendOptions.STATE_BACKEND));
        // Where the cluster is silent, the job's defaults still apply.
        assertFalse(env.getConfiguration().get(PipelineOptions.GENERIC_TYPES));
        assertEquals(Duration.ZERO, env.getConfiguration().get(ExecutionOptions.BUFFER_TIMEOUT));
        assertTrue(env.getConfiguration().get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
        assertTrue(env.getConfiguration().getOptional(RestOptions.BIND_ADDRESS).isEmpty(),
                "the cluster's REST endpoint is the cluster's business");
    }

    @Test
    void theUsersOptionsWinOverTheCluster() {
        runUnderFlinkRunWith(cluster());
        StreamExecutionEnvironment env = JobEnvironment.create(StreamrecConfig.fromMap(Map.of(
                "execution.checkpointing.interval", "5 s",
                "execution.checkpointing.dir", "file:///user/checkpoints")));

        assertEquals(5_000, env.getCheckpointConfig().getCheckpointInterval());
        assertEquals("file:///user/checkpoints", env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertEquals("hashmap", env.getConfiguration().get(StateBackendOptions.STATE_BACKEND));
    }

    @Test
    void aLocalRunGetsTheJobsDefaultsAndRestOnLocalhostOnly() {
        StreamExecutionEnvironment env = JobEnvironment.create(StreamrecConfig.fromMap(Map.of()));

        assertInstanceOf(LocalStreamEnvironment.class, env);
        assertEquals("rocksdb", env.getConfiguration().get(StateBackendOptions.STATE_BACKEND));
        assertEquals(30_000, env.getCheckpointConfig().getCheckpointInterval());
        assertTrue(env.getConfiguration().get(CheckpointingOptions.CHECKPOINTS_DIRECTORY).startsWith("file://"));
        assertEquals("localhost", env.getConfiguration().get(RestOptions.BIND_ADDRESS));
    }

    @Test
    void aLocalRunBindsRestWhereTheUserAsks() {
        StreamExecutionEnvironment env = JobEnvironment.create(
                StreamrecConfig.fromMap(Map.of("rest.bind-address", "0.0.0.0")));

        assertEquals("0.0.0.0", env.getConfiguration().get(RestOptions.BIND_ADDRESS));
    }

    @Test
    void restartsAreBoundedByAFailureRateUnlessSomeoneChoseAStrategy() {
        StreamExecutionEnvironment local = JobEnvironment.create(StreamrecConfig.fromMap(Map.of()));
        assertEquals("failure-rate", local.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(10, local.getConfiguration()
                .get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL));
        assertEquals(Duration.ofMinutes(10), local.getConfiguration()
                .get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL));
        assertEquals(Duration.ofSeconds(10), local.getConfiguration()
                .get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY));

        // The user's own failure-rate setting is kept; the job fills in only what is missing.
        StreamExecutionEnvironment tuned = JobEnvironment.create(StreamrecConfig.fromMap(Map.of(
                "restart-strategy.failure-rate.max-failures-per-interval", "3")));
        assertEquals("failure-rate", tuned.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY));
        assertEquals(3, tuned.getConfiguration()
                .get(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL));

        // A cluster that chose a strategy keeps it, without failure-rate settings added to it.
        Configuration cluster = cluster();
        cluster.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        runUnderFlinkRunWith(cluster);
        StreamExecutionEnvironment env = JobEnvironment.create(StreamrecConfig.fromMap(Map.of()));
        assertEquals("fixed-delay", env.getConfiguration().get(RestartStrategyOptions.RESTART_STRATEGY));
        assertTrue(env.getConfiguration()
                .getOptional(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY).isEmpty());
    }
    private static String conf(StreamExecutionEnvironment env, String key) {
        return env.getConfiguration().toMap().get(key);
    }

    @Test
    void aLocalRunServesPrometheusOn9249UnlessTheUserChoseOtherwise() {
        StreamExecutionEnvironment env = JobEnvironment.create(StreamrecConfig.fromMap(Map.of()));
        assertEquals(JobEnvironment.PROMETHEUS_FACTORY, conf(env, "metrics.reporter.prom.factory.class"));
        assertEquals("9249-9259", conf(env, "metrics.reporter.prom.port"));

        StreamExecutionEnvironment port = JobEnvironment.create(
                StreamrecConfig.fromMap(Map.of("metrics.reporter.prom.port", "9300")));
        assertEquals("9300", conf(port, "metrics.reporter.prom.port"));

        // A reporter list without prom: the user chose other reporters, none is added.
        StreamExecutionEnvironment jmxOnly = JobEnvironment.create(StreamrecConfig.fromMap(Map.of(
                "metrics.reporters", "jmx",
                "metrics.reporter.jmx.factory.class", "org.apache.flink.metrics.jmx.JMXReporterFactory")));
        assertEquals(null, conf(jmxOnly, "metrics.reporter.prom.factory.class"));
    }

    @Test
    void onAClusterReportersAreTheClustersBusiness() {
        runUnderFlinkRunWith(cluster());
        StreamExecutionEnvironment env = JobEnvironment.create(StreamrecConfig.fromMap(Map.of()));
        assertEquals(null, conf(env, "metrics.reporter.prom.factory.class"));
        assertEquals(null, conf(env, "metrics.reporter.prom.port"));
    }
}
