package io.streamrec.lifecycle;

import io.streamrec.event.UserEvent;
import io.streamrec.eval.EventLogReader;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The window of {@code user-events} a retrain cycle learns from. From Kafka: every partition from the first record
 * whose timestamp is within {@code window} of now (offsetsForTimes) and/or the last {@code maxEvents} records, up to
 * the end offsets taken at the start, so a cycle reads a fixed slice however fast the topic grows; the values are
 * written as JSON lines and read with the evaluator's {@link EventLogReader} (the same rules, bad rows counted). From
 * a file in the topic's record format, e.g. one written by {@code simulate}, the window ends at its newest event.
 */
final class EventWindow {
    private EventWindow() {}

    /** Events sorted by time, and the rows that could not be used, by reason. */
    record Read(List<UserEvent> events, Map<String, Integer> badRows, String source) {}

    /**
     * Reads the window from Kafka into {@code jsonl} and parses it.
     *
     * @param window    records with a timestamp at most this old (null: no time bound)
     * @param maxEvents at most the newest this many events (Long.MAX_VALUE: no bound)
     */
    static Read fromKafka(String bootstrap, String topic, Map<String, String> kafkaProperties, Duration window,
                          long maxEvents, Path jsonl) throws IOException {
        Properties p = TopicReading.consumerProperties(bootstrap, kafkaProperties);
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
             OutputStream out = new BufferedOutputStream(Files.newOutputStream(jsonl), 1 << 16)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IOException("topic " + topic + " does not exist on " + bootstrap);
            }
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo i : infos) {
                tps.add(new TopicPartition(topic, i.partition()));
            }
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
            Map<TopicPartition, Long> begin = c.beginningOffsets(tps, Duration.ofSeconds(30));
            Map<TopicPartition, Long> start = new HashMap<>(begin);
            if (window != null) {
                Map<TopicPartition, Long> query = new HashMap<>();
                long from = System.currentTimeMillis() - window.toMillis();
                tps.forEach(tp -> query.put(tp, from));
                Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, Duration.ofSeconds(30));
                for (TopicPartition tp : tps) {
                    OffsetAndTimestamp o = found.get(tp);
                    start.put(tp, o == null ? end.get(tp) : Math.max(begin.get(tp), o.offset()));
                }
            }
            if (maxEvents != Long.MAX_VALUE) {
                // the newest maxEvents overall lie within the newest maxEvents of each partition
                tps.forEach(tp -> start.put(tp, Math.max(start.get(tp), end.get(tp) - maxEvents)));
            }
            List<TopicPartition> open = new ArrayList<>();
            c.assign(tps);
            for (TopicPartition tp : tps) {
                c.seek(tp, start.get(tp));
                if (start.get(tp) < end.get(tp)) {
                    open.add(tp);
                }
            }
            c.pause(tps.stream().filter(tp -> !open.contains(tp)).toList());
            long idleSince = System.nanoTime();
            while (!open.isEmpty()) {
                var batch = c.poll(Duration.ofMillis(500));
                if (!batch.isEmpty()) {
                    idleSince = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() < end.get(tp) && r.value() != null) {
                        out.write(r.value());
                        out.write('\n');
                        records++;
                    }
                }
                for (TopicPartition tp : List.copyOf(open)) {
                    if (c.position(tp) >= end.get(tp)) {
                        open.remove(tp);
                        c.pause(List.of(tp));
                    }
                }
                if (System.nanoTime() - idleSince > 60_000_000_000L) {
                    throw new IOException("no records from " + topic + " for 60 s while " + open.size()
                            + " partition(s) had not reached their end offsets");
                }
            }
        }
        EventLogReader.EventLog log = EventLogReader.readJsonl(jsonl);
        return new Read(newest(log.events(), maxEvents), log.badRows(),
                records + " records of " + topic + " on " + bootstrap);
    }

    /** Reads a JSON-lines file; {@code window} counts back from its newest event. */
    static Read fromFile(Path file, Duration window, long maxEvents) throws IOException {
        EventLogReader.EventLog log = EventLogReader.readJsonl(file);
        List<UserEvent> events = log.events();
        if (window != null && !events.isEmpty()) {
            long from = events.get(events.size() - 1).ts - window.toMillis();
            events = events.stream().filter(e -> e.ts >= from).toList();
        }
        return new Read(newest(events, maxEvents), log.badRows(), file.toString());
    }

    private static List<UserEvent> newest(List<UserEvent> sorted, long max) {
        return sorted.size() <= max ? sorted : sorted.subList(sorted.size() - (int) max, sorted.size());
    }
}
