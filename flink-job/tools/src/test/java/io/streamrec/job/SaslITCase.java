package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import io.streamrec.sink.Recommendation;
import io.streamrec.sink.RecommendationJson;
import com.fasterxml.jackson.databind.ObjectMapper;
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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.streamrec.job.TopicReads.readAtLeast;

/**
 * The job against a broker whose client listener requires SASL/PLAIN: {@code kafka.properties.*} reaches every Kafka
 * client the job creates (the start-up check's admin client, both sources, both sinks). A wrong password ends
 * {@code streamrec job} at start-up with one line; the right one runs the job end to end.
 */
class SaslITCase {

    private static final EmbeddedKafka.SaslPlain USER = new EmbeddedKafka.SaslPlain("streamrec", "s3cret-pw");

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder()
                    .setNumberTaskManagers(1)
                    .setNumberSlotsPerTaskManager(1)
                    .build());

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(Map.of(), USER);
        kafka.createTopics(); // the admin client logs in as USER: SASL works on the broker
    }

    @AfterAll
    static void stopKafka() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static List<String> jobArgs(Map<String, String> kafkaProperties) {
        List<String> args = new ArrayList<>(List.of("--kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--kafka.startup-timeout", "20 s"));
        kafkaProperties.forEach((k, v) -> {
            args.add("--kafka.properties." + k);
            args.add(v);
        });
        return args;
    }

    @Test
    void aWrongPasswordFailsAtStartUpWithOneLine() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StreamrecJob.run(jobArgs(USER.clientProperties("wrong-pw")).toArray(new String[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, code);
        assertEquals(2, lines.size(), "one line and the hint: " + lines);
        assertEquals("streamrec job: Kafka at " + kafka.bootstrapServers() + " refused the credentials "
                + "(kafka.properties.*): Authentication failed: Invalid username or password", lines.get(0));
        assertFalse(lines.get(0).contains("wrong-pw"), "the password is not printed");
    }

    @Test
    void withoutCredentialsTheBrokerIsNotReachedEither() throws Exception {
        // A PLAINTEXT client on a SASL listener gets no answer it understands: the check times out, naming the
        // address, instead of the job waiting and looping.
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StreamrecJob.run(new String[] {"--kafka.bootstrap-servers", kafka.bootstrapServers(),
                        "--kafka.startup-timeout", "2 s"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(2, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("streamrec job: cannot reach Kafka at "
                + kafka.bootstrapServers() + " within 2 s (kafka.bootstrap-servers)"), err.toString());
    }

    @Test
    void theRightPasswordRunsTheJobEndToEnd() throws Exception {
        Map<String, String> settings = KafkaJobOptions.of(kafka, Topics.Names.defaults(), "sasl-it");
        settings.put("parallelism.default", "1");
        settings.put("execution.checkpointing.interval", "2 s");
        settings.put("events.max-ts-past", "36500 d"); // the simulator starts its clock at a fixed past date
        USER.clientProperties().forEach((k, v) -> settings.put("kafka.properties." + k, v));
        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(settings));
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer(Map.of());
             KafkaConsumer<byte[], byte[]> recs = kafka.consumer("recommendations", Map.of());
             KafkaConsumer<byte[], byte[]> dlq = kafka.consumer("user-events-dlq", Map.of())) {
            Simulator sim = new Simulator(new World(SimConfig.defaults().users(10)), 0, 0, null);
            Set<String> events = new HashSet<>();
            while (events.size() < 20) {
                SimRecord r = sim.next();
                producer.send(new ProducerRecord<>(r.itemUpdate() ? "item-updates" : "user-events",
                        r.key().getBytes(StandardCharsets.UTF_8), r.value())).get();
                if (!r.itemUpdate()) {
                    events.add(r.event().eventId);
                }
            }
            producer.send(new ProducerRecord<>("user-events", "u-bad".getBytes(StandardCharsets.UTF_8),
                    "not json".getBytes(StandardCharsets.UTF_8))).get();

            List<ConsumerRecord<byte[], byte[]>> lists = readAtLeast(recs, 20, Duration.ofSeconds(120));
            RecommendationJson json = new RecommendationJson();
            Set<String> triggers = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : lists) {
                Recommendation rec = json.read(r.value());
                assertTrue(rec.items.length > 0);
                triggers.add(rec.triggerEventId);
            }
            assertEquals(events, triggers, "one list per event, through the SASL source and sink");
            List<ConsumerRecord<byte[], byte[]>> dead = readAtLeast(dlq, 1, Duration.ofSeconds(60));
            assertEquals("user-events", new ObjectMapper().readTree(dead.get(0).value()).path("topic").asText(),
                    "the dead-letter sink logs in too");
        } finally {
            job.cancel().get();
        }
    }

}
