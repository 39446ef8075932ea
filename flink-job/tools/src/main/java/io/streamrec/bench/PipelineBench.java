package io.streamrec.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.UserEvent;
import io.streamrec.job.StreamrecJob;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
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

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Sections 2 and 3: the whole job (StreamrecJob wired to Kafka, local MiniCluster, RocksDB, incremental checkpoints
 * at the job's default interval, at-least-once) against a real broker, in the configuration {@link #profileConf} says
 * ({@code --config}: the job's defaults, or the evaluated configuration; every candidate source as configured).
 *
 * <ul>
 *   <li>Throughput: the events topic is pre-loaded with simulated traffic first, then a fresh job drains it; the rate
 *       is (outputs - 1) / (last output's timestamp - first output's timestamp), both Kafka CreateTimes stamped by
 *       the job's sink producer, so neither the producer nor the consumer is on the clock. Process CPU per event is
 *       split by thread, and the rank thread's share into model and operator by the job's ONNX call histogram.</li>
 *   <li>Latency: {@link LatencyBench}.</li>
 * </ul>
 *
 * <p>This class is the harness: the job's configuration, the topics and their clean-up, the Kafka clients, the
 * pre-load, the drains. The rest is in focused classes: {@link LatencyBench}, {@link LoadGenerator} (in its own JVM,
 * {@link LoadProcess}), {@link LatencyRecorder}, {@link Drain} and {@link LatencyPoint} (the figures) and
 * {@link BenchTraffic} (the simulated traffic).
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
     * half-load step most of the machine's idle time (docs/BENCHMARKS.md). The clock starts at the scheduled send,
     * so the linger is inside the measured latency.
     */
    int producerLingerMs = 1;

    /**
     * The latency runs' load generator wakes at most once per this many microseconds and sends every event that is
     * due. One wake-up per event (0) cost the generator's thread about a tenth of a core at half load (a timed park,
     * a wake-up and a new producer batch each time) and the job's fetcher two points more, CPU taken from the job on
     * a 2-core machine; a storefront's producers run elsewhere (docs/BENCHMARKS.md, --send-tick-us). The schedule stays
     * absolute, so the offered rate is unchanged, and each event's clock starts when it was due (the tick's wait is
     * inside the measured latency).
     */
    int sendTickUs = 1000;

    /** Run the latency job in a JVM of its own ({@link JobProcess}) instead of this JVM's MiniCluster. */
    boolean jobInOwnJvm;

    /** If set, every measured event's scheduled time (epoch ms) and latency go to this CSV, to line up with logs. */
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

    /**
     * The job options of the measured configuration ({@link BenchProfile}) and the bundle ({@code model.path}); the
     * user's {@code --job-conf} goes over them.
     */
    Map<String, String> profileConf = Map.of();

    String bootstrap() {
        return bootstrap;
    }

    Map<String, String> kafkaProperties() {
        return kafkaProperties;
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

    /** Pre-loads {@code events} events (and the catalogue snapshot and updates) into the topics. */
    List<UserEvent> preload(Topics.Names names, int events, long seed, int users) throws Exception {
        createTopics(names);
        Simulator sim = BenchTraffic.simulator(seed, users, false);
        List<UserEvent> sent = new ArrayList<>(events);
        try (KafkaProducer<byte[], byte[]> p = producer(true)) {
            for (SimRecord r : sim.catalogueSnapshot()) {
                p.send(new ProducerRecord<>(names.items(), LoadGenerator.bytes(r.key()), r.value()));
            }
            while (sent.size() < events) {
                SimRecord r = sim.next();
                if (r.itemUpdate()) {
                    p.send(new ProducerRecord<>(names.items(), LoadGenerator.bytes(r.key()), r.value()));
                } else if (r.event() != null && !r.duplicate()) {
                    p.send(new ProducerRecord<>(names.events(), LoadGenerator.bytes(r.key()), r.value()));
                    sent.add(r.event());
                    preloadedMinTs = Math.min(preloadedMinTs, r.event().ts);
                    preloadedMaxTs = Math.max(preloadedMaxTs, r.event().ts);
                }
            }
            p.flush();
        }
        return sent;
    }

    Map<String, String> jobConf(Topics.Names names, String recsTopic, int parallelism) throws Exception {
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
        m.putAll(profileConf);
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

    /** Starts a fresh job on the pre-loaded topic and measures how fast it drains it. */
    Drain drain(Topics.Names names, int expected, int parallelism, Duration timeout) throws Exception {
        String recs = names.recommendations() + "-p" + parallelism + "-" + UUID.randomUUID().toString().substring(0, 4);
        createTopics(new Topics.Names(names.events(), names.items(), recs, names.dlq()));
        Map<String, String> conf = jobConf(names, recs, parallelism);
        conf.put(MetricCapture.CONF_KEY, MetricCapture.class.getName()); // the model's share of the rank thread
        MetricCapture.reset();
        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(conf));
        double[] inf0 = null;
        double[] inf1 = null;
        long[] ts = new long[expected];
        int n = 0;
        long cpu0 = 0;
        long cpu1 = 0;
        // CPU is measured over the last 80% of outputs: the first 20% include JIT compilation and job start-up.
        final int steadyFrom = Math.max(1, expected / 5);
        Map<Long, Object[]> threads0 = null;
        Map<Long, Object[]> threads1 = null;
        long scored = 0;
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
                            cpu0 = Drain.processCpuNanos();
                            threads0 = Drain.threadCpu();
                            inf0 = MetricCapture.inference();
                        } else if (n == expected) {
                            cpu1 = Drain.processCpuNanos();
                            threads1 = Drain.threadCpu();
                            inf1 = MetricCapture.inference();
                        }
                    }
                }
            }
            scored = MetricCapture.candidatesScored();
        } finally {
            cancel(job);
        }
        Drain d = Drain.of(parallelism, ts, n, steadyFrom, cpu0, cpu1, threads0, threads1, inf0, inf1,
                Thread.currentThread().getId());
        d.candidatesPerEvent = scored > 0 ? scored / (double) n : Double.NaN;
        return d;
    }

    void createTopics(Topics.Names names) throws Exception {
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
}
