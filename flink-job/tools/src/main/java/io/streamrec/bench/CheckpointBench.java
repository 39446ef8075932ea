package io.streamrec.bench;

import io.streamrec.kafka.Topics;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Section 5b (full mode): checkpoint duration with N users in RocksDB. A MiniCluster job with the job's state
 * descriptor (UserState POJO, same TTL config), RocksDB, incremental checkpoints, writes one realistic state per user
 * (users' states from simulated traffic, with per-user ids), then a checkpoint is triggered and timed; then 1% of the
 * users are updated and a second (now truly incremental) checkpoint is timed. The input is a bounded sequence unioned
 * with an idle Kafka topic, so the job stays RUNNING after the sequence ends.
 */
final class CheckpointBench {
    static final AtomicLong WRITES = new AtomicLong();

    static final class Result {
        final int users;
        final double writeSeconds;
        final double firstCheckpointSeconds;
        final double incrementalCheckpointSeconds;
        final long checkpointDirBytes;

        Result(int users, double writeSeconds, double first, double incremental, long dirBytes) {
            this.users = users;
            this.writeSeconds = writeSeconds;
            this.firstCheckpointSeconds = first;
            this.incrementalCheckpointSeconds = incremental;
            this.checkpointDirBytes = dirBytes;
        }
    }

    private CheckpointBench() {}

    static Result run(String bootstrap, int users, java.io.PrintStream log) throws Exception {
        return run(bootstrap, Map.of(), users, log);
    }

    /** @param kafkaProperties Kafka client settings (SASL/TLS, ...) for the admin, producer and source */
    static Result run(String bootstrap, Map<String, String> kafkaProperties, int users, java.io.PrintStream log)
            throws Exception {
        WRITES.set(0);
        String topic = "bench-ckpt-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        List<String> created = Topics.createIfMissing(bootstrap, kafkaProperties,
                new Topics.Names(topic, topic + "-items", topic + "-recs", topic + "-dlq"), 1, (short) 1);
        Path dir = Files.createTempDirectory("streamrec-bench-ckpt1m-");
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofHours(1));
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        MiniCluster mc = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        mc.start();
        try {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
            env.setParallelism(1);
            KafkaSource<String> more = KafkaSource.<String>builder()
                    .setBootstrapServers(bootstrap).setTopics(topic).setGroupId(topic)
                    .setProperties(props(kafkaProperties))
                    .setStartingOffsets(OffsetsInitializer.earliest())
                    .setValueOnlyDeserializer(new SimpleStringSchema()).build();
            DataStream<Long> updates = env.fromSource(more, WatermarkStrategy.noWatermarks(), "more-users")
                    .map(Long::parseLong).returns(Types.LONG);
            final int n = users;
            env.fromSequence(0, users - 1).union(updates)
                    .keyBy(v -> userId(v % n), Types.STRING)
                    .process(new WriteState()).returns(Types.LONG)
                    .sinkTo(new DiscardingSink<>());
            JobGraph graph = env.getStreamGraph().getJobGraph();
            JobID id = mc.submitJob(graph).get().getJobID();
            long t0 = System.nanoTime();
            waitFor(users, Duration.ofMinutes(20), log);
            double writeSecs = (System.nanoTime() - t0) / 1e9;
            log.printf("  checkpoint: %d users written in %.1f s%n", users, writeSecs);

            long c0 = System.nanoTime();
            mc.triggerCheckpoint(id).get(10, TimeUnit.MINUTES);
            double first = (System.nanoTime() - c0) / 1e9;
            long bytes = dirSize(dir);
            log.printf("  checkpoint 1 (all %d users new): %.2f s, %d MB on disk%n", users, first, bytes >> 20);

            int delta = Math.max(1, users / 100);
            try (KafkaProducer<byte[], byte[]> p = new PipelineBench(bootstrap, Map.of(), kafkaProperties, log)
                    .producer(true)) {
                for (int i = 0; i < delta; i++) {
                    long u = (i * 9973L) % users;
                    p.send(new ProducerRecord<>(topic, null, Long.toString(u).getBytes(StandardCharsets.UTF_8)));
                }
            }
            waitFor(users + delta, Duration.ofMinutes(5), log);
            long c1 = System.nanoTime();
            mc.triggerCheckpoint(id).get(10, TimeUnit.MINUTES);
            double second = (System.nanoTime() - c1) / 1e9;
            log.printf("  checkpoint 2 (%d users changed): %.2f s%n", delta, second);
            mc.cancelJob(id).get(1, TimeUnit.MINUTES);
            return new Result(users, writeSecs, first, second, bytes);
        } finally {
            mc.close();
            deleteRecursively(dir);
            try {
                Topics.delete(bootstrap, kafkaProperties, created);
            } catch (Exception e) { // the measurement stands; say what is left on the broker
                log.println("    could not delete the checkpoint section's topics " + created + ": " + e);
            }
        }
    }

    static String userId(long v) {
        return "u" + v;
    }

    private static void waitFor(long writes, Duration timeout, java.io.PrintStream log) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (WRITES.get() < writes) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + WRITES.get() + " of " + writes + " states written");
            }
            Thread.sleep(100);
        }
    }

    static long dirSize(Path dir) throws java.io.IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // temp files
        }
    }

    /** Writes a realistic UserState for each key: sampled from simulated users, with the key's own event ids. */
    static final class WriteState extends KeyedProcessFunction<String, Long, Long> {
        private static final long serialVersionUID = 1L;
        private transient ValueState<UserState> state;
        private transient List<UserState> samples;

        @Override
        public void open(OpenContext ctx) throws Exception {
            ValueStateDescriptor<UserState> d =
                    new ValueStateDescriptor<>("user-state", TypeInformation.of(UserState.class));
            d.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(7))
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupInRocksdbCompactFilter(1000)
                    .build());
            state = getRuntimeContext().getState(d);
            samples = sampleStates(BundleLoader.load("classpath:default"), 2000, 60_000, 7L);
        }

        @Override
        public void processElement(Long v, Context ctx, Collector<Long> out) throws Exception {
            UserState s = state.value();
            UserState t = samples.get((int) (Math.abs(ctx.getCurrentKey().hashCode()) % samples.size()));
            UserState w = new UserState();
            w.interest = t.interest;
            w.lastTs = t.lastTs + (s == null ? 0 : 1000);
            w.modelVersion = t.modelVersion;
            w.histItems = t.histItems;
            w.histTypes = t.histTypes;
            w.histOffsetMs = t.histOffsetMs;
            w.purchased = t.purchased;
            w.cart = t.cart;
            w.seq = s == null ? t.seq : s.seq + 1;
            long[] ids = t.recentEventHashes.clone();
            long salt = ctx.getCurrentKey().hashCode();
            for (int i = 0; i < ids.length; i++) {
                ids[i] ^= salt;
            }
            w.recentEventHashes = ids;
            state.update(w);
            WRITES.incrementAndGet();
        }
    }

    /** Users' states after simulated traffic, through the job's updater with the job's default bounds. */
    static List<UserState> sampleStates(ModelBundle bundle, int users, int events, long seed) {
        Simulator sim = BenchTraffic.simulator(seed, users, false);
        int hist = Math.max(bundle.manifest().seqLen(), Math.max(bundle.manifest().covisitWindow(), 20));
        UserStateUpdater up = new UserStateUpdater(hist, 100, 64);
        Map<String, UserState> states = new HashMap<>();
        int n = 0;
        while (n < events) {
            SimRecord r = sim.next();
            if (r.event() == null || r.duplicate()) {
                continue;
            }
            UserState s = states.computeIfAbsent(r.event().userId, u -> new UserState());
            up.apply(s, BenchTraffic.userEvent(r.event()), bundle);
            n++;
        }
        return new ArrayList<>(states.values());
    }

    private static java.util.Properties props(Map<String, String> m) {
        java.util.Properties p = new java.util.Properties();
        p.putAll(m);
        return p;
    }
}
