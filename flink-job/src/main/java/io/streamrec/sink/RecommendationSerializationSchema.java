package io.streamrec.sink;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;

/** Writes each recommendation to the output topic keyed by user_id, so a user's lists stay ordered in one partition. */
public class RecommendationSerializationSchema implements KafkaRecordSerializationSchema<Recommendation> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private transient RecommendationJson json;

    public RecommendationSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        json = new RecommendationJson();
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Recommendation r, KafkaSinkContext context, Long timestamp) {
        if (json == null) {
            json = new RecommendationJson();
        }
        return new ProducerRecord<>(topic, null, r.emittedTs, r.userId.getBytes(StandardCharsets.UTF_8),
                json.write(r));
    }
}
