package io.streamrec.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The admin client that creates and deletes topics gets the user's {@code kafka.properties.*} settings. */
class TopicsConfigTest {
    @Test
    void kafkaPropertiesReachTheAdminClientConfig() {
        Properties p = Topics.adminConfig("broker:9093", Map.of("security.protocol", "SSL",
                "ssl.truststore.location", "/etc/ts.jks"));
        assertEquals("broker:9093", p.get("bootstrap.servers"));
        assertEquals("SSL", p.get("security.protocol"));
        assertEquals("/etc/ts.jks", p.get("ssl.truststore.location"));
        assertEquals(15000, p.get("request.timeout.ms"));
    }
}
