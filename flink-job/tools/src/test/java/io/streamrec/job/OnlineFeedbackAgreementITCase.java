package io.streamrec.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.eval.Scorer;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.RecommendationJson;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.streamrec.job.TopicReads.readUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The check "the online feedback metrics match what evaluate's scorer computes on the same stream": the real
 * job on a MiniCluster against a real broker, fed a simulated stream (no stock changes, no duplicates, no malformed
 * records). From the {@code recommendations} topic, evaluate's {@link Scorer} scores every event with an item against
 * the list emitted for its user's previous event ("all" protocol, top-K); the {@code recommendation-feedback} topic
 * must hold exactly one record per such event, with the same rank, so the counts, HR and MRR are equal, per event
 * group too. Micro-batching is off ({@code ranker.batch-size 1}): with it, an event that arrives while its user's
 * previous list still waits in the batch is judged against the list before (or not at all), which evaluate's
 * protocol does not do (see docs/ONLINE_FEEDBACK.md).
 */
class OnlineFeedbackAgreementITCase {
    private static final int EVENTS = 3000;
    private static final int USERS = 300;
    private static final int K = 20;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static EmbeddedKafka kafka;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theFeedbackTopicAgreesWithEvaluatesScorerEventByEvent() throws Exception {
        Topics.Names names = new Topics.Names("agree-events", "agree-items", "agree-recs", "agree-dlq",
                "agree-feedback");
        kafka.createTopics(names, 2);
        Map<String, String> settings = KafkaJobOptions.of(kafka, names, "agree");
        settings.put("recs.top-k", String.valueOf(K));
        settings.put("parallelism.default", "2");
        settings.put("ranker.batch-size", "1");
        settings.put("events.max-ts-past", "36500 d");

        // the simulated stream: events only, so no item is ever out of stock
        Simulator sim = new Simulator(new World(SimConfig.defaults().users(USERS)), 0, 0, null);
        List<UserEvent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
            while (sent.size() < EVENTS) {
                SimRecord r = sim.next();
                if (r.itemUpdate() || r.malformed() != null) {
                    continue;
                }
                producer.send(new ProducerRecord<>(names.events(), r.key().getBytes(StandardCharsets.UTF_8),
                        r.value()));
                sent.add(r.event());
            }
        }

        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(settings));
        List<ConsumerRecord<byte[], byte[]>> recRecords;
        List<ConsumerRecord<byte[], byte[]>> fbRecords;
        int expectedJudged = judgedEvents(sent);
        try (KafkaConsumer<byte[], byte[]> recs = kafka.consumer(names.recommendations(), Map.of());
             KafkaConsumer<byte[], byte[]> fb = kafka.consumer(names.feedback(), Map.of())) {
            recRecords = readUntil(recs, new ArrayList<>(), l -> l.size() >= EVENTS, Duration.ofSeconds(90),
                    EVENTS + " lists");
            fbRecords = readUntil(fb, new ArrayList<>(), l -> l.size() >= expectedJudged, Duration.ofSeconds(30),
                    expectedJudged + " feedback records");
            Thread.sleep(1000); // anything beyond the expected records would be a double judgement
            fb.poll(Duration.ofMillis(500)).forEach(fbRecords::add);
        } finally {
            job.cancel().get();
        }

        // the lists by trigger event
        RecommendationJson json = new RecommendationJson();
        Map<String, List<String>> listOf = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : recRecords) {
            Recommendation rec = json.read(r.value());
            List<String> ids = new ArrayList<>();
            for (Recommendation.RecommendedItem it : rec.items) {
                ids.add(it.itemId);
            }
            listOf.put(rec.triggerEventId, ids);
        }
        assertEquals(EVENTS, listOf.size(), "one list per event");

        // evaluate's scorer: every event with an item, against the list emitted after its user's previous event
        Scorer scorer = new Scorer();
        Map<String, Integer> expectedRank = new LinkedHashMap<>();
        Map<String, UserEvent> previous = new HashMap<>();
        for (UserEvent e : sent) {
            UserEvent before = previous.put(e.userId, e);
            if (before == null || e.itemId == null) {
                continue;
            }
            List<String> list = listOf.get(before.eventId);
            scorer.score("job", list, e.itemId, e.type, false);
            expectedRank.put(e.eventId, Scorer.rank(list, e.itemId, K));
        }
        assertEquals(expectedJudged, expectedRank.size());

        // the feedback topic: one record per judged event, keyed by user, with the scorer's rank
        Map<String, Integer> onlineRank = new LinkedHashMap<>();
        Map<String, long[]> onlineByGroup = new HashMap<>();
        double reciprocal = 0;
        for (ConsumerRecord<byte[], byte[]> r : fbRecords) {
            JsonNode f = MAPPER.readTree(r.value());
            assertEquals(f.path("user_id").asText(), new String(r.key(), StandardCharsets.UTF_8));
            assertEquals("main", f.path("variant").asText());
            assertEquals(K, f.path("list_size").asInt());
            assertTrue(f.path("event_ts").asLong() >= SimConfig.DEFAULT_START_MS);
            assertTrue(f.has("model_version"));
            int rank = f.path("rank").asInt();
            assertEquals(null, onlineRank.put(f.path("event_id").asText(), rank), "one record per event");
            reciprocal += rank > 0 ? 1.0 / rank : 0;
            String group = Scorer.group(EventType.fromWire(f.path("event_type").asText()));
            long[] c = onlineByGroup.computeIfAbsent(group, g -> new long[2]);
            c[0]++;
            c[1] += rank > 0 ? 1 : 0;
        }
        assertEquals(expectedRank, onlineRank, "the same events, each with the scorer's rank");

        Scorer.MethodScores m = scorer.method("job");
        assertEquals(m.cell("all", "all").count(), fbRecords.size());
        assertEquals(m.cell("all", "all").get("MRR@20"), reciprocal / fbRecords.size(), 1e-12);
        for (String group : List.of("click", "cart", "purchase")) {
            long[] c = onlineByGroup.getOrDefault(group, new long[2]);
            Scorer.Acc cell = m.cell("all", group);
            assertEquals(cell.count(), c[0], group);
            assertEquals(cell.get("HR@20"), cell.count() == 0 ? 0.0 : (double) c[1] / c[0], 1e-12, group);
        }
        System.out.printf("agreement: %d judged events, HR@20 %.4f, MRR@20 %.4f (click %d, cart %d, purchase %d)%n",
                fbRecords.size(), m.cell("all", "all").get("HR@20"), m.cell("all", "all").get("MRR@20"),
                m.cell("all", "click").count(), m.cell("all", "cart").count(), m.cell("all", "purchase").count());
    }

    /** Events with an item that are not their user's first: what both sides judge. */
    private static int judgedEvents(List<UserEvent> sent) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        int n = 0;
        for (UserEvent e : sent) {
            if (!seen.add(e.userId) && e.itemId != null) {
                n++;
            }
        }
        return n;
    }
}
