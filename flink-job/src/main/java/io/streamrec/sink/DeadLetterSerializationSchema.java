package io.streamrec.sink;

import io.streamrec.event.DeadLetter;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Writes dead letters to the DLQ topic, keyed like the original record: its key when at most
 * {@link DeadLetter#MAX_KEY_BYTES}, else a {@code sha256:} digest of it ({@link DeadLetter#recordKeyOf}). Key plus
 * value stay within {@link DeadLetter#MAX_RECORD_BYTES}, so the producer never rejects one as too large (which would
 * fail the job and replay the record forever).
 */
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
        // Kafka refuses a negative timestamp; a dead letter must not fail over its own metadata
        Long ts = d.ts >= 0 ? d.ts : null;
        return new ProducerRecord<>(topic, null, ts, key(d), json.write(d));
    }

    /** The Kafka key of a dead letter, at most {@link DeadLetter#MAX_KEY_BYTES}; null if the original had none. */
    static byte[] key(DeadLetter d) {
        if (d.recordKey != null) {
            return DeadLetter.recordKeyOf(d.recordKey);
        }
        // a dead letter built by hand, without recordKey: its (possibly lossy) text key, bounded the same way
        return d.key == null ? null : DeadLetter.recordKeyOf(d.key.getBytes(StandardCharsets.UTF_8));
    }
}
