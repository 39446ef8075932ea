package io.streamrec.feedback;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/**
 * Writes each {@link ListFeedback} to the feedback topic as {@link FeedbackJson}, keyed by user_id (a user's
 * judgements stay ordered in one partition, next to their lists). The record time is the producer's clock, not the
 * event's: a replay of old events must not be deleted at once by the topic's time retention.
 */
public class FeedbackSerializationSchema implements KafkaRecordSerializationSchema<ListFeedback> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient FeedbackJson json;

    public FeedbackSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        json = new FeedbackJson();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(ListFeedback f, KafkaSinkContext context, Long timestamp) {
        if (json == null) {
            json = new FeedbackJson();
        }
        byte[] key = f.userId == null ? null : f.userId.getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, null, key, json.write(f));
    }
}
