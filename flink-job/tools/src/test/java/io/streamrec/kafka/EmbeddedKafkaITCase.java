package io.streamrec.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaITCase {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        System.out.println("EmbeddedKafka started in " + kafka.startMillis() + " ms at " + kafka.bootstrapServers());
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void createsTheFourTopicsIdempotentlyWithItemUpdatesCompacted() throws Exception {
        Set<String> expected = new java.util.HashSet<>(Topics.Names.defaults().all());
        try (Admin admin = kafka.admin()) { // other tests' custom names share the default feedback topic
            expected.removeAll(admin.listTopics().names().get());
        }
        List<String> first = kafka.createTopics();
        List<String> second = kafka.createTopics();
        assertEquals(expected, Set.copyOf(first));
        assertTrue(second.isEmpty());
        try (Admin admin = kafka.admin()) {
            ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, Topics.ITEMS);
            Config c = admin.describeConfigs(List.of(r)).all().get().get(r);
            assertEquals("compact", c.get("cleanup.policy").value());
            ConfigResource e = new ConfigResource(ConfigResource.Type.TOPIC, Topics.EVENTS);
            assertEquals("delete", admin.describeConfigs(List.of(e)).all().get().get(e).get("cleanup.policy").value());
        }
    }

    @Test
    void plainRoundTrip() throws Exception {
        kafka.createTopics(new Topics.Names("rt-events", "rt-items", "rt-recs", "rt-dlq"), 2);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProps(null))) {
            for (int i = 0; i < 100; i++) {
                p.send(new ProducerRecord<>("rt-events", "u" + (i % 7), "v" + i));
            }
            p.flush();
        }
        List<ConsumerRecord<String, String>> got = consume("rt-events", 100, "read_uncommitted");
        assertEquals(100, got.size());
        Set<String> values = new java.util.HashSet<>();
        got.forEach(r -> values.add(r.value()));
        assertEquals(100, values.size());
    }

    @Test
    void transactionsWorkOnASingleNode() throws Exception {
        kafka.createTopics(new Topics.Names("tx-events", "tx-items", "tx-recs", "tx-dlq"), 1);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producerProps("streamrec-test-tx"))) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("tx-recs", "u1", "aborted"));
            p.abortTransaction();
            p.beginTransaction();
            p.send(new ProducerRecord<>("tx-recs", "u1", "committed"));
            p.commitTransaction();
        }
        List<ConsumerRecord<String, String>> got = consume("tx-recs", 1, "read_committed");
        assertEquals(1, got.size());
        assertEquals("committed", got.get(0).value());
    }

    private static Properties producerProps(String txId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        if (txId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
            // Below the broker's default transaction.max.timeout.ms (15 min), as the job's sink must be.
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 600_000);
        }
        return p;
    }

    private static List<ConsumerRecord<String, String>> consume(String topic, int expected, String isolation) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // A little longer, to catch records that should not be there.
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }
}
