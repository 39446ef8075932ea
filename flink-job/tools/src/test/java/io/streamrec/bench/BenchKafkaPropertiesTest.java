package io.streamrec.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The bench's {@code kafka.properties.*} reach its producers and consumers and the jobs it starts. */
class BenchKafkaPropertiesTest {
    private static final Map<String, String> SASL = Map.of("security.protocol", "SASL_SSL", "sasl.mechanism",
            "PLAIN");

    private static PipelineBench bench() {
        return new PipelineBench("broker:9093", Map.of(), SASL, new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void kafkaPropertiesReachTheLoadGeneratorsProducerAndTheConsumer() {
        Properties producer = bench().producerConfig(false);
        assertEquals("SASL_SSL", producer.get("security.protocol"));
        assertEquals("PLAIN", producer.get("sasl.mechanism"));
        assertEquals("broker:9093", producer.get("bootstrap.servers"));
        Properties consumer = bench().consumerConfig();
        assertEquals("SASL_SSL", consumer.get("security.protocol"));
        assertEquals("false", consumer.get("enable.auto.commit"));
    }

    @Test
    void kafkaPropertiesReachTheJobsTheBenchStarts() throws Exception {
        PipelineBench b = bench();
        try {
            Map<String, String> conf = b.jobConf(b.names("t"), "recs", 1);
            assertEquals("SASL_SSL", conf.get("kafka.properties.security.protocol"));
            assertEquals("PLAIN", conf.get("kafka.properties.sasl.mechanism"));
            assertEquals("broker:9093", conf.get("kafka.bootstrap-servers"));
        } finally {
            b.cleanup();
        }
    }

    @Test
    void withoutKafkaPropertiesTheClientsKeepTheirDefaults() {
        Properties producer = new PipelineBench("broker:9093", Map.of(),
                new PrintStream(OutputStream.nullOutputStream())).producerConfig(true);
        assertEquals(null, producer.get("security.protocol"));
        assertEquals("10", producer.get("linger.ms"));
    }
}
