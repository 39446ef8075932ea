package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.kafka.EmbeddedKafka;
import io.streamrec.kafka.Topics;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.streamrec.job.TopicReads.readUntil;

/**
 * The job run locally as {@code bin/streamrec job} and the demo run it (its own MiniCluster, no test cluster) serves
 * its metrics to Prometheus: after simulated traffic with malformed records, the reporter's HTTP endpoint on the
 * default ports ({@link JobEnvironment#PROMETHEUS_PORTS}) exports the event-to-emit latency summary with a count for
 * every list and the dead-letter counter for every malformed record, under the names Prometheus sees.
 */
class PrometheusITCase {

    /** The operator scope Flink's Prometheus reporter puts before a task operator's metric name. */
    static final String OPERATOR_SCOPE = "flink_taskmanager_job_task_operator_";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aLocalRunExportsTheLatencyHistogramAndTheDeadLetterCounter(@TempDir Path tmp) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
             KafkaProducer<byte[], byte[]> producer = startProducer(kafka)) {
            kafka.createTopics();
            Map<String, String> settings = KafkaJobOptions.of(kafka, Topics.Names.defaults(), "prometheus");
            settings.put("parallelism.default", "1");
            settings.put("events.max-ts-past", "36500 d"); // simulated time lags the wall clock
            settings.put("execution.checkpointing.dir", tmp.resolve("checkpoints").toUri().toString());
            settings.put("rest.port", "0");
            JobClient job = StreamrecJob.executeAsync(StreamrecConfig.fromMap(settings));
            try (KafkaConsumer<byte[], byte[]> recs = kafka.consumer("recommendations", Map.of());
                 KafkaConsumer<byte[], byte[]> dlq = kafka.consumer("user-events-dlq", Map.of())) {
                Simulator sim = new Simulator(new World(SimConfig.defaults().users(30)), 0.08, 0.0, null);
                int events = 0;
                int malformed = 0;
                while (events + malformed < 200) {
                    SimRecord r = sim.next();
                    String topic = r.itemUpdate() ? "item-updates" : "user-events";
                    producer.send(new ProducerRecord<>(topic, bytes(r.key()), r.value())).get();
                    if (r.itemUpdate()) {
                        continue;
                    }
                    if (r.malformed() != null) {
                        malformed++;
                    } else {
                        events++;
                    }
                }
                final int lists = events;
                final int bad = malformed;
                assertTrue(bad > 3, "the simulator sent malformed records");
                readUntil(recs, new ArrayList<>(), l -> l.size() >= lists, Duration.ofSeconds(120), lists + " lists");
                readUntil(dlq, new ArrayList<>(), l -> l.size() >= bad, Duration.ofSeconds(60), bad + " dead letters");

                String jobLabel = "job_id=\"" + job.getJobID() + "\"";
                String page = scrapeUntil(jobLabel, OPERATOR_SCOPE + "eventToEmitLatencyMs_count");
                List<String> latency = series(page, OPERATOR_SCOPE + "eventToEmitLatencyMs_count", jobLabel);
                assertEquals(1, latency.size(), "one latency summary at parallelism 1: " + latency);
                assertEquals(lists, (long) sum(latency), "every list is counted once: " + latency);
                assertTrue(series(page, OPERATOR_SCOPE + "eventToEmitLatencyMs{", jobLabel).stream()
                        .anyMatch(l -> l.contains("quantile=\"0.99\"")), "p99 exported");
                List<String> deadLetters = series(page, OPERATOR_SCOPE + "deadLetters", jobLabel);
                assertTrue(sum(deadLetters) >= bad, "dead letters counted: " + deadLetters + ", sent " + bad);
                assertTrue(!series(page, OPERATOR_SCOPE + "modelSwaps", jobLabel).isEmpty(), "modelSwaps exported");
                // the version, a string, reaches Prometheus as the label of a 1/0 gauge (the reporter writes every
                // character outside [a-zA-Z0-9:_] of a label value as '_')
                String version = io.streamrec.ranking.BundleLoader.load("classpath:default").modelVersion()
                        .replaceAll("[^a-zA-Z0-9:_]", "_");
                List<String> serving = series(page, OPERATOR_SCOPE + "model_version_modelServing", jobLabel);
                assertEquals(1, serving.size(), "one serving version: " + serving);
                assertTrue(serving.get(0).contains("model_version=\"" + version + "\""), serving.get(0));
                assertEquals(1.0, sum(serving), serving.get(0));
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static KafkaProducer<byte[], byte[]> startProducer(EmbeddedKafka kafka) {
        return kafka.producer(Map.of());
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Scrapes the default port range until one page carries {@code metric} for this job: another local run may hold
     * 9249, and metrics appear once the operators have reported their first values.
     */
    private static String scrapeUntil(String jobLabel, String metric) throws Exception {
        String[] range = JobEnvironment.PROMETHEUS_PORTS.split("-");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (int port = Integer.parseInt(range[0]); port <= Integer.parseInt(range[1]); port++) {
                String page = scrape(port);
                if (page != null && !series(page, metric, jobLabel).isEmpty()) {
                    return page;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no Prometheus endpoint on ports " + JobEnvironment.PROMETHEUS_PORTS
                + " exported " + metric + " for " + jobLabel);
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (Exception e) {
            return null; // nothing listening there
        }
    }

    /** The sample lines of {@code name} (a prefix up to the labels) for this job. */
    static List<String> series(String page, String name, String jobLabel) {
        List<String> out = new ArrayList<>();
        for (String line : page.split("\n")) {
            if (line.startsWith(name) && (name.endsWith("{") || line.charAt(name.length()) == '{')
                    && line.contains(jobLabel)) {
                out.add(line);
            }
        }
        return out;
    }

    private static double sum(List<String> lines) {
        double s = 0;
        for (String l : lines) {
            s += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
        }
        return s;
    }
}
