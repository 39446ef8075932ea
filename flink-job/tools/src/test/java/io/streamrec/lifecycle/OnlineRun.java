package io.streamrec.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.config.StreamrecConfig;
import io.streamrec.event.UserEvent;
import io.streamrec.event.UserEventJson;
import io.streamrec.job.KafkaJobOptions;
import io.streamrec.job.StreamrecJob;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.store.ModelStore;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real job (local MiniCluster, the embedded broker) over a model store on a stream of events sent to a topic
 * of their own, and reads the {@code recommendation-feedback} topic: what a shop would see online. For tests.
 */
final class OnlineRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OnlineRun() {
    }

    /**
     * Per variant: {judged events, MRR@20} from the feedback topic, once every event has its list.
     *
     * @param run names this run's topics ({@code <run>-events}, {@code <run>-feedback}, ...), so runs stay apart
     */
    static Map<String, double[]> mrr20PerVariant(EmbeddedKafka kafka, ModelStore store, List<UserEvent> events,
                                                 Path checkpoints, String run) throws Exception {
        Topics.Names names = new Topics.Names(run + "-events", run + "-items", run + "-recommendations",
                run + "-dlq", run + "-feedback");
        kafka.createTopics(names, 2);
        Map<String, String> s = KafkaJobOptions.of(kafka, names, run);
        s.put("model.path", store.uri());
        s.put("parallelism.default", "2");
        s.put("events.max-ts-past", "36500 d"); // simulated time lags the wall clock
        s.put("execution.checkpointing.dir", checkpoints.toUri().toString());
        JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(s));
        try (KafkaProducer<byte[], byte[]> p = kafka.producer(Map.of());
             KafkaConsumer<byte[], byte[]> recs = kafka.consumer(names.recommendations(), Map.of());
             KafkaConsumer<byte[], byte[]> feedback = kafka.consumer(names.feedback(), Map.of())) {
            for (UserEvent e : events) {
                p.send(new ProducerRecord<>(names.events(), e.userId.getBytes(StandardCharsets.UTF_8),
                        UserEventJson.toJsonBytes(e)));
            }
            p.flush();
            int lists = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (lists < events.size()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + lists + " of " + events.size() + " lists within 3 minutes");
                }
                lists += recs.poll(Duration.ofMillis(500)).count();
            }
            Map<String, double[]> out = new HashMap<>();
            int idle = 0;
            while (idle < 6) { // every list is out; the feedback records travel beside them
                var batch = feedback.poll(Duration.ofMillis(500));
                idle = batch.isEmpty() ? idle + 1 : 0;
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    JsonNode n = JSON.readTree(r.value());
                    double[] acc = out.computeIfAbsent(n.get("variant").asText(), k -> new double[2]);
                    int rank = n.get("rank").asInt();
                    acc[0]++;
                    acc[1] += rank >= 1 && rank <= 20 ? 1.0 / rank : 0.0;
                }
            }
            for (double[] acc : out.values()) {
                acc[1] /= Math.max(1, acc[0]);
            }
            return out;
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
