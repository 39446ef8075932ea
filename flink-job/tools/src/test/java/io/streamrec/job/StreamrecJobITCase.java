package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.event.EventType;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.Catalogue;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.RecommendationJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.streamrec.job.TopicReads.readUntil;

/**
 * The whole job on a MiniCluster (RocksDB) against a real in-process KRaft broker: simulated traffic in, plain
 * consumers on {@code recommendations} and {@code user-events-dlq}.
 */
class StreamrecJobITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static EmbeddedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long T0 = SimConfig.DEFAULT_START_MS;
    /**
     * The events carry simulated time from {@link SimConfig#DEFAULT_START_MS} on, which falls behind the wall clock:
     * the job's event-time window must reach back to it, as a replay's does.
     */
    private static final String SIMULATED_TIME_PAST = "36500 d";

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
        kafka.createTopics();
        producer = kafka.producer(Map.of());
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    private static void sendEvent(String eventId, String user, String item, EventType type, long ts)
            throws Exception {
        String json = "{\"event_id\":\"" + eventId + "\",\"user_id\":\"" + user + "\",\"item_id\":\"" + item
                + "\",\"type\":\"" + type.wireName() + "\",\"ts\":" + ts + "}";
        send("user-events", user, json.getBytes(StandardCharsets.UTF_8));
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
        return kafka.consumer(topic, Map.of());
    }

    @Test
    void recommendsOnEveryEventRoutesBadRecordsAndHonoursStockAndInterests() throws Exception {
        Map<String, String> settings = KafkaJobOptions.of(kafka, Topics.Names.defaults(), "main");
        settings.put("recs.top-k", "100");
        settings.put("parallelism.default", "2");
        settings.put("execution.checkpointing.interval", "2 s");
        settings.put("events.max-ts-past", SIMULATED_TIME_PAST);
        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(settings));
        RecommendationJson json = new RecommendationJson();
        try (KafkaConsumer<byte[], byte[]> recs = consumer("recommendations");
             KafkaConsumer<byte[], byte[]> dlq = consumer("user-events-dlq")) {

            // 1. Simulated traffic with malformed records and duplicates.
            World world = new World(SimConfig.defaults().users(40));
            Simulator sim = new Simulator(world, 0.05, 0.03, null);
            Map<String, List<String>> acceptedByUser = new LinkedHashMap<>();
            java.util.Set<String> seenIds = new java.util.HashSet<>();
            int malformed = 0;
            int events = 0;
            while (events < 400) {
                SimRecord r = sim.next();
                if (r.itemUpdate()) {
                    send("item-updates", r.key(), r.value());
                    continue;
                }
                send("user-events", r.key(), r.value());
                if (r.malformed() != null) {
                    malformed++;
                } else if (seenIds.add(r.event().eventId)) {
                    acceptedByUser.computeIfAbsent(r.event().userId, k -> new ArrayList<>())
                            .add(r.event().eventId);
                    events++;
                }
            }
            assertTrue(malformed > 5, "the simulator sent malformed records");
            final int expectedMalformed = malformed;
            List<ConsumerRecord<byte[], byte[]>> recRecords = readUntil(recs, new ArrayList<>(),
                    l -> l.size() >= 400, Duration.ofSeconds(120), "400 recommendations");
            List<ConsumerRecord<byte[], byte[]>> dlqRecords = readUntil(dlq, new ArrayList<>(),
                    l -> l.size() >= expectedMalformed, Duration.ofSeconds(60), expectedMalformed + " dead letters");
            
            // Each accepted event yields exactly one list, in order, with seq 1..n per user; duplicates yield none.
            Map<String, List<Recommendation>> byUser = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : recRecords) {
                Recommendation rec = json.read(r.value());
                assertEquals(rec.userId, new String(r.key(), StandardCharsets.UTF_8), "keyed by user_id");
                byUser.computeIfAbsent(rec.userId, k -> new ArrayList<>()).add(rec);
            }
            assertEquals(acceptedByUser.keySet(), byUser.keySet());
            for (Map.Entry<String, List<String>> e : acceptedByUser.entrySet()) {
                List<Recommendation> lists = byUser.get(e.getKey());
                assertEquals(e.getValue().size(), lists.size(), "one list per accepted event of " + e.getKey());
                for (int i = 0; i < lists.size(); i++) {
                    assertEquals(i + 1, lists.get(i).seq);
                    assertEquals(e.getValue().get(i), lists.get(i).triggerEventId);
                    assertTrue(lists.get(i).items.length > 0 && lists.get(i).items.length <= 100);
                    assertTrue(lists.get(i).emittedTs >= lists.get(i).eventTs || lists.get(i).eventTs > 0);
                }
            }

            // Bad records land in the DLQ with a reason and their coordinates.
            assertEquals(expectedMalformed, dlqRecords.size());
            for (ConsumerRecord<byte[], byte[]> r : dlqRecords) {
                JsonNode d = MAPPER.readTree(r.value());
                assertFalse(d.path("reason").asText().isBlank());
                assertEquals("user-events", d.path("topic").asText());
                assertTrue(d.path("offset").asLong() >= 0);
                assertTrue(d.has("payload_base64"));
            }

            // 2. An item marked out of stock stops being recommended, even to a user who keeps viewing it.
            Catalogue catalogue = world.catalogue();
            String item = catalogue.itemId(catalogue.itemsInCategory(3)[0]);
            sendEvent("probe-a1", "probe-a", item, EventType.VIEW, T0);
            sendEvent("probe-a2", "probe-a", item, EventType.CLICK, T0 + 1000);
            int before = recRecords.size();
            recRecords = readUntil(recs, recRecords, l -> l.size() >= before + 2, Duration.ofSeconds(30), "probe-a");
            Recommendation probeA = json.read(recRecords.get(recRecords.size() - 1).value());
            assertTrue(ids(probeA).contains(item), "a clicked item is re-proposed while in stock: " + ids(probeA));

            send("item-updates", item, ("{\"item_id\":\"" + item + "\",\"in_stock\":false}")
                    .getBytes(StandardCharsets.UTF_8));
            Thread.sleep(3000);
            sendEvent("probe-b1", "probe-b", item, EventType.VIEW, T0);
            sendEvent("probe-b2", "probe-b", item, EventType.CLICK, T0 + 1000);
            int before2 = recRecords.size();
            recRecords = readUntil(recs, recRecords, l -> l.size() >= before2 + 2, Duration.ofSeconds(30), "probe-b");
            for (int i = before2; i < recRecords.size(); i++) {
                Recommendation r = json.read(recRecords.get(i).value());
                assertFalse(ids(r).contains(item), "out-of-stock item recommended: " + ids(r));
            }

            // 3. After a user's events concentrate on one category, most of the list comes from it.
            int category = 5;
            int[] inCategory = catalogue.itemsInCategory(category);
            for (int i = 0; i < 12; i++) {
                sendEvent("cat-" + i, "probe-c", catalogue.itemId(inCategory[i % inCategory.length]),
                        i % 4 == 3 ? EventType.CLICK : EventType.VIEW, T0 + i * 30_000L);
            }
            int before3 = recRecords.size();
            recRecords = readUntil(recs, recRecords, l -> l.size() >= before3 + 12, Duration.ofSeconds(30), "probe-c");
            Recommendation last = json.read(recRecords.get(recRecords.size() - 1).value());
            assertEquals("probe-c", last.userId);
            List<String> top10 = ids(last).subList(0, Math.min(10, last.items.length));
            long fromCategory = top10.stream()
                    .filter(id -> catalogue.indexOf(id) >= 0 && catalogue.categoryOf(catalogue.indexOf(id)) == category)
                    .count();
            assertTrue(fromCategory * 2 > top10.size(),
                    "most of the top 10 should come from category " + category + ": " + fromCategory + " of "
                            + top10);
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void exactlyOnceOutputBecomesVisibleToReadCommittedConsumersAfterCheckpoints() throws Exception {
        Topics.Names names = new Topics.Names(
                "eo-events", "eo-items", "eo-recommendations", "eo-dlq");
        kafka.createTopics(names, 1);
        Map<String, String> settings = KafkaJobOptions.of(kafka, names, "eo");
        settings.put("delivery.guarantee", "exactly-once");
        settings.put("parallelism.default", "1");
        settings.put("execution.checkpointing.interval", "1 s");
        settings.put("events.max-ts-past", SIMULATED_TIME_PAST);
        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(settings));
        try (KafkaConsumer<byte[], byte[]> recs = kafka.consumer(names.recommendations(),
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            for (int i = 0; i < 20; i++) {
                String json = "{\"event_id\":\"eo-" + i + "\",\"user_id\":\"eo-user-" + (i % 3)
                        + "\",\"item_id\":\"i00010\",\"type\":\"view\",\"ts\":" + (T0 + i) + "}";
                send(names.events(), "eo-user-" + (i % 3), json.getBytes(StandardCharsets.UTF_8));
            }
            List<ConsumerRecord<byte[], byte[]>> got = readUntil(recs, new ArrayList<>(), l -> l.size() >= 20,
                    Duration.ofSeconds(90), "20 committed recommendations");
            assertEquals(20, got.size());
        } finally {
            job.cancel().get();
        }
    }

    private static List<String> ids(Recommendation r) {
        List<String> out = new ArrayList<>();
        for (Recommendation.RecommendedItem it : r.items) {
            out.add(it.itemId);
        }
        return out;
    }
}
