package io.streamrec.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.event.DeadLetter;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.RecommendationJson;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.executiongraph.AccessExecutionGraph;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.streamrec.job.TopicReads.readUntil;

/**
 * Issue #18, "Nothing that arrives can stop the job", end to end: the Kafka-wired job ({@link StreamrecJob#kafka}, on a
 * MiniCluster with the job's own restart strategy) against a real in-process KRaft broker.
 *
 * <p>First the issue's record, a 600 KB key with the value {@code not json}, which used to become a 1.2 MB dead letter,
 * make the DLQ producer throw and the job restart forever; then valid events, each of which must get exactly one list.
 * Then a live fuzz: thousands of mutated and hostile records interleaved with valid events. Both assert that the job
 * never leaves RUNNING (a watcher polls its status; the execution graph must have no RESTARTING time and no failure),
 * that every hostile record is on the DLQ exactly once (matched by partition and offset) with a reason and within
 * {@link DeadLetter#MAX_RECORD_BYTES}, and that every valid event got exactly one list.
 */
class PoisonRecordITCase {

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(2)
                    .build());

    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** Event times an hour old: inside the job's default ts window (events.max-ts-past/-future). */
    private static final long T0 = System.currentTimeMillis() - 3_600_000L;
    private static final int KEY_600K = 600 * 1024;

    private static EmbeddedKafka kafka;
    private static KafkaProducer<byte[], byte[]> producer;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start();
        producer = kafka.producer(Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"));
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

    @Test
    void a600KbKeyWithNotJsonIsADeadLetterAndTheJobNeverRestarts(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        long start = System.nanoTime();
        Topics.Names names = new Topics.Names("poison-events", "poison-items", "poison-recs", "poison-dlq");
        kafka.createTopics(names, 2);
        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(settings(names, "poison")));
        StatusWatch watch = new StatusWatch(job);
        try (KafkaConsumer<byte[], byte[]> recs = kafka.consumer(names.recommendations(), Map.of());
             KafkaConsumer<byte[], byte[]> dlq = kafka.consumer(names.dlq(), Map.of())) {
            byte[] key = new byte[KEY_600K];
            Arrays.fill(key, (byte) 'k');
            RecordMetadata poison = producer.send(new ProducerRecord<>(names.events(), key,
                    "not json".getBytes(StandardCharsets.UTF_8))).get();
            int n = 60;
            Set<String> valid = new HashSet<>();
            for (int i = 0; i < n; i++) {
                String user = "user-" + (i % 6);
                String id = "ok-" + i;
                producer.send(new ProducerRecord<>(names.events(), user.getBytes(StandardCharsets.UTF_8),
                        event(id, user, item(i), "view", T0 + i * 1000L)));
                valid.add(id);
            }
            producer.flush();

            List<ConsumerRecord<byte[], byte[]>> lists = readUntil(recs, new ArrayList<>(),
                    l -> triggerIds(l).containsAll(valid), Duration.ofSeconds(60), n + " lists");
            List<ConsumerRecord<byte[], byte[]>> dead = readUntil(dlq, new ArrayList<>(), l -> !l.isEmpty(),
                    Duration.ofSeconds(30), "the dead letter");
            // give duplicates (a replay after a restart) and a failing checkpoint flush time to show up
            settle(recs, lists, dlq, dead);

            assertEquals(n, lists.size(), "exactly one list per valid event");
            assertEquals(valid, Set.copyOf(triggerIds(lists)));
            assertEquals(1, dead.size());
            ConsumerRecord<byte[], byte[]> d = dead.get(0);
            JsonNode json = MAPPER.readTree(d.value());
            assertEquals("oversized key: 614400 bytes exceeds 1024 bytes", json.path("reason").asText());
            assertEquals(names.events(), json.path("topic").asText());
            assertEquals(poison.partition(), json.path("partition").asInt());
            assertEquals(poison.offset(), json.path("offset").asLong());
            assertEquals(KEY_600K, json.path("key_bytes").asInt());
            assertTrue(json.path("key_truncated").asBoolean());
            assertEquals("k".repeat(DeadLetter.MAX_KEY_BYTES), json.path("key").asText());
            assertEquals(8, json.path("payload_bytes").asInt());
            assertEquals("not json", new String(java.util.Base64.getDecoder()
                    .decode(json.path("payload_base64").asText()), StandardCharsets.UTF_8));
            assertTrue(new String(d.key(), StandardCharsets.US_ASCII).matches("sha256:[0-9a-f]{64}"));
            int size = d.key().length + d.value().length;
            assertTrue(size < 1_000_000, "dead letter of " + size + " bytes");

            watch.stop();
            assertNeverRestarted(cluster, job, watch);
            System.out.printf("PoisonRecordITCase poison: sent 1 poison + %d valid; lists %d; dead letters %d "
                            + "(%d bytes, was 1.2 MB); statuses %s; restarts 0; %.1f s%n", n, lists.size(),
                    dead.size(), size, watch.seen, (System.nanoTime() - start) / 1e9);
        } finally {
            watch.stop();
            job.cancel().get();
        }
    }

    @Test
    void liveFuzzEveryHostileRecordIsADeadLetterAndEveryValidEventGetsItsList(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        long start = System.nanoTime();
        Topics.Names names = new Topics.Names("fuzz-events", "fuzz-items", "fuzz-recs", "fuzz-dlq");
        kafka.createTopics(names, 2);
        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(settings(names, "fuzz")));
        StatusWatch watch = new StatusWatch(job);
        try (KafkaConsumer<byte[], byte[]> recs = kafka.consumer(names.recommendations(), Map.of());
             KafkaConsumer<byte[], byte[]> dlq = kafka.consumer(names.dlq(), Map.of())) {
            Random rnd = new Random(18);
            Hostile fuzz = new Hostile(rnd);
            int hostileCount = 3000;
            int validCount = 400;
            List<Future<RecordMetadata>> hostileSent = new ArrayList<>();
            List<Hostile.Kind> hostileKinds = new ArrayList<>();
            Set<String> valid = new HashSet<>();
            int v = 0;
            int h = 0;
            while (h < hostileCount || v < validCount) {
                boolean sendValid = v < validCount && (h >= hostileCount || rnd.nextInt(hostileCount + validCount)
                        < validCount);
                if (sendValid) {
                    String user = "fuzz-user-" + rnd.nextInt(20);
                    String id = "fuzz-ok-" + v;
                    byte[] key = fuzz.legalKey(user);
                    producer.send(new ProducerRecord<>(names.events(), key,
                            event(id, user, item(v), rnd.nextBoolean() ? "view" : "click", T0 + v * 1000L)));
                    valid.add(id);
                    v++;
                } else {
                    Hostile.Kind kind = Hostile.Kind.values()[rnd.nextInt(Hostile.Kind.values().length)];
                    Hostile.Record r = fuzz.make(kind, T0 + v * 1000L);
                    hostileSent.add(producer.send(new ProducerRecord<>(names.events(), r.key(), r.value())));
                    hostileKinds.add(kind);
                    h++;
                }
            }
            producer.flush();
            Map<String, Hostile.Kind> hostileAt = new HashMap<>();
            for (int i = 0; i < hostileSent.size(); i++) {
                RecordMetadata m = hostileSent.get(i).get();
                hostileAt.put(m.partition() + "@" + m.offset(), hostileKinds.get(i));
            }
            long sentAt = System.nanoTime();

            List<ConsumerRecord<byte[], byte[]>> lists = readUntil(recs, new ArrayList<>(),
                    l -> triggerIds(l).containsAll(valid), Duration.ofSeconds(90), validCount + " lists");
            List<ConsumerRecord<byte[], byte[]>> dead = readUntil(dlq, new ArrayList<>(),
                    l -> l.size() >= hostileCount, Duration.ofSeconds(60), hostileCount + " dead letters");
            settle(recs, lists, dlq, dead);

            assertEquals(validCount, lists.size(), "exactly one list per valid event");
            assertEquals(valid, Set.copyOf(triggerIds(lists)));
            assertEquals(hostileCount, dead.size(), "every hostile record, and only those, in the DLQ");

            Map<String, Integer> byReason = new TreeMap<>();
            Map<Hostile.Kind, Integer> byKind = new TreeMap<>();
            Set<String> seen = new HashSet<>();
            int largest = 0;
            for (ConsumerRecord<byte[], byte[]> r : dead) {
                int size = (r.key() == null ? 0 : r.key().length) + r.value().length;
                largest = Math.max(largest, size);
                assertTrue(size <= DeadLetter.MAX_RECORD_BYTES, "dead letter of " + size + " bytes");
                JsonNode d = MAPPER.readTree(r.value());
                String at = d.path("partition").asInt() + "@" + d.path("offset").asLong();
                Hostile.Kind kind = hostileAt.get(at);
                assertTrue(kind != null, "a dead letter for a record that was not hostile: " + at + " " + d);
                assertTrue(seen.add(at), "two dead letters for " + at);
                String reason = d.path("reason").asText();
                assertFalse(reason.isBlank(), "no reason for " + kind);
                if (kind.reason != null) {
                    assertTrue(reason.startsWith(kind.reason), kind + " gave: " + reason);
                }
                assertEquals(names.events(), d.path("topic").asText());
                byReason.merge(category(reason), 1, Integer::sum);
                byKind.merge(kind, 1, Integer::sum);
            }
            assertEquals(hostileAt.keySet(), seen, "no hostile record lost");

            watch.stop();
            assertNeverRestarted(cluster, job, watch);
            System.out.printf("PoisonRecordITCase fuzz: sent %d hostile + %d valid; lists %d; dead letters %d "
                            + "(largest %d bytes); statuses %s; restarts 0; %.1f s (%.1f s after the last send)%n",
                    hostileCount, validCount, lists.size(), dead.size(), largest, watch.seen,
                    (System.nanoTime() - start) / 1e9, (System.nanoTime() - sentAt) / 1e9);
            System.out.println("  dead letters by generated kind: " + byKind);
            System.out.println("  dead letters by reason:");
            byReason.forEach((reason, count) -> System.out.printf("    %5d  %s%n", count, reason));
        } finally {
            watch.stop();
            job.cancel().get();
        }
    }

    /** Hostile record generators; {@link Kind#reason} is the reason prefix when it is decided before parsing JSON. */
    static final class Hostile {
        enum Kind {
            TRUNCATED_JSON(null),
            HIGH_BIT_FLIPS("invalid UTF-8"),
            RANDOM_BIT_FLIPS_IN_STRUCTURE(null),
            CONTROL_BYTES(null),
            RAW_CONTROL_CHAR_IN_STRING(null),
            BINARY_JUNK("invalid UTF-8"),
            TOMBSTONE("empty record"),
            EMPTY_VALUE("empty record"),
            NOT_AN_OBJECT(null),
            WRONG_FIELDS(null),
            HUGE_TYPE_WITH_ESCAPES(null),
            DEEP_NESTING(null),
            HUGE_FIELD("oversized payload"),
            HUGE_VALUE("oversized payload"),
            OVERSIZED_KEY("oversized key"),
            HOSTILE_KEY_BAD_VALUE(null);

            final String reason;

            Kind(String reason) {
                this.reason = reason;
            }
        }

        record Record(byte[] key, byte[] value) {}

        private final Random rnd;
        private int n;

        Hostile(Random rnd) {
            this.rnd = rnd;
        }

        /** A key a valid event may have: none, a user id, or up to the 1 KiB limit of control or invalid bytes. */
        byte[] legalKey(String user) {
            switch (rnd.nextInt(5)) {
                case 0:
                    return null;
                case 1:
                    return bytes(1 + rnd.nextInt(DeadLetter.MAX_KEY_BYTES), 0x00, 0x20);
                case 2:
                    return bytes(DeadLetter.MAX_KEY_BYTES, 0x80, 0x100);
                default:
                    return user.getBytes(StandardCharsets.UTF_8);
            }
        }

        Record make(Kind kind, long ts) {
            n++;
            String user = "fuzz-user-" + rnd.nextInt(20);
            byte[] key = user.getBytes(StandardCharsets.UTF_8);
            byte[] good = event("bad-" + n, user, item(n), "view", ts);
            switch (kind) {
                case TRUNCATED_JSON:
                    return new Record(key, Arrays.copyOf(good, 1 + rnd.nextInt(good.length - 1)));
                case HIGH_BIT_FLIPS: {
                    // one ASCII byte with its top bit set is never UTF-8 (two adjacent ones could make a character)
                    byte[] b = good.clone();
                    b[rnd.nextInt(b.length)] |= (byte) 0x80;
                    return new Record(key, b);
                }
                case RANDOM_BIT_FLIPS_IN_STRUCTURE: {
                    byte[] b = good.clone();
                    b[0] ^= (byte) (1 << rnd.nextInt(7)); // the opening brace is no longer one
                    for (int i = 0, flips = rnd.nextInt(4); i < flips; i++) {
                        b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                    }
                    return new Record(key, b);
                }
                case CONTROL_BYTES: {
                    byte[] b = bytes(1 + rnd.nextInt(300), 0x00, 0x20);
                    b[0] = 0x01; // not only whitespace
                    return new Record(key, b);
                }
                case RAW_CONTROL_CHAR_IN_STRING: {
                    String s = new String(good, StandardCharsets.UTF_8).replace("bad-", "bad-\u0001\u0000-");
                    return new Record(key, s.getBytes(StandardCharsets.UTF_8));
                }
                case BINARY_JUNK: {
                    byte[] b = new byte[1 + rnd.nextInt(5000)];
                    rnd.nextBytes(b);
                    b[0] = (byte) 0xFF; // never valid UTF-8
                    return new Record(rnd.nextBoolean() ? null : Arrays.copyOf(b, Math.min(b.length, 64)), b);
                }
                case TOMBSTONE:
                    return new Record(rnd.nextBoolean() ? null : key, null);
                case EMPTY_VALUE:
                    return new Record(key, new byte[0]);
                case NOT_AN_OBJECT: {
                    String[] s = {"[1,2,3]", "42", "\"event\"", "null", "true", "[]", "[{\"event_id\":\"x\"}]"};
                    return new Record(key, s[rnd.nextInt(s.length)].getBytes(StandardCharsets.UTF_8));
                }
                case WRONG_FIELDS: {
                    String e = new String(good, StandardCharsets.UTF_8);
                    String[] bad = {
                        e.replace("\"event_id\":\"bad-" + n + "\",", ""),
                        e.replace("\"ts\":" + ts, "\"ts\":\"" + ts + "\""),
                        e.replace("\"ts\":" + ts, "\"ts\":-" + ts),
                        e.replace("\"ts\":" + ts, "\"ts\":1e400"),
                        e.replace("\"ts\":" + ts, "\"ts\":" + "9".repeat(500)),
                        e.replace("\"type\":\"view\"", "\"type\":\"teleport\""),
                        e.replace("\"user_id\":\"" + user + "\"", "\"user_id\":\"   \""),
                        e.replace("\"user_id\":\"" + user + "\"", "\"user_id\":{\"nested\":[1,2]}"),
                        e.replace("}", ",\"price\":\"free\"}"),
                        e.replace("}", ",\"context\":[1]}"),
                    };
                    return new Record(key, bad[rnd.nextInt(bad.length)].getBytes(StandardCharsets.UTF_8));
                }
                case HUGE_TYPE_WITH_ESCAPES: {
                    // within events.max-bytes, so the parser quotes it in its reason: lone surrogates and control
                    // characters, escaped in the input, become real ones in the reason
                    String type = "\\ud800\\u0001\\\"x\\udfff\\u001f".repeat(1000 + rnd.nextInt(1000));
                    String e = new String(good, StandardCharsets.UTF_8).replace("\"type\":\"view\"",
                            "\"type\":\"" + type + "\"");
                    return new Record(key, e.getBytes(StandardCharsets.UTF_8));
                }
                case DEEP_NESTING: {
                    int depth = 2000 + rnd.nextInt(20_000);
                    String e = "{\"event_id\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
                    return new Record(key, e.getBytes(StandardCharsets.UTF_8));
                }
                case HUGE_FIELD: {
                    String big = "u".repeat(66_000 + rnd.nextInt(20_000));
                    String e = new String(good, StandardCharsets.UTF_8).replace("\"user_id\":\"" + user + "\"",
                            "\"user_id\":\"" + big + "\"");
                    return new Record(key, e.getBytes(StandardCharsets.UTF_8));
                }
                case HUGE_VALUE:
                    // now and then nearly as large as the producer allows (1 MiB)
                    return new Record(key, bytes(66_000 + rnd.nextInt(rnd.nextInt(30) == 0 ? 900_000 : 20_000),
                            0x00, 0x100));
                case OVERSIZED_KEY: {
                    int size = rnd.nextInt(20) == 0 ? KEY_600K : DeadLetter.MAX_KEY_BYTES + 1 + rnd.nextInt(20_000);
                    return new Record(bytes(size, 0x00, 0x100), rnd.nextBoolean() ? good
                            : "not json".getBytes(StandardCharsets.UTF_8));
                }
                case HOSTILE_KEY_BAD_VALUE:
                    return new Record(bytes(1 + rnd.nextInt(DeadLetter.MAX_KEY_BYTES), 0x00, 0x100),
                            "not json".getBytes(StandardCharsets.UTF_8));
                default:
                    throw new IllegalArgumentException(kind.name());
            }
        }

        private byte[] bytes(int size, int from, int to) {
            byte[] b = new byte[size];
            for (int i = 0; i < size; i++) {
                b[i] = (byte) (from + rnd.nextInt(to - from));
            }
            return b;
        }
    }

    /** Polls the job's status until stopped, keeping every status it saw in order (without repeats). */
    private static final class StatusWatch implements Runnable {
        final List<JobStatus> seen = new CopyOnWriteArrayList<>();
        private final JobClient job;
        private final Thread thread;
        private volatile boolean running = true;

        StatusWatch(JobClient job) {
            this.job = job;
            this.thread = new Thread(this, "job-status-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run() {
            while (running) {
                try {
                    JobStatus s = job.getJobStatus().get();
                    if (seen.isEmpty() || seen.get(seen.size() - 1) != s) {
                        seen.add(s);
                    }
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    if (running) {
                        seen.add(null); // could not ask: reported as a failure below
                    }
                }
            }
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
        }
    }

    /** The job is RUNNING, was never anything after RUNNING, and its execution graph never restarted or failed. */
    private static void assertNeverRestarted(MiniCluster cluster, JobClient job, StatusWatch watch) throws Exception {
        assertEquals(JobStatus.RUNNING, job.getJobStatus().get());
        List<JobStatus> seen = watch.seen;
        int firstRunning = seen.indexOf(JobStatus.RUNNING);
        assertTrue(firstRunning >= 0, "never RUNNING: " + seen);
        assertEquals(List.of(JobStatus.RUNNING), seen.subList(firstRunning, seen.size()),
                "the job left RUNNING: " + seen);
        JobID id = job.getJobID();
        AccessExecutionGraph graph = cluster.getExecutionGraph(id).get();
        assertEquals(0L, graph.getStatusTimestamp(JobStatus.RESTARTING), "the job restarted");
        assertEquals(0L, graph.getStatusTimestamp(JobStatus.FAILING), "the job failed");
        assertNull(graph.getFailureInfo(), () -> "the job had a failure: "
                + graph.getFailureInfo().getExceptionAsString());
    }

    private static Map<String, String> settings(Topics.Names names, String group) {
        Map<String, String> s = KafkaJobOptions.of(kafka, names, group);
        s.put("parallelism.default", "2");
        // checkpoints flush the sinks: a dead letter the producer refused would fail the job at the latest here
        s.put("execution.checkpointing.interval", "1 s");
        return s;
    }

    private static byte[] event(String id, String user, String item, String type, long ts) {
        return ("{\"event_id\":\"" + id + "\",\"user_id\":\"" + user + "\",\"item_id\":\"" + item
                + "\",\"type\":\"" + type + "\",\"ts\":" + ts + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String item(int i) {
        return String.format("i%05d", 1 + i % 300);
    }

    private static final RecommendationJson RECS = new RecommendationJson();

    private static List<String> triggerIds(List<ConsumerRecord<byte[], byte[]>> lists) {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : lists) {
            Recommendation rec = RECS.read(r.value());
            ids.add(rec.triggerEventId);
        }
        return ids;
    }

    private static final Pattern QUOTED = Pattern.compile("'([^']*)('|$)");

    /** A reason without its particulars (quoted input, numbers), to count reasons by kind. */
    private static String category(String reason) {
        String s = reason.replaceAll("(:|, got | \\().*$", "");
        s = QUOTED.matcher(s).replaceAll(m -> m.group(1).length() > 16 ? "'…'" : Matcher.quoteReplacement(m.group()));
        return s.length() > 70 ? s.substring(0, 70) + "…" : s;
    }

    /** Reads on for two checkpoint intervals after everything expected arrived: duplicates or a failure show up. */
    private static void settle(KafkaConsumer<byte[], byte[]> recs, List<ConsumerRecord<byte[], byte[]>> lists,
                               KafkaConsumer<byte[], byte[]> dlq, List<ConsumerRecord<byte[], byte[]>> dead) {
        long until = System.nanoTime() + Duration.ofMillis(2000).toNanos();
        while (System.nanoTime() < until) {
            recs.poll(Duration.ofMillis(100)).forEach(lists::add);
            dlq.poll(Duration.ofMillis(100)).forEach(dead::add);
        }
    }

}
