package io.streamrec.bench;

import io.streamrec.kafka.Topics;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The latency runs' open-loop load generator: simulated events sent on an absolute schedule at a fixed rate, each
 * one's send time recorded (and the broker's append time once acknowledged) for {@link LatencyRecorder} to match
 * against the recommendations. Open loop so that a slow job does not slow the offered load down and hide its own
 * latency; a class of its own because the schedule and its tick are the part of the bench that decides what load the
 * job sees.
 */
final class LoadGenerator {
    private final KafkaProducer<byte[], byte[]> producer;
    private final Simulator sim;
    private final Topics.Names names;
    private final Map<String, Long> sentAt;
    private final Map<String, Long> appendedAt;
    private final long tickNs;

    /**
     * @param sentAt     event id → System.nanoTime just before its send
     * @param appendedAt event id → the broker's append time (epoch ms) from its acknowledgement
     * @param tickUs     the generator wakes at most once per this many µs ({@link PipelineBench#sendTickUs})
     */
    LoadGenerator(KafkaProducer<byte[], byte[]> producer, Simulator sim, Topics.Names names,
                  Map<String, Long> sentAt, Map<String, Long> appendedAt, int tickUs) {
        this.producer = producer;
        this.sim = sim;
        this.names = names;
        this.sentAt = sentAt;
        this.appendedAt = appendedAt;
        this.tickNs = TimeUnit.MICROSECONDS.toNanos(tickUs);
    }

    /**
     * Sends well-formed events at a fixed rate (absolute schedule, so a late send does not shift the rest), waking
     * at most once per tick and then sending all that are due.
     */
    int offer(double rate, double seconds) {
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

    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
