package io.streamrec.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Live per-variant metrics for {@code model status}, from the job's {@code recommendation-feedback} topic (one JSON
 * record per judged event: {@code variant}, {@code model_version}, {@code event_type}, {@code rank} 1-based or 0 for
 * a miss, {@code list_size}). HR@K is the share of judged events whose item was on the list; MRR@K the mean of 1/rank
 * (0 for a miss), K being the list size, as in {@code evaluate}. Why a plain consumer with assign and
 * offsetsForTimes: a status look must not join a consumer group or commit offsets.
 */
final class FeedbackStats {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The figures of one variant serving one version. */
    static final class Row {
        final String variant;
        final String version;
        long judged;
        long hits;
        double reciprocalRanks;
        int minK = Integer.MAX_VALUE;
        int maxK;
        final Map<String, Long> hitsByType = new TreeMap<>();

        Row(String variant, String version) {
            this.variant = variant;
            this.version = version;
        }

        double hitRate() {
            return judged == 0 ? 0 : (double) hits / judged;
        }

        double mrr() {
            return judged == 0 ? 0 : reciprocalRanks / judged;
        }

        String k() {
            if (maxK == 0) {
                return "?"; // no record named its list size
            }
            return minK == maxK ? Integer.toString(maxK) : minK + "-" + maxK;
        }
    }

    private final Map<String, Row> rows = new TreeMap<>();
    private long malformed;

    /** Adds one record's value; a record that is not a judged event is counted as malformed and skipped. */
    void add(byte[] value) {
        JsonNode n;
        try {
            n = value == null ? null : JSON.readTree(value);
        } catch (IOException e) {
            n = null;
        }
        if (n == null || !n.isObject() || !n.path("variant").isTextual() || !n.path("rank").canConvertToInt()) {
            malformed++;
            return;
        }
        String variant = n.get("variant").asText();
        String version = n.path("model_version").asText("?");
        Row r = rows.computeIfAbsent(variant + "\u0000" + version, k -> new Row(variant, version));
        int rank = n.get("rank").asInt();
        int k = n.path("list_size").asInt(0);
        r.judged++;
        if (k > 0) {
            r.minK = Math.min(r.minK, k);
            r.maxK = Math.max(r.maxK, k);
        }
        if (rank > 0 && (k <= 0 || rank <= k)) {
            r.hits++;
            r.reciprocalRanks += 1.0 / rank;
            r.hitsByType.merge(n.path("event_type").asText("?"), 1L, Long::sum);
        }
    }

    List<Row> rows() {
        return new ArrayList<>(rows.values());
    }

    long malformed() {
        return malformed;
    }

    /** The table {@code model status} prints. */
    String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("  %-10s %-24s %8s %4s %7s %7s  %s%n", "variant", "version", "judged", "K", "HR@K",
                "MRR@K", "hits by event type"));
        for (Row r : rows.values()) {
            StringBuilder types = new StringBuilder();
            r.hitsByType.forEach((t, c) -> types.append(types.length() == 0 ? "" : " ").append(t).append('=')
                    .append(c));
            sb.append(String.format(Locale.ROOT, "  %-10s %-24s %8d %4s %7.4f %7.4f  %s%n", r.variant, r.version,
                    r.judged, r.k(), r.hitRate(), r.mrr(), types.length() == 0 ? "-" : types));
        }
        if (malformed > 0) {
            sb.append("  (").append(malformed).append(" records were not judged events and were skipped)\n");
        }
        return sb.toString();
    }

    /**
     * Reads {@code topic} from {@code since} ago up to its end as of now.
     *
     * @throws IOException naming the topic or the address when it cannot be read
     */
    static FeedbackStats read(String bootstrap, String topic, Duration since, Map<String, String> kafkaProperties,
                              Duration timeout) throws IOException {
        Properties p = TopicReading.consumerProperties(bootstrap, kafkaProperties);
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        FeedbackStats stats = new FeedbackStats();
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IOException("topic " + topic + " not found at " + bootstrap);
            }
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo i : infos) {
                parts.add(new TopicPartition(topic, i.partition()));
            }
            c.assign(parts);
            long from = System.currentTimeMillis() - since.toMillis();
            Map<TopicPartition, Long> query = new HashMap<>();
            parts.forEach(tp -> query.put(tp, from));
            Map<TopicPartition, OffsetAndTimestamp> start = c.offsetsForTimes(query, timeout);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            for (TopicPartition tp : parts) {
                OffsetAndTimestamp o = start.get(tp);
                c.seek(tp, o == null ? end.get(tp) : o.offset());
            }
            while (!done(c, parts, end)) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("reading " + topic + " at " + bootstrap + " took longer than " + timeout
                            .toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        stats.add(r.value());
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IOException("cannot read " + topic + " at " + bootstrap + " within " + timeout.toSeconds()
                    + " s (is Kafka there?): " + e.getMessage(), e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IOException("cannot read " + topic + " at " + bootstrap + ": " + e.getMessage(), e);
        }
        return stats;
    }

    private static boolean done(KafkaConsumer<?, ?> c, List<TopicPartition> parts, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : parts) {
            if (c.position(tp) < end.get(tp)) {
                return false;
            }
        }
        return true;
    }
}
