package io.streamrec.lifecycle;

import io.streamrec.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code streamrec model status --bootstrap} against a real broker: it reads only the feedback records of the last
 * {@code --since}, from every partition, and prints HR@K and MRR@K per variant; a missing topic is one line, exit 1.
 */
class ModelStatusITCase {
    private static EmbeddedKafka kafka;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic("recommendation-feedback", 2, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static ProducerRecord<byte[], byte[]> feedback(long ts, String user, String variant, String version,
                                                           String type, int rank) {
        String json = "{\"user_id\":\"" + user + "\",\"variant\":\"" + variant + "\",\"model_version\":\"" + version
                + "\",\"event_id\":\"e-" + user + ts + "\",\"event_type\":\"" + type + "\",\"rank\":" + rank
                + ",\"list_size\":20,\"event_ts\":" + ts + "}";
        return new ProducerRecord<>("recommendation-feedback", null, ts, user.getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void statusPrintsLiveMetricsPerVariantOverTheWindow() throws Exception {
        long now = System.currentTimeMillis();
        try (KafkaProducer<byte[], byte[]> p = kafka.producer(Map.of())) {
            for (int i = 0; i < 50; i++) { // two hours old: outside --since 15m
                p.send(feedback(now - 7_200_000L, "old" + i, "a", "v0", "click", 1));
            }
            for (int i = 0; i < 10; i++) { // a: 4 hits of 10 at rank 2; b: 5 hits of 10 at rank 1
                p.send(feedback(now - 60_000L + i, "ua" + i, "a", "v1", i < 4 ? "click" : "view", i < 4 ? 2 : 0));
                p.send(feedback(now - 60_000L + i, "ub" + i, "b", "v2", i < 5 ? "purchase" : "view", i < 5 ? 1 : 0));
            }
            p.flush();
        }
        Path store = tmp.resolve("store");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ModelCommand cmd = new ModelCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
        Path bundle = tmp.resolve("bundle");
        Files.createDirectories(bundle);
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("streamrec.repo.root", "../.."),
                "model-export", "bundles", "default"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.copy(f, bundle.resolve(f.getFileName()));
            }
        }
        assertEquals(0, cmd.run(new String[] {"publish", bundle.toString(), "--store", store.toString(), "--version",
                "v1"}), err.toString());
        out.reset();
        assertEquals(0, cmd.run(new String[] {"status", "--store", store.toString(), "--bootstrap",
                kafka.bootstrapServers(), "--since", "15m", "--kafka.properties.client.id", "status-test"}),
                err.toString());
        String s = out.toString(StandardCharsets.UTF_8);
        assertTrue(s.contains("20 judged events"), s);
        assertTrue(s.matches("(?s).*\\n  a +v1 +10 +20 +0\\.4000 +0\\.2000  click=4\\n.*"), s);
        assertTrue(s.matches("(?s).*\\n  b +v2 +10 +20 +0\\.5000 +0\\.5000  purchase=5\\n.*"), s);
        assertFalse(s.contains("v0"), "records older than --since are not read: " + s);

        err.reset();
        assertEquals(1, cmd.run(new String[] {"status", "--store", store.toString(), "--bootstrap",
                kafka.bootstrapServers(), "--feedback-topic", "no-such-topic"}));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("topic no-such-topic not found at " + kafka.bootstrapServers()), lines
                .get(0));
    }
}
