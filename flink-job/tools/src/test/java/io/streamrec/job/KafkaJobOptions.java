package io.streamrec.job;

import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;

import java.util.LinkedHashMap;
import java.util.Map;

/** The job options an end-to-end test starts from: this broker, these topics read from the start, one group. */
public final class KafkaJobOptions {

    private KafkaJobOptions() {}

    /** A mutable map: the test adds what it is about (parallelism, delivery guarantee, ...). */
    public static Map<String, String> of(EmbeddedKafka kafka, Topics.Names names, String group) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("kafka.bootstrap-servers", kafka.bootstrapServers());
        s.put("kafka.group-id", "streamrec-" + group);
        s.put("kafka.starting-offsets", "earliest");
        s.put("topic.events", names.events());
        s.put("topic.items", names.items());
        s.put("topic.recommendations", names.recommendations());
        s.put("topic.dlq", names.dlq());
        s.put("topic.feedback", names.feedback());
        s.put("model.reload-interval", "0 s");
        return s;
    }
}
