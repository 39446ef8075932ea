package io.streamrec.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.candidates.CandidateGenerator;
import io.streamrec.candidates.CandidateOptions;
import io.streamrec.candidates.CandidateSet;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.job.StreamrecJob;
import io.streamrec.kafka.Topics;
import io.streamrec.model.ModelBundle;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import io.streamrec.state.UserState;
import io.streamrec.state.UserStateUpdater;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * Sections 2 and 3: the whole job (StreamrecJob wired to Kafka, local MiniCluster, RocksDB, incremental checkpoints
 * at the job's default interval, at-least-once) against a real broker on loopback.
 *
 * <ul>
 *   <li>Throughput: the events topic is pre-loaded with simulated traffic first, then a fresh job drains it; the rate
 *       is (outputs - 1) / (last output's timestamp - first output's timestamp), both Kafka CreateTimes stamped by
 *       the job's sink producer, so neither the producer nor the consumer is on the clock.</li>
 *   <li>Latency: a running job, a rate-limited producer that records each event's send time (System.nanoTime) and a
 *       consumer that records each recommendation's receive time; matched by {@code trigger_event_id}.</li>
 * </ul>
 *
 * <p>Candidates: {@code candidates.retrieval-n 100}, both co-visitation sources and recent items off,
 * {@code popular-n 100}, so
 * every event scores exactly 100 candidates (the K of the raw-model baseline).
 *
 * <p>Over 400 lines because throughput, the latency steps and the per-event trace share one harness (the job's
 * configuration, topic set-up and clean-up, the matching of outputs to events); splitting the harness from the three
 * measurements is the natural cut, left for when a fourth measurement arrives.
 */
final class PipelineBench {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final String bootstrap;
    private final Map<String, String> kafkaProperties;
    private final Map<String, String> extraConf;
    private final String runId = UUID.randomUUID().toString().substring(0, 8);
    private final java.io.PrintStream log;
    private final List<java.nio.file.Path> tempDirs = new ArrayList<>();
    /** Topics this bench created; {@link #cleanup} deletes them (each run writes about 1 GB to the broker). */
    private final List<String> createdTopics = new ArrayList<>();

    /**
     * linger.ms of the latency runs' load generator. A storefront's producer batches (Kafka 4's default is 5 ms);
     * with 0 every event was its own produce request and the generator, on the same two cores as the job, cost the
     * half-load step most of the machine's idle time (docs/BENCHMARKS.md). The clock starts before send(), so the
     * linger is inside the measured latency.
     */
    int producerLingerMs = 1;

    /**
     * The latency runs' load generator wakes at most once per this many microseconds and sends every event that is
     * due. One wake-up per event (0) cost the generator's thread about a tenth of a core at half load (a timed park,
     * a wake-up and a new producer batch each time) and the job's fetcher two points more, CPU taken from the job on
     * a 2-core machine; a storefront's producers run elsewhere (docs/BENCHMARKS.md, --send-tick-us). The schedule stays
     * absolute, so the offered rate is unchanged, and each event's clock starts when it is really sent.
     */
    int sendTickUs = 1000;

    /** Run the latency job in a JVM of its own ({@link JobProcess}) instead of this JVM's MiniCluster. */
    boolean jobInOwnJvm;

    /** If set, every measured event's send time (epoch ms) and latency go to this CSV, to line up with job logs. */
    java.nio.file.Path latencyTrace;

    /** The time span of the pre-loaded (simulated, so historical) events; empty until {@link #preload}. */
    private long preloadedMinTs = Long.MAX_VALUE;
    private long preloadedMaxTs = Long.MIN_VALUE;

    PipelineBench(String bootstrap, Map<String, String> extraConf, java.io.PrintStream log) {
        this(bootstrap, extraConf, Map.of(), log);
    }

    /** @param kafkaProperties Kafka client settings (SASL/TLS, ...) for every client of the bench and of its jobs */
    PipelineBench(String bootstrap, Map<String, String> extraConf, Map<String, String> kafkaProperties,
            java.io.PrintStream log) {
        this.bootstrap = bootstrap;
        this.extraConf = extraConf;
        this.kafkaProperties = kafkaProperties;
        this.log = log;
    }

    /** The job options every pipeline run uses: K = 100 candidates per event. */
    static Map<String, String> candidateSettings(int k) {
        Map<String, String> m = new HashMap<>();
        m.put("candidates.retrieval-n", Integer.toString(k));
        m.put("candidates.covisit-n", "0");
        m.put("candidates.online-covisit-n", "0");
        m.put("candidates.recent-enabled", "false");
        m.put("candidates.popular-n", Integer.toString(k));
        return m;
    }

    Topics.Names names(String tag) {
        String p = "bench-" + runId + "-" + tag + "-";
        return new Topics.Names(p + "events", p + "items", p + "recs", p + "dlq");
    }

    KafkaProducer<byte[], byte[]> producer(boolean bulk) {
        return new KafkaProducer<>(producerConfig(bulk));
    }

    /** The load generator's producer configuration: its defaults, then the user's {@code kafka.properties.*}. */
    Properties producerConfig(boolean bulk) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(bulk ? 10 : producerLingerMs));
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, bulk ? "262144" : "16384");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.putAll(kafkaProperties);
        return p;
    }

    /** The consumer configuration: its defaults, then the user's {@code kafka.properties.*}. */
    Properties consumerConfig() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "20");
        p.putAll(kafkaProperties);
        return p;
    }

    KafkaConsumer<byte[], byte[]> consumer(String topic) {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig());
        List<TopicPartition> parts = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (parts.isEmpty()) {
            List<PartitionInfo> info = c.partitionsFor(topic);
            if (info != null) {
                for (PartitionInfo pi : info) {
                    parts.add(new TopicPartition(topic, pi.partition()));
                }
            }
            if (parts.isEmpty() && System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " has no partitions");
            }
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    /** Simulated, well-formed traffic (no malformed records, no duplicates: every event yields one list). */
    static Simulator simulator(long seed, int users, boolean wallClock) {
        World world = new World(SimConfig.defaults().seed(seed).users(users));
        return new Simulator(world, 0.0, 0.0, wallClock ? System::currentTimeMillis : null);
    }

    /** Pre-loads {@code events} events (and the catalogue snapshot and updates) into the topics. */
    List<UserEvent> preload(Topics.Names names, int events, long seed, int users) throws Exception {
        createTopics(names);
        Simulator sim = simulator(seed, users, false);
        List<UserEvent> sent = new ArrayList<>(events);
        try (KafkaProducer<byte[], byte[]> p = producer(true)) {
            for (SimRecord r : sim.catalogueSnapshot()) {
                p.send(new ProducerRecord<>(names.items(), bytes(r.key()), r.value()));
            }
            while (sent.size() < events) {
                SimRecord r = sim.next();
                if (r.itemUpdate()) {
                    p.send(new ProducerRecord<>(names.items(), bytes(r.key()), r.value()));
                } else if (r.event() != null && !r.duplicate()) {
                    p.send(new ProducerRecord<>(names.events(), bytes(r.key()), r.value()));
                    sent.add(r.event());
                    preloadedMinTs = Math.min(preloadedMinTs, r.event().ts);
                    preloadedMaxTs = Math.max(preloadedMaxTs, r.event().ts);
                }
            }
            p.flush();
        }
        return sent;
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    Map<String, String> jobConf(Topics.Names names, String recsTopic, int parallelism, int k) throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("kafka.bootstrap-servers", bootstrap);
        m.put("kafka.group-id", "bench-" + UUID.randomUUID());
        m.put("kafka.starting-offsets", "earliest");
        m.put("topic.events", names.events());
        m.put("topic.items", names.items());
        m.put("topic.recommendations", recsTopic);
        m.put("topic.dlq", names.dlq());
        m.put("model.reload-interval", "0 s");
        m.put("parallelism.default", Integer.toString(parallelism));
        m.put("job.name", "streamrec-bench-p" + parallelism);
        java.nio.file.Path ckpt = Files.createTempDirectory("streamrec-bench-ckpt-");
        tempDirs.add(ckpt);
        m.put("execution.checkpointing.dir", ckpt.toUri().toString());
        m.putAll(candidateSettings(k));
        kafkaProperties.forEach((key, v) -> m.put(StreamrecConfig.KAFKA_PROPERTIES + key, v));
        m.putAll(extraConf);
        if (preloadedMinTs <= preloadedMaxTs) {
            // the pre-loaded events carry simulated time (from SimConfig's start): widen the job's event-time window to
            // them, as a replay does, or they would all be dead letters
            org.apache.flink.configuration.Configuration c = org.apache.flink.configuration.Configuration.fromMap(m);
            io.streamrec.eval.JobReplay.admitTimes(c, preloadedMinTs, preloadedMaxTs, System.currentTimeMillis());
            m.put(StreamrecOptions.EVENT_MAX_TS_PAST.key(), c.get(StreamrecOptions.EVENT_MAX_TS_PAST).toMillis() + " ms");
            m.put(StreamrecOptions.EVENT_MAX_TS_FUTURE.key(),
                    c.get(StreamrecOptions.EVENT_MAX_TS_FUTURE).toMillis() + " ms");
        }
        return m;
    }

    /** Throughput of one drain. */
    static final class Drain {
        final int parallelism;
        final int outputs;
        final double seconds;
        final double eventsPerSecond;
        final double steadyEventsPerSecond;
        /** Process CPU time (job + in-process broker + this consumer) per output, over the last 80% of outputs. */
        double cpuUsPerEvent;
        /** The same, per pipeline stage (Java threads by name; GC and JIT threads are not Java threads here). */
        final Map<String, Double> cpuByStage = new java.util.TreeMap<>();

        Drain(int parallelism, int outputs, double seconds, double eventsPerSecond, double steady) {
            this.parallelism = parallelism;
            this.outputs = outputs;
            this.seconds = seconds;
            this.eventsPerSecond = eventsPerSecond;
            this.steadyEventsPerSecond = steady;
        }
    }

    /** Starts a fresh job on the pre-loaded topic and measures how fast it drains it. */
    Drain drain(Topics.Names names, int expected, int parallelism, int k, Duration timeout) throws Exception {
        String recs = names.recommendations() + "-p" + parallelism + "-" + UUID.randomUUID().toString().substring(0, 4);
        createTopics(new Topics.Names(names.events(), names.items(), recs, names.dlq()));
        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(jobConf(names, recs, parallelism, k)));
        long[] ts = new long[expected];
        int n = 0;
        long cpu0 = 0;
        long cpu1 = 0;
        // CPU is measured over the last 80% of outputs: the first 20% include JIT compilation and job start-up.
        final int steadyFrom = Math.max(1, expected / 5);
        Map<Long, Object[]> threads0 = null;
        Map<Long, Object[]> threads1 = null;
        try (KafkaConsumer<byte[], byte[]> c = consumer(recs)) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (n < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("p=" + parallelism + ": only " + n + " of " + expected
                            + " recommendations within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (n < expected) {
                        ts[n++] = r.timestamp();
                        if (n == steadyFrom) {
                            cpu0 = processCpuNanos();
                            threads0 = threadCpu();
                        } else if (n == expected) {
                            cpu1 = processCpuNanos();
                            threads1 = threadCpu();
                        }
                    }
                }
            }
        } finally {
            cancel(job);
        }
        java.util.Arrays.sort(ts);
        double secs = Math.max(1, ts[n - 1] - ts[0]) / 1000.0;
        int skip = n / 5;
        double steadySecs = Math.max(1, ts[n - 1] - ts[skip]) / 1000.0;
        Drain d = new Drain(parallelism, n, secs, (n - 1) / secs, (n - 1 - skip) / steadySecs);
        int measured = Math.max(1, n - steadyFrom);
        d.cpuUsPerEvent = (cpu1 - cpu0) / 1e3 / measured;
        double attributed = 0;
        if (threads0 != null && threads1 != null) {
            for (Map.Entry<Long, Object[]> e : threads1.entrySet()) {
                Object[] before = threads0.get(e.getKey());
                long delta = (Long) e.getValue()[1] - (before == null ? 0L : (Long) before[1]);
                if (delta > 0) {
                    String name = (String) e.getValue()[0];
                    d.cpuByStage.merge(stage(name), delta / 1e3 / measured, Double::sum);
                    if (!name.startsWith("@")) { // GC and JIT figures are elapsed times, not thread CPU
                        attributed += delta / 1e3 / measured;
                    }
                }
            }
            d.cpuByStage.put("rest: JVM-internal threads (JIT compiler, GC) and native threads (RocksDB)",
                    Math.max(0, d.cpuUsPerEvent - attributed));
        }
        return d;
    }

    /** CPU time of every live thread of this JVM: id → {name, nanos}. */
    static Map<Long, Object[]> threadCpu() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<Long, Object[]> m = new HashMap<>();
        for (java.lang.management.ThreadInfo ti : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (ti == null) {
                continue;
            }
            long cpu = mx.getThreadCpuTime(ti.getThreadId());
            if (cpu >= 0) {
                m.put(ti.getThreadId(), new Object[]{ti.getThreadName(), cpu});
            }
        }
        // Not Java threads: JIT compiler and GC time (elapsed time of that work, reported by the JVM).
        long gcMs = 0;
        for (java.lang.management.GarbageCollectorMXBean gc
                : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMs += Math.max(0, gc.getCollectionTime());
        }
        m.put(-1L, new Object[]{"@gc", gcMs * 1_000_000L});
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        m.put(-2L, new Object[]{"@jit", jit == null ? 0L : jit.getTotalCompilationTime() * 1_000_000L});
        return m;
    }

    /** Which part of the pipeline a thread belongs to, from Flink's and Kafka's thread names. */
    static String stage(String t) {
        if (t.equals("@gc")) {
            return "GC (collection time)";
        }
        if (t.equals("@jit")) {
            return "JIT compilation (compile time)";
        }
        if (t.contains("user-state-candidates-rank")) {
            return "rank operator (state, candidates, ONNX)";
        }
        if (t.contains("catalog-filter-top-k")) {
            return "catalog filter + Kafka sink writer";
        }
        if (t.contains("user-events-source") || t.startsWith("Source Data Fetcher for Source: user-events")) {
            return "Kafka source + parse";
        }
        if (t.startsWith("kafka-producer-network-thread")) {
            return "Kafka producer I/O threads";
        }
        if (t.startsWith("data-plane-kafka") || t.startsWith("kafka-") || t.contains("raft")
                || t.startsWith("quorum-controller") || t.startsWith("ExpirationReaper")
                || t.startsWith("broker-") || t.startsWith("controller-") || t.contains("LogCleaner")) {
            return "Kafka broker (in-process)";
        }
        if (t.equals("main")) {
            return "bench consumer (main)";
        }
        if (t.startsWith("C2 CompilerThread") || t.startsWith("C1 CompilerThread")) {
            return "JIT compiler";
        }
        if (t.startsWith("GC ") || t.startsWith("G1 ") || t.contains("GC Thread")) {
            return "GC";
        }
        if (t.contains("rocksdb") || t.contains("AsyncOperations") || t.contains("Checkpoint")) {
            return "checkpointing / RocksDB background";
        }
        return "other (Flink runtime, metrics, item-updates, DLQ)";
    }

    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0;
    }

    private void createTopics(Topics.Names names) throws Exception {
        createdTopics.addAll(Topics.createIfMissing(bootstrap, kafkaProperties, names, 4, (short) 1));
    }

    /** Deletes the jobs' checkpoint directories and the topics this bench created. */
    void cleanup() {
        for (java.nio.file.Path d : tempDirs) {
            CheckpointBench.deleteRecursively(d);
        }
        tempDirs.clear();
        try {
            Topics.delete(bootstrap, kafkaProperties, createdTopics);
        } catch (Exception e) {
            log.println("    could not delete the bench's topics " + createdTopics + ": " + e);
        }
        createdTopics.clear();
    }

    static void cancel(JobClient job) {
        try {
            job.cancel().get(60, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the MiniCluster goes down with the JVM anyway
        }
    }

    /** Mean number of candidates the job scores per event on this traffic (replayed offline with the job's code). */
    static double meanCandidates(ModelBundle bundle, List<UserEvent> events, int k, int sample) {
        CandidateOptions o = new CandidateOptions();
        o.retrievalN = k;
        o.covisitN = 0;
        o.onlineCovisitN = 0;
        o.recentEnabled = false;
        o.popularN = k;
        CandidateGenerator g = new CandidateGenerator(bundle, o);
        int hist = Math.max(bundle.manifest().seqLen(), Math.max(bundle.manifest().covisitWindow(), 20));
        UserStateUpdater up = new UserStateUpdater(hist, 100, 64);
        Map<String, UserState> states = new HashMap<>();
        CandidateSet set = new CandidateSet();
        long total = 0;
        int m = Math.min(sample, events.size());
        for (int i = 0; i < m; i++) {
            UserEvent e = userEvent(events.get(i));
            UserState s = states.computeIfAbsent(e.userId, u -> new UserState());
            up.apply(s, e, bundle);
            final UserState user = s;
            g.generate(s.interest, s.histItems, s.histItems.length,
                    item -> contains(user.purchased, item), set);
            total += set.size();
        }
        return m == 0 ? 0 : total / (double) m;
    }

    /** The bench's view of a simulated event: ids, type, time and category, without the storefront's extras. */
    static UserEvent userEvent(UserEvent s) {
        UserEvent e = new UserEvent(s.eventId, s.userId, s.itemId, s.type, s.ts);
        e.category = s.category; // the state keeps a key per history event, so its size counts them
        return e;
    }

    private static boolean contains(String[] a, String v) {
        for (String x : a) {
            if (x.equals(v)) {
                return true;
            }
        }
        return false;
    }

    /** Latency at one offered rate. */
    static final class LatencyPoint {
        final double offeredPerSecond;
        final double achievedPerSecond;
        final int sent;
        final int received;
        final Stats latency;

        /**
         * Of the events slower than p99, the share sent in the busiest 1-s slot of a 10-s cycle (the checkpoint
         * interval): ~0.1-0.2 if the slow events are spread over time, near 1 if they come once per checkpoint.
         */
        double slowestInBusiestSecond;
        /** When the slowest 1% happened: each burst (slow events < 0.5 s apart), its start in seconds into the step. */
        List<Burst> bursts = List.of();
        /** Wall-clock start of the step (epoch ms), to line the bursts up with other processes' logs. */
        long stepStartEpochMs;

        /** A point read back from the JSON (three percentiles only). */
        static LatencyPoint fromJson(com.fasterxml.jackson.databind.JsonNode p) {
            long[] v = {(long) (p.path("p50").asDouble() * 1e6), (long) (p.path("p99").asDouble() * 1e6),
                    (long) (p.path("p999").asDouble() * 1e6)};
            // 1000 samples shaped so that the nearest-rank percentiles give back p50, p99 and p99.9
            long[] s = new long[1000];
            for (int i = 0; i < 1000; i++) {
                s[i] = i < 500 ? v[0] : i < 990 ? v[1] : i < 999 ? v[2] : v[2];
            }
            s[499] = v[0];
            return new LatencyPoint(p.path("offered_events_per_s").asDouble(),
                    p.path("achieved_events_per_s").asDouble(), p.path("sent").asInt(), p.path("received").asInt(),
                    new Stats(s, s.length));
        }

        LatencyPoint(double offered, double achieved, int sent, int received, Stats latency) {
            this.offeredPerSecond = offered;
            this.achievedPerSecond = achieved;
            this.sent = sent;
            this.received = received;
            this.latency = latency;
        }
    }

    /**
     * Starts one job and, after a warm-up, offers each rate in turn for {@code secondsPerRate}: event→recommendation
     * latency per rate, measured from just before {@code producer.send} to the consumer's poll returning the list.
     */
    List<LatencyPoint> latency(double[] rates, double secondsPerRate, int parallelism, int k, long seed, int users)
            throws Exception {
        Topics.Names names = names("lat-p" + parallelism);
        createTopics(names);
        brokerAppendTime(names.events());
        Map<String, Long> appendedAt = new ConcurrentHashMap<>();
        Simulator sim = simulator(seed, users, true);
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<long[]> received = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, String> conf = jobConf(names, names.recommendations(), parallelism, k);
        JobProcess own = jobInOwnJvm ? JobProcess.start(conf) : null;
        if (own != null) {
            log.printf("    job in its own JVM (pid %d, output in %s)%n", own.pid(), own.log());
        }
        JobClient job = own != null ? null : StreamrecJob.executeAsync(StreamrecConfig.fromMap(conf));
        List<LatencyPoint> points = new ArrayList<>();
        Thread consumerThread = null;
        try (KafkaProducer<byte[], byte[]> producer = producer(false)) {
            for (SimRecord r : sim.catalogueSnapshot()) {
                producer.send(new ProducerRecord<>(names.items(), bytes(r.key()), r.value()));
            }
            producer.flush();
            final KafkaConsumer<byte[], byte[]> c = consumer(names.recommendations());
            consumerThread = new Thread(() -> {
                try (c) {
                    while (!stop.get()) {
                        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                            long now = System.nanoTime();
                            String id = triggerEventId(r.value());
                            Long t0 = id == null ? null : sentAt.remove(id);
                            if (t0 != null) {
                                Long appended = appendedAt.remove(id);
                                received.add(new long[]{t0, now, r.timestamp(), appended == null ? -1 : appended});
                            }
                        }
                    }
                } catch (Exception e) {
                    if (!stop.get()) {
                        throw new IllegalStateException(e);
                    }
                }
            }, "bench-latency-consumer");
            consumerThread.setDaemon(true);
            consumerThread.start();

            // Warm-up: until the job answers promptly (job start, RocksDB, ORT session, JIT).
            // Two rounds, the second at the first measured rate, so JIT, RocksDB and ORT are warm before anything
            // is measured.
            for (double warmRate : new double[]{Math.max(50, rates[0]), rates[0]}) {
                offer(producer, sim, names, sentAt, appendedAt, warmRate, Math.max(1.5, secondsPerRate / 3),
                        sendTickUs);
                long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!sentAt.isEmpty() && System.nanoTime() < settle) {
                    if (own != null) {
                        own.checkAlive();
                    }
                    Thread.sleep(50);
                }
            }
            for (double rate : rates) {
                received.clear();
                sentAt.clear();
                long t0 = System.nanoTime();
                final long startNs = t0;
                final long startEpochMs = System.currentTimeMillis();
                appendedAt.clear();
                int sent = offer(producer, sim, names, sentAt, appendedAt, rate, secondsPerRate, sendTickUs);
                double sendSecs = (System.nanoTime() - t0) / 1e9;
                log.println("    load producer: " + producerDelays(producer));
                long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!sentAt.isEmpty() && System.nanoTime() < grace) {
                    Thread.sleep(20);
                }
                long[] lat;
                long[] sentNs;
                long[] emittedMs;
                long[] appendedMs;
                synchronized (received) {
                    lat = new long[received.size()];
                    sentNs = new long[received.size()];
                    emittedMs = new long[received.size()];
                    appendedMs = new long[received.size()];
                    for (int i = 0; i < lat.length; i++) {
                        lat[i] = received.get(i)[1] - received.get(i)[0];
                        sentNs[i] = received.get(i)[0];
                        emittedMs[i] = received.get(i)[2];
                        appendedMs[i] = received.get(i)[3];
                    }
                }
                LatencyPoint p = new LatencyPoint(rate, sent / sendSecs, sent, lat.length, new Stats(lat, lat.length));
                p.slowestInBusiestSecond = periodicity(lat, sentNs, p.latency.pNanos(0.99), 10_000_000_000L);
                p.bursts = stalls(lat, sentNs, p.latency.pNanos(0.99), startNs);
                p.stepStartEpochMs = startEpochMs;
                if (latencyTrace != null) {
                    trace(latencyTrace, points.size(), rate, lat, sentNs, appendedMs, emittedMs, startNs, startEpochMs);
                }
                log.printf("  latency p=%d at %.0f ev/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms (%d/%d);"
                                + " slowest 1%% in bursts at %s%n",
                        parallelism, rate, p.latency.pMs(0.5), p.latency.pMs(0.99), p.latency.pMs(0.999),
                        p.received, p.sent, p.bursts);
                points.add(p);
            }
        } finally {
            stop.set(true);
            if (consumerThread != null) {
                consumerThread.join(5000);
            }
            if (own != null) {
                own.close();
            } else {
                cancel(job);
            }
        }
        return points;
    }

    /** Writes one step's rows to the trace CSV: a new file (with its header) for the first step, appended after. */
    private static void trace(java.nio.file.Path file, int step, double rate, long[] lat, long[] sentNs,
                              long[] appendedMs, long[] emittedMs, long startNs, long startEpochMs)
            throws java.io.IOException {
        try (java.io.Writer w = step == 0 ? Files.newBufferedWriter(file, StandardCharsets.UTF_8)
                : Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
            if (step == 0) {
                // appended_epoch_ms: the broker's append time of the event (the latency topics use LogAppendTime;
                // -1 if the acknowledgement had not arrived); emitted_epoch_ms: the list's Kafka timestamp, stamped
                // by the job's catalog filter as it emits the list
                w.write("step,offered_events_per_s,sent_epoch_ms,appended_epoch_ms,emitted_epoch_ms,latency_ms\n");
            }
            // one reused builder and no String.format: the trace is written between steps in the JVM that hosts the
            // job, and 165,000 formatted rows of garbage would show up as GC in the next step's latencies
            StringBuilder row = new StringBuilder(64);
            String head = step + "," + Math.round(rate) + ",";
            for (int i = 0; i < lat.length; i++) {
                row.setLength(0);
                row.append(head);
                appendMillis(row, startEpochMs * 1_000_000L + (sentNs[i] - startNs));
                row.append(',').append(appendedMs[i]).append(',').append(emittedMs[i]).append(',');
                appendMillis(row, lat[i]);
                row.append('\n');
                w.append(row);
            }
        }
    }

    /** Nanoseconds as milliseconds with three decimals (rounded to the microsecond), e.g. {@code 1234.568}. */
    static void appendMillis(StringBuilder sb, long nanos) {
        long micros = Math.round(nanos / 1000.0);
        if (micros < 0) {
            sb.append('-');
            micros = -micros;
        }
        long frac = micros % 1000;
        sb.append(micros / 1000).append('.');
        if (frac < 100) {
            sb.append('0');
        }
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    /** A run of events slower than the step's p99, sent less than 0.5 s apart. */
    record Burst(double startS, double peakMs, int slowEvents) {
        @Override
        public String toString() {
            return String.format(java.util.Locale.ROOT, "%.1f s (%d, peak %.0f ms)", startS, slowEvents, peakMs);
        }
    }

    /** The bursts of events slower than {@code threshold}, in send order, with when they started and their peak. */
    static List<Burst> stalls(long[] lat, long[] sentNs, long threshold, long startNs) {
        List<long[]> slow = new ArrayList<>();
        for (int i = 0; i < lat.length; i++) {
            if (lat[i] > threshold) {
                slow.add(new long[]{sentNs[i], lat[i]});
            }
        }
        slow.sort(java.util.Comparator.comparingLong(x -> x[0]));
        List<Burst> bursts = new ArrayList<>();
        int from = 0;
        long peak = 0;
        for (int i = 0; i < slow.size(); i++) {
            peak = Math.max(peak, slow.get(i)[1]);
            if (i + 1 == slow.size() || slow.get(i + 1)[0] - slow.get(i)[0] > 500_000_000L) {
                bursts.add(new Burst(Math.round((slow.get(from)[0] - startNs) / 1e8) / 10.0, peak / 1e6, i + 1 - from));
                from = i + 1;
                peak = 0;
            }
        }
        return bursts;
    }

    static double periodicity(long[] lat, long[] sentNs, long threshold, long cycleNs) {
        if (lat.length == 0) {
            return 0;
        }
        long t0 = Long.MAX_VALUE;
        for (long t : sentNs) {
            t0 = Math.min(t0, t);
        }
        int slots = 10;
        int[] hist = new int[slots];
        int slow = 0;
        for (int i = 0; i < lat.length; i++) {
            if (lat[i] > threshold) {
                slow++;
                hist[(int) (((sentNs[i] - t0) % cycleNs) * slots / cycleNs)]++;
            }
        }
        int best = 0;
        for (int h : hist) {
            best = Math.max(best, h);
        }
        return slow == 0 ? 0 : best / (double) slow;
    }

    /**
     * Sends well-formed events at a fixed rate (absolute schedule, so a late send does not shift the rest), waking
     * at most once per {@code tickUs} and then sending all that are due.
     */
    private static int offer(KafkaProducer<byte[], byte[]> producer, Simulator sim, Topics.Names names,
                             Map<String, Long> sentAt, Map<String, Long> appendedAt, double rate, double seconds,
                             int tickUs) {
        long tickNs = TimeUnit.MICROSECONDS.toNanos(tickUs);
        long periodNs = (long) (1e9 / rate);
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        int sent = 0;
        long next = start;
        while (next < end) {
            long now = System.nanoTime();
            if (now < next) {
                LockSupport.parkNanos(Math.max(next - now, tickNs));
                continue;
            }
            SimRecord r = sim.next();
            if (r.itemUpdate()) {
                producer.send(new ProducerRecord<>(names.items(), bytes(r.key()), r.value()));
                continue;
            }
            if (r.event() == null || r.duplicate()) {
                continue;
            }
            String id = r.event().eventId;
            sentAt.put(id, System.nanoTime());
            producer.send(new ProducerRecord<>(names.events(), bytes(r.key()), r.value()), (md, e) -> {
                if (md != null && md.hasTimestamp()) {
                    appendedAt.put(id, md.timestamp()); // the broker's append time (LogAppendTime topic)
                }
            });
            sent++;
            next += periodNs;
        }
        return sent;
    }

    /**
     * The load producer's own delays over its last metric window (Kafka keeps two 30-s samples): how long records
     * waited in its buffer and how long produce requests took to be acknowledged. A latency burst that shows here
     * happened between the generator and the broker, not in the job.
     */
    static String producerDelays(KafkaProducer<?, ?> producer) {
        Map<String, Double> m = new java.util.TreeMap<>();
        for (var e : producer.metrics().entrySet()) {
            var name = e.getKey();
            if (name.group().equals("producer-metrics") && (name.name().equals("record-queue-time-max")
                    || name.name().equals("record-queue-time-avg") || name.name().equals("request-latency-max")
                    || name.name().equals("request-latency-avg"))) {
                Object v = e.getValue().metricValue();
                if (v instanceof Number n) {
                    m.put(name.name(), n.doubleValue());
                }
            }
        }
        return String.format(java.util.Locale.ROOT, "record queue time avg %.1f ms, max %.0f ms; request latency "
                + "avg %.1f ms, max %.0f ms", m.getOrDefault("record-queue-time-avg", Double.NaN),
                m.getOrDefault("record-queue-time-max", Double.NaN), m.getOrDefault("request-latency-avg", Double.NaN),
                m.getOrDefault("request-latency-max", Double.NaN));
    }

    /**
     * Makes the broker stamp each record of {@code topic} with its append time, which the producer's acknowledgement
     * then carries: the latency trace can then split a list's latency at the broker. Only the bench's own topics.
     */
    private void brokerAppendTime(String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Topics.adminConfig(bootstrap, kafkaProperties))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            var op = new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("message.timestamp.type", "LogAppendTime"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(30, TimeUnit.SECONDS);
        }
    }

    static String triggerEventId(byte[] json) {
        // "trigger_event_id":"..." — a scan instead of a full parse keeps the consumer off the clock.
        String s = new String(json, StandardCharsets.UTF_8);
        int i = s.indexOf("\"trigger_event_id\"");
        if (i < 0) {
            return null;
        }
        int q1 = s.indexOf('"', s.indexOf(':', i) + 1);
        int q2 = s.indexOf('"', q1 + 1);
        return q1 < 0 || q2 < 0 ? null : s.substring(q1 + 1, q2);
    }
}
