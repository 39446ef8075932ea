package io.streamrec.bench;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The latency runs' output side: a consumer thread that matches each recommendation to the event that triggered it
 * (by {@code trigger_event_id}) and records the event's send time, the list's receive time, the list's Kafka
 * timestamp and the event's broker append time; then a step's samples as arrays, and the per-event trace CSV.
 * A class of its own so that what is on the clock (a scan of the id, no JSON parse) is in one place, apart from the
 * load it measures ({@link LoadGenerator}) and the run around both ({@link PipelineBench#latency}).
 */
final class LatencyRecorder implements AutoCloseable {
    /** Event id → System.nanoTime just before its send; removed when its list arrives. */
    final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    /** Event id → the broker's append time (epoch ms), from the send's acknowledgement. */
    final Map<String, Long> appendedAt = new ConcurrentHashMap<>();
    /** {sent ns, received ns, list's Kafka timestamp, event's append time or -1} per matched list. */
    private final List<long[]> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread consumerThread;

    /** One step's matched lists, in arrival order. */
    record Samples(long[] lat, long[] sentNs, long[] emittedMs, long[] appendedMs) {
    }

    /** Starts polling {@code c} on a daemon thread; the thread closes it when {@link #close} stops it. */
    void start(KafkaConsumer<byte[], byte[]> c) {
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
    }

    /** Whether some sent events have no list yet. */
    boolean pending() {
        return !sentAt.isEmpty();
    }

    /** Forgets the lists received so far and the events still waiting for one (the start of a step). */
    void clear() {
        received.clear();
        sentAt.clear();
        appendedAt.clear();
    }

    /** The lists matched since the last {@link #clear}. */
    Samples samples() {
        synchronized (received) {
            long[] lat = new long[received.size()];
            long[] sentNs = new long[received.size()];
            long[] emittedMs = new long[received.size()];
            long[] appendedMs = new long[received.size()];
            for (int i = 0; i < lat.length; i++) {
                lat[i] = received.get(i)[1] - received.get(i)[0];
                sentNs[i] = received.get(i)[0];
                emittedMs[i] = received.get(i)[2];
                appendedMs[i] = received.get(i)[3];
            }
            return new Samples(lat, sentNs, emittedMs, appendedMs);
        }
    }

    /** Stops the consumer thread (waits up to 5 s for it). */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (consumerThread != null) {
            consumerThread.join(5000);
        }
    }

    /** Writes one step's rows to the trace CSV: a new file (with its header) for the first step, appended after. */
    static void trace(java.nio.file.Path file, int step, double rate, long[] lat, long[] sentNs,
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
