package io.streamrec.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.sim.SimRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The books of one fault scenario: every distinct well-formed event the traffic produced (with its send time), and
 * every list a storefront consumer read from the recommendations topic. From the two it counts what the scenario's
 * promises are about: events without a list (lost), lists read twice, state updates applied twice (one {@code seq}
 * for two events, or one event under two {@code seq}s), gaps in a user's {@code seq}, and the time the job took to
 * serve again after a fault.
 *
 * <p>The consumer reads with {@code isolation.level=read_committed} for an exactly-once job, as a storefront must, and
 * {@code read_uncommitted} for an at-least-once one. It reads from the start of the topic on a thread of its own.
 */
final class Ledger implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One list as read: its seq, trigger event, model version and the ms it was read at. */
    record ListRead(String user, long seq, String trigger, String model, long readAt) {}

    private final Map<String, Long> produced = new ConcurrentHashMap<>();
    private final Map<String, String> userOf = new ConcurrentHashMap<>();
    private final List<ListRead> reads = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean running = true;

    Ledger(String bootstrap, String topic, boolean readCommitted) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer = new KafkaConsumer<>(p);
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        thread = new Thread(this::poll, "faults-ledger");
        thread.setDaemon(true);
        thread.start();
    }

    /** The traffic's listener: remembers each well-formed event once, with the time it was handed to Kafka. */
    void sent(SimRecord r) {
        if (r.event() != null && r.malformed() == null) {
            produced.putIfAbsent(r.event().eventId, System.currentTimeMillis());
            userOf.putIfAbsent(r.event().eventId, r.event().userId);
        }
    }

    private void poll() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> rec : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    JsonNode n = JSON.readTree(rec.value());
                    reads.add(new ListRead(n.path("user_id").asText(), n.path("seq").asLong(),
                            n.path("trigger_event_id").asText(), n.path("model_version").asText(), now));
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (Exception e) {
                // a broker restart: the consumer reconnects by itself on the next poll
            }
        }
    }

    List<ListRead> reads() {
        synchronized (reads) {
            return List.copyOf(reads);
        }
    }

    /** Waits until every produced event has a list or {@code timeout} passes; returns whether all arrived. */
    boolean awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < deadline) {
            if (check().lost == 0) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    /** What the lists read so far say about the produced events. */
    Check check() {
        List<ListRead> all = reads();
        Map<String, Set<String>> triggersBySeq = new HashMap<>(); // user#seq -> trigger ids
        Map<String, Set<Long>> seqsByTrigger = new HashMap<>();
        Map<String, TreeMap<Long, Integer>> seqsByUser = new HashMap<>();
        Set<String> listed = new HashSet<>();
        long repeats = 0;
        Set<String> seen = new HashSet<>();
        for (ListRead r : all) {
            if (!seen.add(r.user + "#" + r.seq + "#" + r.trigger)) {
                repeats++;
            }
            triggersBySeq.computeIfAbsent(r.user + "#" + r.seq, k -> new HashSet<>()).add(r.trigger);
            seqsByTrigger.computeIfAbsent(r.trigger, k -> new HashSet<>()).add(r.seq);
            seqsByUser.computeIfAbsent(r.user, k -> new TreeMap<>()).merge(r.seq, 1, Integer::sum);
            listed.add(r.trigger);
        }
        long doubled = triggersBySeq.values().stream().filter(s -> s.size() > 1).count()
                + seqsByTrigger.values().stream().filter(s -> s.size() > 1).count();
        long lost = produced.keySet().stream().filter(id -> !listed.contains(id)).count();
        Map<String, Long> perUser = new HashMap<>();
        for (String id : produced.keySet()) {
            perUser.merge(userOf.get(id), 1L, Long::sum);
        }
        long gaps = 0;
        long countMismatches = 0;
        for (Map.Entry<String, TreeMap<Long, Integer>> e : seqsByUser.entrySet()) {
            TreeMap<Long, Integer> seqs = e.getValue();
            long n = seqs.lastKey();
            gaps += n - seqs.size(); // seqs start at 1: every missing one below the highest is a gap
            if (n != perUser.getOrDefault(e.getKey(), 0L)) {
                countMismatches++;
            }
        }
        return new Check(produced.size(), all.size(), lost, repeats, doubled, gaps, countMismatches,
                seqsByUser.size());
    }

    /**
     * The first list read after {@code t} for an event produced after {@code t}: the job serving new traffic again.
     * Returns -1 if there is none yet.
     */
    long firstNewListAfter(long t) {
        long first = Long.MAX_VALUE;
        for (ListRead r : reads()) {
            Long sentAt = produced.get(r.trigger);
            if (sentAt != null && sentAt > t && r.readAt > t) {
                first = Math.min(first, r.readAt);
            }
        }
        return first == Long.MAX_VALUE ? -1 : first - t;
    }

    /**
     * When, after {@code t}, the job had caught up: the read time of the last list whose event waited longer than
     * {@code slowMs} for it, minus {@code t}. 0 if none did.
     */
    long caughtUpAfter(long t, long slowMs) {
        long last = t;
        for (ListRead r : reads()) {
            Long sentAt = produced.get(r.trigger);
            if (sentAt != null && r.readAt > t && r.readAt - sentAt > slowMs) {
                last = Math.max(last, r.readAt);
            }
        }
        return last - t;
    }

    /**
     * Users with a list for an event sent before {@code t} and one for an event sent after it: across an upgrade,
     * those whose state the new job had to restore (with no gaps, their seq went on where it stopped).
     */
    long usersAcross(long t) {
        Set<String> before = new HashSet<>();
        Set<String> after = new HashSet<>();
        for (ListRead r : reads()) {
            Long sentAt = produced.get(r.trigger);
            if (sentAt != null) {
                (sentAt < t ? before : after).add(r.user);
            }
        }
        before.retainAll(after);
        return before.size();
    }

    /** The counts a scenario reports: all must be 0 except {@code repeats} in at-least-once mode. */
    record Check(long produced, long listsRead, long lost, long repeats, long doubled, long gaps,
                 long countMismatches, long users) {}

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
        consumer.close(Duration.ofSeconds(2));
    }
}
