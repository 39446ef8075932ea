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
 * (by {@code trigger_event_id}, which carries the step's tag and the event's <em>scheduled</em> send time, see
 * {@link LoadGenerator}) and records the scheduled time, the list's receive time and the list's Kafka timestamp (its
 * emit time, stamped by the job); then a step's samples as arrays, and the per-event trace CSV. Two latencies per list:
 * scheduled → received by this consumer (the headline: what a storefront waits) and scheduled → emitted by the job
 * (ms resolution; without the sink producer, the broker and this consumer). Both clocks are the host's wall clock, read
 * in two processes. A class of its own so that what is on the clock (a scan of the id, no JSON parse) is in one place.
 */
final class LatencyRecorder implements AutoCloseable {
    /** Step tag → the matched lists. */
    private final Map<String, List<Row>> received = new ConcurrentHashMap<>();

    /** One matched list: its event's scheduled time and its receive time (epoch µs), its Kafka timestamp (ms). */
    private record Row(String eventId, long scheduledUs, long receivedUs, long emittedMs) {
    }
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread consumerThread;

    /**
     * One step's matched lists, in arrival order: latency (scheduled → received, ns), to the job's emit (ns, from a
     * ms timestamp), the scheduled time (epoch ns) and the list's emit time (epoch ms).
     */
    record Samples(long[] lat, long[] toEmit, long[] scheduledNs, long[] emittedMs, String[] eventIds) {
    }

    /** Starts polling {@code c} on a daemon thread; the thread closes it when {@link #close} stops it. */
    void start(KafkaConsumer<byte[], byte[]> c) {
        consumerThread = new Thread(() -> {
            try (c) {
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                        long now = LoadGenerator.epochMicros();
                        String id = triggerEventId(r.value());
                        long scheduled = scheduledMicros(id);
                        if (scheduled >= 0) {
                            received.computeIfAbsent(id.substring(0, id.indexOf('.')),
                                    t -> java.util.Collections.synchronizedList(new ArrayList<>()))
                                    .add(new Row(id, scheduled, now, r.timestamp()));
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

    /** How many lists of step {@code tag} have arrived. */
    int received(String tag) {
        List<Row> l = received.get(tag);
        return l == null ? 0 : l.size();
    }

    /** Waits until {@code expected} lists of step {@code tag} have arrived, at most {@code seconds}. */
    void await(String tag, int expected, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (received(tag) < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** The lists matched for step {@code tag} (and forgets them). */
    Samples samples(String tag) {
        List<Row> l = received.remove(tag);
        l = l == null ? List.of() : l;
        synchronized (l) {
            int n = l.size();
            long[] lat = new long[n];
            long[] toEmit = new long[n];
            long[] scheduledNs = new long[n];
            long[] emittedMs = new long[n];
            String[] ids = new String[n];
            for (int i = 0; i < n; i++) {
                Row x = l.get(i);
                lat[i] = (x.receivedUs() - x.scheduledUs()) * 1000;
                toEmit[i] = x.emittedMs() * 1_000_000L - x.scheduledUs() * 1000;
                scheduledNs[i] = x.scheduledUs() * 1000;
                emittedMs[i] = x.emittedMs();
                ids[i] = x.eventId();
            }
            return new Samples(lat, toEmit, scheduledNs, emittedMs, ids);
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

    /**
     * Writes one step's rows to the trace CSV: a new file (with its header) for the first step, appended after.
     * {@code appended}: event id → the broker's append time (epoch ms), from the load generator.
     */
    static void trace(java.nio.file.Path file, boolean first, String step, double rate, Samples s,
                      Map<String, Long> appended)
            throws java.io.IOException {
        try (java.io.Writer w = first ? Files.newBufferedWriter(file, StandardCharsets.UTF_8)
                : Files.newBufferedWriter(file, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND)) {
            if (first) {
                // scheduled_epoch_ms: when the event was due (the latency's start); appended_epoch_ms: the broker's
                // append time of the event (the latency topics use LogAppendTime; -1 if unknown); emitted_epoch_ms:
                // the list's Kafka timestamp, stamped by the job's catalog filter as it emits the list
                w.write("step,offered_events_per_s,scheduled_epoch_ms,appended_epoch_ms,emitted_epoch_ms,"
                        + "latency_ms\n");
            }
            // one reused builder and no String.format: 165,000 formatted rows of garbage would show up as GC in the
            // next step's latencies of a job in this JVM
            StringBuilder row = new StringBuilder(64);
            String head = step + "," + Math.round(rate) + ",";
            for (int i = 0; i < s.lat().length; i++) {
                row.setLength(0);
                row.append(head);
                appendMillis(row, s.scheduledNs()[i]);
                row.append(',').append(appended.getOrDefault(s.eventIds()[i], -1L)).append(',')
                        .append(s.emittedMs()[i]).append(',');
                appendMillis(row, s.lat()[i]);
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

    /**
     * The scheduled send time (epoch µs) a {@link LoadGenerator} event id carries ({@code <step>.<µs>.<id>}), or -1
     * for any other id (e.g. a list of an event the bench did not send).
     */
    static long scheduledMicros(String eventId) {
        int d1 = eventId == null ? -1 : eventId.indexOf('.');
        int d2 = d1 < 0 ? -1 : eventId.indexOf('.', d1 + 1);
        if (d2 <= d1 + 1) {
            return -1;
        }
        try {
            return Long.parseLong(eventId, d1 + 1, d2, 10);
        } catch (NumberFormatException e) {
            return -1;
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
