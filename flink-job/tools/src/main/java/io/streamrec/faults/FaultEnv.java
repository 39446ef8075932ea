package io.streamrec.faults;

import io.streamrec.cluster.StandaloneCluster;
import io.streamrec.kafka.KafkaServerProcess;
import io.streamrec.kafka.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the fault scenarios run against, each in its own process: a KRaft broker, and a standalone Flink
 * session cluster with ZooKeeper high availability, a JobManager and two TaskManagers of two slots each. The
 * cluster's {@code config.yaml} chooses what an operator of a small production cluster would: 2-s checkpoints on
 * RocksDB, 1-s heartbeats with a 6-s timeout, and a fixed-delay restart strategy with a 1-s delay. The job's own
 * defaults yield to all of them.
 */
final class FaultEnv implements AutoCloseable {
    /** The cluster settings the scenarios run with, as docs/RELIABILITY.md names them. */
    static Map<String, String> clusterSettings(Path work) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("state.backend.type", "rocksdb");
        c.put("execution.checkpointing.incremental", "true");
        c.put("execution.checkpointing.interval", "2 s");
        c.put("execution.checkpointing.dir", work.resolve("checkpoints").toUri().toString());
        c.put("execution.checkpointing.savepoint-dir", work.resolve("savepoints").toUri().toString());
        c.put("heartbeat.interval", "1000");
        c.put("heartbeat.timeout", "6000");
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "1000");
        c.put("restart-strategy.fixed-delay.delay", "1 s");
        c.put("taskmanager.load-balance.mode", "SLOTS");
        return c;
    }

    final Path work;
    final Path jobJar;
    final KafkaServerProcess broker;
    final StandaloneCluster cluster;
    final Path bundle;
    private final Map<String, String> extra;

    /** {@code extra}: config.yaml entries over {@link #clusterSettings} ({@code faults --cluster-conf}). */
    FaultEnv(Path work, Path lib, Path jobJar, Path bundle, Map<String, String> extra) throws IOException {
        this.work = work;
        this.jobJar = jobJar;
        this.bundle = bundle;
        Files.createDirectories(work);
        int port = StandaloneCluster.freePort();
        broker = new KafkaServerProcess(work.resolve("kafka"), port, StandaloneCluster.freePort(), "localhost",
                KafkaServerProcess.defaultJvmOptions("512m", List.of()), work.resolve("kafka.log"));
        this.extra = Map.copyOf(extra);
        Map<String, String> settings = clusterSettings(work);
        settings.putAll(extra);
        cluster = new StandaloneCluster(work.resolve("flink"), lib, 2, settings);
    }

    void start(Progress progress) throws IOException, InterruptedException {
        long ms = broker.start();
        progress.say("broker up at %s in %d ms (pid %d)", broker.bootstrapServers(), ms, broker.pid());
        long t0 = System.currentTimeMillis();
        cluster.start(2);
        if (!extra.isEmpty()) {
            progress.say("cluster settings over the defaults (--cluster-conf): %s", extra);
        }
        progress.say("Flink cluster up in %d ms: ZooKeeper, a JobManager (REST %s) and 2 TaskManagers %s (malloc: %s)",
                System.currentTimeMillis() - t0, cluster.rest().address(), cluster.liveTaskManagerPids(),
                StandaloneCluster.taskManagerAllocator());
    }

    /** Creates a scenario's own four topics (4 partitions each) and returns their names. */
    Topics.Names topics(String scenario) throws Exception {
        Topics.Names names = new Topics.Names(scenario + "-events", scenario + "-items", scenario + "-recs",
                scenario + "-dlq");
        Topics.createIfMissing(broker.bootstrapServers(), names, 4, (short) 1);
        return names;
    }

    /** The job's arguments for a scenario: its topics, delivery guarantee, bundle and parallelism 2. */
    List<String> jobArgs(Topics.Names names, String guarantee, Path modelPath) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("kafka.bootstrap-servers", broker.bootstrapServers());
        o.put("kafka.group-id", "streamrec-" + names.events());
        o.put("kafka.starting-offsets", "earliest");
        o.put("topic.events", names.events());
        o.put("topic.items", names.items());
        o.put("topic.recommendations", names.recommendations());
        o.put("topic.dlq", names.dlq());
        o.put("delivery.guarantee", guarantee);
        o.put("model.path", modelPath.toString());
        o.put("model.reload-interval", "1 s");
        o.put("parallelism.default", "2");
        o.put("job.name", "streamrec-" + names.events());
        List<String> args = new ArrayList<>();
        o.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        return args;
    }

    @Override
    public void close() throws InterruptedException {
        cluster.close();
        broker.close();
    }

    /** Progress lines on standard error, with the seconds since the run started. */
    static final class Progress {
        private final long t0 = System.currentTimeMillis();

        void say(String fmt, Object... args) {
            System.err.printf("[%6.1f s] %s%n", (System.currentTimeMillis() - t0) / 1000.0,
                    String.format(fmt, args));
        }
    }
}
