package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.lifecycle.ModelCommand;
import io.streamrec.model.ModelBundle;
import io.streamrec.ranking.BundleLoader;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.RecommendationJson;
import io.streamrec.store.ModelStore;
import io.streamrec.store.TestBundles;
import io.streamrec.store.VariantAssigner;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model lifecycle on a running job with a real broker, through {@code bin/streamrec model}: the job serves a
 * model store; a second bundle published at 50 % splits the users by their stable hash while events flow (each list
 * names its variant and carries that variant's model, no event is lost or scored twice); a corrupt publish is
 * refused and leaves the plan as it was; a rollback returns every user to the first bundle.
 */
class ModelLifecycleITCase {
    private static final long T0 = 1_764_000_000_000L;

    @TempDir
    Path tmp;
    private final RecommendationJson json = new RecommendationJson();
    private final Set<String> sentIds = new HashSet<>();
    private final List<Recommendation> lists = new ArrayList<>();
    private String[] items;
    private int eventSeq;

    @Test
    void publishSplitsTheUsersRefusesACorruptBundleAndRollsBack() throws Exception {
        ModelBundle shipped = BundleLoader.load("classpath:default");
        items = new String[200];
        for (int i = 0; i < items.length; i++) {
            items[i] = shipped.items().idOf(1 + i * 7 % shipped.items().size());
        }
        Path store = tmp.resolve("store");
        Path v1 = bundleCopy("life-v1", false);
        Path v2 = bundleCopy("life-v2", false);
        Path bad = bundleCopy("life-bad", true);
        assertEquals(0, model("publish", v1.toString(), "--store", store.toString()));

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of())) {
            kafka.createTopics();
            Map<String, String> settings = KafkaJobOptions.of(kafka, Topics.Names.defaults(), "lifecycle");
            settings.put("parallelism.default", "2");
            settings.put("model.path", store.toString());
            settings.put("model.reload-interval", "500 ms");
            settings.put("events.max-ts-past", "36500 d");
            settings.put("execution.checkpointing.interval", "2 s");
            settings.put("execution.checkpointing.dir", tmp.resolve("checkpoints").toUri().toString());
            JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(settings));
            try (KafkaConsumer<byte[], byte[]> recs = kafka.consumer("recommendations", Map.of())) {
                // 1. one variant
                sendRound(producer, recs, 300, 0);
                for (Recommendation r : lists) {
                    assertEquals("a", r.variant);
                    assertEquals("life-v1", r.modelVersion);
                }

                // 2. a second bundle at 50 %: the job follows within the reload interval
                assertEquals(0, model("publish", v2.toString(), "--store", store.toString(), "--variant", "b",
                        "--weight", "50"));
                VariantAssigner split = new VariantAssigner(new int[] {50, 50});
                waitForPlan(producer, recs, r -> split.assign(r.userId) == 0
                        ? "a".equals(r.variant) && "life-v1".equals(r.modelVersion)
                        : "b".equals(r.variant) && "life-v2".equals(r.modelVersion), "a=life-v1@50, b=life-v2@50");
                int from = lists.size();
                sendRound(producer, recs, 800, 1);
                Map<String, Set<String>> users = new HashMap<>();
                for (Recommendation r : lists.subList(from, lists.size())) {
                    String expected = split.assign(r.userId) == 0 ? "a" : "b";
                    assertEquals(expected, r.variant, "the stable hash sends " + r.userId + " to " + expected);
                    assertEquals("a".equals(r.variant) ? "life-v1" : "life-v2", r.modelVersion);
                    users.computeIfAbsent(r.variant, k -> new HashSet<>()).add(r.userId);
                }
                int a = users.get("a").size();
                int b = users.get("b").size();
                assertTrue(Math.abs(a - b) <= (a + b) / 5, "50/50 within 10 points: a=" + a + " b=" + b);

                // 3. a corrupt bundle is refused before anything changes
                byte[] planBefore = Files.readAllBytes(store.resolve(ModelStore.PLAN));
                assertEquals(1, model("publish", bad.toString(), "--store", store.toString(), "--variant", "c",
                        "--weight", "20"));
                assertArrayEquals(planBefore, Files.readAllBytes(store.resolve(ModelStore.PLAN)),
                        "a refused publish leaves serving.json untouched");

                // 4. rollback: every user back on the first bundle
                assertEquals(0, model("rollback", "--store", store.toString()));
                waitForPlan(producer, recs, r -> "a".equals(r.variant) && "life-v1".equals(r.modelVersion),
                        "a=life-v1@100");
                from = lists.size();
                sendRound(producer, recs, 300, 2);
                for (Recommendation r : lists.subList(from, lists.size())) {
                    assertEquals("a", r.variant);
                    assertEquals("life-v1", r.modelVersion);
                }
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        // nothing lost, nothing scored twice: one list per event id
        Map<String, Integer> perEvent = new HashMap<>();
        for (Recommendation r : lists) {
            perEvent.merge(r.triggerEventId, 1, Integer::sum);
        }
        assertEquals(sentIds, perEvent.keySet(), "every event got a list");
        assertTrue(perEvent.values().stream().allMatch(n -> n == 1), "no event was scored twice");
    }

    /** Runs {@code bin/streamrec model ARGS}; returns its exit code. */
    private static int model(String... args) throws Exception {
        return new ModelCommand().run(args);
    }

    /** Sends {@code n} events over 400 users and waits for their lists. */
    private void sendRound(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> recs, int n,
                           int round) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String user = "user-" + (i * 37 % 400);
            ids.add(send(producer, user, round * 1_000_000L + i));
        }
        await(recs, ids);
    }

    private String send(KafkaProducer<byte[], byte[]> producer, String user, long t) throws Exception {
        String id = "e" + (eventSeq++);
        String item = items[(int) (Math.abs(user.hashCode() + t) % items.length)];
        String value = "{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"item_id\":\"" + item
                + "\",\"type\":\"view\",\"ts\":" + (T0 + t) + "}";
        producer.send(new ProducerRecord<>("user-events", user.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8))).get();
        sentIds.add(id);
        return id;
    }

    /** Reads lists until every event of {@code ids} has one; fails after two minutes. */
    private void await(KafkaConsumer<byte[], byte[]> recs, Set<String> ids) {
        Set<String> missing = new HashSet<>(ids);
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!missing.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no list for " + missing.size() + " of " + ids.size() + " events");
            }
            for (ConsumerRecord<byte[], byte[]> r : recs.poll(Duration.ofMillis(200))) {
                Recommendation rec = json.read(r.value());
                lists.add(rec);
                missing.remove(rec.triggerEventId);
            }
        }
    }

    /**
     * Sends rounds of probe events (one per probe user, spread over both subtasks, which poll the store on their own)
     * until every list of a round comes from the plan {@code expected} describes: the whole job followed.
     */
    private void waitForPlan(KafkaProducer<byte[], byte[]> producer, KafkaConsumer<byte[], byte[]> recs,
                             java.util.function.Predicate<Recommendation> expected, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int round = 0;
        while (System.nanoTime() < deadline) {
            Set<String> ids = new HashSet<>();
            round++;
            for (int u = 0; u < 40; u++) {
                ids.add(send(producer, "probe-" + u, 5_000_000L + round * 100L + u));
            }
            int from = lists.size();
            await(recs, ids);
            if (lists.subList(from, lists.size()).stream().allMatch(expected)) {
                return;
            }
        }
        throw new AssertionError("the job did not switch to " + what + " within 60 s");
    }

    /** A copy of the shipped bundle with its own model_version; corrupt: one embedding byte flipped. */
    private Path bundleCopy(String version, boolean corrupt) throws Exception {
        Path dir = TestBundles.copy(tmp.resolve("bundle-" + version), version);
        if (corrupt) {
            TestBundles.corrupt(dir);
        }
        return dir;
    }
}
