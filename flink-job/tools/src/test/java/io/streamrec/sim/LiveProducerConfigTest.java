package io.streamrec.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The simulator's producer gets the user's {@code kafka.properties.*} settings (SASL/TLS) over its defaults. */
class LiveProducerConfigTest {
    @Test
    void kafkaPropertiesReachTheProducerConfigAndOverrideItsDefaults() {
        Properties p = LiveProducer.producerConfig("broker:9093", Map.of("security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN", "linger.ms", "20"));
        assertEquals("broker:9093", p.get("bootstrap.servers"));
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("PLAIN", p.get("sasl.mechanism"));
        assertEquals("20", p.get("linger.ms"));
        assertEquals("all", p.get("acks"));
    }

    @Test
    void withoutKafkaPropertiesTheProducerKeepsItsDefaults() {
        Properties p = LiveProducer.producerConfig("broker:9093", Map.of());
        assertEquals(5, p.get("linger.ms"));
        assertEquals(null, p.get("security.protocol"));
    }
}
