package io.streamrec.config;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SecretsTest {

    @Test
    void masksEveryKeyThatNamesASecret() {
        Map<String, String> shown = Secrets.masked(Map.of(
                "kafka.properties.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" password=\"p\";",
                "kafka.properties.ssl.truststore.password", "changeit",
                "kafka.properties.ssl.key.password", "k",
                "kafka.properties.sasl.oauthbearer.token.endpoint.url", "https://idp/token",
                "s3.secret-key", "s",
                "gcs.Credentials.file", "/etc/c.json",
                "kafka.bootstrap-servers", "broker:9092",
                "kafka.properties.security.protocol", "SASL_SSL"));

        assertEquals(Map.of(
                "kafka.properties.sasl.jaas.config", "******",
                "kafka.properties.ssl.truststore.password", "******",
                "kafka.properties.ssl.key.password", "******",
                "kafka.properties.sasl.oauthbearer.token.endpoint.url", "******",
                "s3.secret-key", "******",
                "gcs.Credentials.file", "******",
                "kafka.bootstrap-servers", "broker:9092",
                "kafka.properties.security.protocol", "SASL_SSL"), shown);
        assertFalse(shown.toString().contains("password=\"p\""));
    }

    @Test
    void aKeyIsSecretCaseInsensitively() {
        assertTrue(Secrets.isSecret("KAFKA.PROPERTIES.SASL.JAAS.CONFIG"));
        assertFalse(Secrets.isSecret("kafka.properties.sasl.mechanism"));
        assertEquals("PLAIN", Secrets.shown("kafka.properties.sasl.mechanism", "PLAIN"));
    }
}
