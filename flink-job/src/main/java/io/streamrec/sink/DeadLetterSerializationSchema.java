package io.streamrec.sink;

import io.streamrec.event.DeadLetter;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Writes dead letters to the DLQ topic, keyed like the original record when it had a key. */
public class DeadLetterSerializationSchema implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient DeadLetterJson json;

    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        json = new DeadLetterJson();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        if (json == null) {
            json = new DeadLetterJson();
        }
        byte[] key = d.key == null ? null : d.key.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, d.ts, key, json.write(d));
    }
}
