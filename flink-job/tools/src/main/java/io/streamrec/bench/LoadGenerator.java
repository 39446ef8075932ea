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
    /** How long the generator waits after generating a step, before its clock starts. */
    static final long SETTLE_MS = 1000;

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
     *
     * <p>The step's records are generated before its clock starts ({@link Step}), so the send loop only stamps and
     * sends them. Simulating while sending mutated the 1M-user world in the old generation on every event, and the
     * young collections that scanned those dirty cards paused the sends for 30–180 ms every ~9 s: delays of the
     * generator that the scheduled-time clock rightly counts, but that no storefront would add.
     */
    long[] offer(String tag, double rate, double seconds) {
        long periodNs = (long) (1e9 / rate);
        long t0 = System.nanoTime();
        Step step = generate(tag, periodNs, (long) (seconds * 1e9));
        // Settle before the clock starts: a full collection now, not young and mixed ones in the step's first
        // seconds (the generation's garbage), and a pause for the job to go idle again.
        System.gc();
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SETTLE_MS));
        System.err.printf(java.util.Locale.ROOT, "    load generator: %d records of step %s generated and settled in "
                + "%.1f s%n", step.size, tag, (System.nanoTime() - t0) / 1e9);
        long anchorUs = epochMicros();
        long shiftUs = anchorUs - step.anchorUs;
        long start = System.nanoTime();
        long sent = 0;
        int i = 0;
        while (i < step.size) {
            long due = start + step.dueNs[i];
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(Math.max(due - now, tickNs));
                continue;
            }
            byte[] value = step.values[i];
            if (step.tsPos[i] < 0) {
                producer.send(new ProducerRecord<>(itemsTopic, step.keys[i], value));
            } else {
                step.stamp(i, shiftUs);
                send(step.keys[i], value, step.idPos[i] - step.tag.length() - 1, step.idEnd[i]);
                sent++;
            }
            step.keys[i] = null; // sent: let the collector have it
            step.values[i] = null;
            i++;
        }
        producer.flush();
        return new long[]{sent, anchorUs};
    }

    private void send(byte[] key, byte[] value, int idStart, int idEnd) {
        if (appendedAt == null) {
            producer.send(new ProducerRecord<>(eventsTopic, key, value));
            return;
        }
        String id = new String(value, idStart, idEnd - idStart, StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(eventsTopic, key, value), (md, ex) -> {
            if (md != null && md.hasTimestamp()) {
                appendedAt.put(id, md.timestamp()); // the broker's append time (LogAppendTime topic)
            }
        });
    }

    /**
     * One step's records, generated on a provisional schedule from {@link #anchorUs}: every event's {@code ts} and the
     * due time in its id are fixed-width digits at known offsets, rewritten to the real schedule when it is sent.
     */
    static final class Step {
        static final int MS_DIGITS = 13; // epoch ms until the year 2286
        static final int US_DIGITS = 16;
        final String tag;
        final long anchorUs;
        int size;
        long[] dueNs = new long[1024];
        byte[][] keys = new byte[1024][];
        byte[][] values = new byte[1024][];
        /** Offsets of the ts digits and the id's due-time digits (the id starts with "TAG."); -1 for an item update. */
        int[] tsPos = new int[1024];
        int[] idPos = new int[1024];
        int[] idEnd = new int[1024];

        Step(String tag, long anchorUs) {
            this.tag = tag;
            this.anchorUs = anchorUs;
        }

        /** Moves event {@code i} from the provisional schedule to the real one, {@code shiftUs} later. */
        void stamp(int i, long shiftUs) {
            long plannedUs = anchorUs + dueNs[i] / 1000;
            long dueUs = plannedUs + shiftUs;
            long ts = readDigits(values[i], tsPos[i], MS_DIGITS) + dueUs / 1000 - plannedUs / 1000;
            writeDigits(values[i], tsPos[i], ts, MS_DIGITS);
            writeDigits(values[i], idPos[i], dueUs, US_DIGITS);
        }

        void add(long due, byte[] key, byte[] value, int ts, int id, int end) {
            if (size == keys.length) {
                int n = size * 2;
                dueNs = java.util.Arrays.copyOf(dueNs, n);
                keys = java.util.Arrays.copyOf(keys, n);
                values = java.util.Arrays.copyOf(values, n);
                tsPos = java.util.Arrays.copyOf(tsPos, n);
                idPos = java.util.Arrays.copyOf(idPos, n);
                idEnd = java.util.Arrays.copyOf(idEnd, n);
            }
            dueNs[size] = due;
            keys[size] = key;
            values[size] = value;
            tsPos[size] = ts;
            idPos[size] = id;
            idEnd[size] = end;
            size++;
        }
    }

    /** Runs the simulator over the step's schedule: the events due in {@code durationNs}, item updates in between. */
    Step generate(String tag, long periodNs, long durationNs) {
        Step step = new Step(tag, epochMicros());
        byte[] tsKey = ",\"ts\":".getBytes(StandardCharsets.UTF_8);
        for (long due = 0; due < durationNs; ) {
            scheduledUs = step.anchorUs + due / 1000;
            SimRecord r = sim.next();
            if (r.itemUpdate()) {
                step.add(due, bytes(r.key()), r.value(), -1, -1, -1);
                continue;
            }
            if (r.event() == null || r.duplicate()) {
                continue;
            }
            var e = r.event();
            String prefix = tag + "." + scheduledUs;
            e.eventId = prefix + "." + e.eventId;
            byte[] value = UserEventJson.toJsonBytes(e);
            int id = indexOf(value, prefix.getBytes(StandardCharsets.UTF_8), 0) + tag.length() + 1;
            int ts = indexOf(value, tsKey, 0) + tsKey.length;
            int end = id;
            while (value[end] != '"') {
                end++;
            }
            if (digitsAt(value, id) != Step.US_DIGITS || digitsAt(value, ts) != Step.MS_DIGITS) {
                throw new IllegalStateException("load generator: unexpected event JSON " + new String(value,
                        StandardCharsets.UTF_8));
            }
            step.add(due, bytes(r.key()), value, ts, id, end);
            due += periodNs;
        }
        return step;
    }

    static int digitsAt(byte[] b, int pos) {
        int n = 0;
        while (pos + n < b.length && b[pos + n] >= '0' && b[pos + n] <= '9') {
            n++;
        }
        return n;
    }

    static int indexOf(byte[] b, byte[] needle, int from) {
        outer:
        for (int i = from; i <= b.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("load generator: " + new String(needle, StandardCharsets.UTF_8)
                + " not in the event JSON");
    }

    static long readDigits(byte[] b, int pos, int width) {
        long v = 0;
        for (int i = pos; i < pos + width; i++) {
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /** Writes {@code v} as exactly {@code width} decimal digits at {@code pos}. */
    static void writeDigits(byte[] b, int pos, long v, int width) {
        for (int i = pos + width - 1; i >= pos; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        if (v != 0) {
            throw new IllegalStateException("load generator: a time outgrew its " + width + " digits");
        }
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
