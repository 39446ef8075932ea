package io.streamrec.sink;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.function.Function;

/**
 * What the job's Kafka outputs share: one topic, a JSON writer made once per sink writer (in {@link #open}, and
 * lazily for callers that skip it), and a key and timestamp per record. Subclasses say how a record is keyed, stamped
 * and written; this class builds the {@link ProducerRecord}.
 *
 * @param <T> the record type
 */
public abstract class JsonRecordSchema<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient Function<T, byte[]> writer;

    protected JsonRecordSchema(String topic) {
        this.topic = topic;
    }

    /** A new JSON writer (its buffers are reused record after record, so one per sink writer). */
    protected abstract Function<T, byte[]> newWriter();

    /** The Kafka key, or null. */
    protected abstract byte[] key(T record);

    /** The Kafka record time, or null for the producer's clock. */
    protected abstract Long timestamp(T record);

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        writer = newWriter();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T record, KafkaSinkContext context, Long timestamp) {
        if (writer == null) {
            writer = newWriter();
        }
        return new ProducerRecord<>(topic, null, timestamp(record), key(record), writer.apply(record));
    }
}
