package io.streamrec.lifecycle;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.Map;
import java.util.Properties;

/**
 * The consumer settings of the lifecycle tools that read a slice of a topic ({@code retrain}'s event window,
 * {@code model status}'s feedback): raw bytes, committed records only, no offsets committed and no topic created as a
 * side effect, since they assign partitions and seek by time rather than join a consumer group. The user's
 * {@code kafka.properties.*} (SASL, TLS) come first; these settings are what such a read needs.
 */
final class TopicReading {
    private TopicReading() {
    }

    static Properties consumerProperties(String bootstrap, Map<String, String> kafkaProperties) {
        Properties p = new Properties();
        p.putAll(kafkaProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }
}
