package io.streamrec.bench;

import io.streamrec.event.UserEventJson;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency runs' open-loop load generator, run in a JVM of its own ({@link LoadProcess} starts it): simulated
 * events sent on an absolute schedule at a fixed rate. Open loop so that a slow job does not slow the offered load
 * down; in its own process so that the job's (or the bench's) GC pauses and stalls cannot delay the sends unseen.
 *
 * <p>Each event carries its <em>scheduled</em> send time: its {@code ts} is the scheduled time in epoch ms, and its
 * event id is {@code <step>.<scheduled epoch µs>.<simulator's id>}. The job passes the id through as the list's
 * {@code trigger_event_id}, so the consumer ({@link LatencyRecorder}) clocks each list from the time its event was
 * due, not from when it was really sent: a send delayed by the generator itself still counts (no coordinated
 * omission).
 *
 * <p>Protocol on stdin/stdout (lines starting with {@code @@}, anything else is log output): the parent first writes
 * the producer's properties ({@link Properties#store} format) and {@code @@end}; the child answers {@code @@ready}
 * once the catalogue snapshot is sent. Then {@code @@offer TAG RATE SECONDS} answered by
 * {@code @@done SENT ANCHOR_EPOCH_US}, and {@code @@quit}.
 */
final class LoadGenerator {
    static final String PREFIX = "@@";

    private final KafkaProducer<byte[], byte[]> producer;
    private final Simulator sim;
    private final String eventsTopic;
    private final String itemsTopic;
    private final long tickNs;
    /** Event id → the broker's append time (epoch ms), only when a trace is written (else null). */
    private final Map<String, Long> appendedAt;
    /** The scheduled time of the event being generated, epoch µs: the simulator's clock. */
    private long scheduledUs;

    LoadGenerator(KafkaProducer<byte[], byte[]> producer, long seed, int users, String eventsTopic, String itemsTopic,
                  int tickUs, boolean recordAppends) {
        this.producer = producer;
        this.sim = BenchTraffic.simulator(seed, users, () -> scheduledUs / 1000);
        this.eventsTopic = eventsTopic;
        this.itemsTopic = itemsTopic;
        this.tickNs = TimeUnit.MICROSECONDS.toNanos(tickUs);
        this.appendedAt = recordAppends ? new ConcurrentHashMap<>() : null;
    }

    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    void sendCatalogue() {
        scheduledUs = epochMicros();
        for (SimRecord r : sim.catalogueSnapshot()) {
            producer.send(new ProducerRecord<>(itemsTopic, bytes(r.key()), r.value()));
        }
        producer.flush();
    }

    /**
     * Sends well-formed events at a fixed rate for {@code seconds}: the i-th is due at start + i / rate (absolute, so
     * a late send does not shift the rest); the generator wakes at most once per tick and sends all that are due,
     * each stamped with its own due time. Returns {sent, the schedule's start in epoch µs}.
     */
    long[] offer(String tag, double rate, double seconds) {
        long periodNs = (long) (1e9 / rate);
        long anchorUs = epochMicros();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long sent = 0;
        long next = start;
        while (next < end) {
            long now = System.nanoTime();
            if (now < next) {
                LockSupport.parkNanos(Math.max(next - now, tickNs));
                continue;
            }
            scheduledUs = anchorUs + (next - start) / 1000;
            SimRecord r = sim.next();
            if (r.itemUpdate()) {
                producer.send(new ProducerRecord<>(itemsTopic, bytes(r.key()), r.value()));
                continue;
            }
            if (r.event() == null || r.duplicate()) {
                continue;
            }
            var e = r.event();
            String id = tag + "." + scheduledUs + "." + e.eventId;
            e.eventId = id;
            byte[] value = UserEventJson.toJsonBytes(e);
            if (appendedAt == null) {
                producer.send(new ProducerRecord<>(eventsTopic, bytes(r.key()), value));
            } else {
                producer.send(new ProducerRecord<>(eventsTopic, bytes(r.key()), value), (md, ex) -> {
                    if (md != null && md.hasTimestamp()) {
                        appendedAt.put(id, md.timestamp()); // the broker's append time (LogAppendTime topic)
                    }
                });
            }
            sent++;
            next += periodNs;
        }
        producer.flush();
        return new long[]{sent, anchorUs};
    }

    /** Writes and forgets the append times recorded so far: {@code id,epoch ms} lines. */
    void writeAppends(Path file) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        for (var e : appendedAt.entrySet()) {
            sb.append(e.getKey()).append(',').append(e.getValue()).append('\n');
        }
        appendedAt.clear();
        Files.writeString(file, sb.toString());
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

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The child process: {@code LoadGenerator SEED USERS ITEMS EVENTS_TOPIC ITEMS_TOPIC TICK_US [APPENDS_DIR]}, the
     * producer's properties on stdin, then commands (see the class comment).
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
                StandardCharsets.UTF_8);
        System.setOut(System.err); // only the protocol goes to stdout
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder props = new StringBuilder();
        for (String line = in.readLine(); line != null && !line.equals(PREFIX + "end"); line = in.readLine()) {
            props.append(line).append('\n');
        }
        Properties p = new Properties();
        p.load(new StringReader(props.toString()));
        BenchTraffic.items = Integer.parseInt(args[2]);
        Path appends = args.length > 6 ? Path.of(args[6]) : null;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            LoadGenerator g = new LoadGenerator(producer, Long.parseLong(args[0]), Integer.parseInt(args[1]),
                    args[3], args[4], Integer.parseInt(args[5]), appends != null);
            g.sendCatalogue();
            out.println(PREFIX + "ready");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                String[] c = line.split(" ");
                if (c[0].equals(PREFIX + "quit")) {
                    break;
                }
                if (c[0].equals(PREFIX + "offer")) {
                    long[] r = g.offer(c[1], Double.parseDouble(c[2]), Double.parseDouble(c[3]));
                    if (appends != null) {
                        g.writeAppends(appends.resolve("appended-" + c[1] + ".csv"));
                    }
                    System.err.println("    load producer: " + producerDelays(producer));
                    out.println(PREFIX + "done " + r[0] + " " + r[1]);
                }
            }
        }
    }
}
