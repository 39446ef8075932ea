package io.streamrec.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench --smoke} runs every section of {@code --quick} (same code paths and method, tiny sizes) and prints its
 * table and valid JSON with the required keys. No timing assertions: benchmarks are not tests.
 */
class BenchCommandITCase {

    @Test
    void smokeRunPrintsTableAndWritesJsonWithTheRequiredKeys(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        Path png = dir.resolve("latency.png");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = new BenchCommand(new PrintStream(buf, true, StandardCharsets.UTF_8))
                .run(new String[]{"--smoke", "--json", json.toString(), "--plot", png.toString()});
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("| measure (smoke)"), out);
        assertTrue(out.contains("raw model K=100 batch=1 threads=1"), out);
        assertTrue(out.contains("pipeline p=1, config default"), out);
        assertTrue(out.contains("pipeline p=2, config default"), out);
        assertTrue(out.contains("latency @"), out);
        assertTrue(out.contains("load generator in its own JVM (pid "), out);

        JsonNode j = new ObjectMapper().readTree(Files.readString(json));
        for (String key : new String[]{"raw_model_events_per_s", "pipeline_events_per_s", "like_for_like_ratio",
                "like_for_like_ratio_p2", "cpu_us_per_event", "latency_ms", "latency_runs", "latency_worst_run_ms",
                "config", "retrieval_p99_ms", "state_bytes_per_user", "checkpoint_s_1m_users"}) {
            assertTrue(j.has(key), "JSON has " + key + ": " + j);
        }
        for (String gone : new String[]{"ratio", "cpu_ratio", "ratio_vs_raw_at_job_batch", "ratio_p2"}) {
            assertTrue(!j.has(gone), "no ratio that is not like for like: " + gone);
        }
        assertEquals("default", j.get("config").asText());
        assertTrue(j.get("raw_model_events_per_s").asDouble() > 0);
        assertTrue(j.get("pipeline_events_per_s").asDouble() > 0);
        assertTrue(j.get("like_for_like_ratio").asDouble() > 0);
        assertTrue(j.get("like_for_like_ratio_p2").asDouble() > 0);
        // the raw side runs at the job's own batch, K = the pipeline's mean candidates, full histories
        JsonNode like = j.get("raw_model_like_for_like");
        assertEquals(io.streamrec.config.StreamrecOptions.RANKER_BATCH_SIZE.defaultValue(), like.get("batch").asInt());
        assertEquals(j.get("job_batch_size").asInt(), like.get("batch").asInt());
        // the JSON's mean is rounded to 0.1, K to the nearest whole candidate of the unrounded mean
        assertEquals(j.get("pipeline_mean_candidates").asDouble(), like.get("k").asDouble(), 0.55);
        assertTrue(like.get("history").asInt() > 0);
        JsonNode cpu = j.get("cpu_us_per_event");
        for (String part : new String[]{"model", "operator", "rest"}) {
            assertTrue(cpu.path(part).isNumber() && cpu.get(part).asDouble() >= 0, "cpu_us_per_event." + part);
        }
        assertTrue(cpu.get("model").asDouble() > 0, "the ONNX calls were seen: " + cpu);
        double perCall = j.get("pipeline").get(0).path("events_per_onnx_call").asDouble(-1);
        assertTrue(perCall >= 1 && perCall <= j.get("job_batch_size").asInt(), "events per ONNX call: " + perCall);
        JsonNode lat = j.get("latency_ms");
        assertTrue(lat.get("p50").asDouble() > 0, "latency_ms: " + lat);
        assertTrue(lat.get("p50").asDouble() <= lat.get("p99").asDouble(), "p50 <= p99: " + lat);
        assertTrue(lat.get("p99").asDouble() <= lat.get("p999").asDouble(), "p99 <= p99.9: " + lat);
        assertEquals(1, j.get("latency_runs").size(), "one run in smoke mode");
        JsonNode step = j.get("latency_runs").get(0).get("steps").get(0);
        assertTrue(step.get("received").asInt() > 0 && step.get("received").asInt() == step.get("sent").asInt(),
                "every event got its list: " + step);
        assertTrue(step.path("to_emit").path("p50").asDouble() <= lat.get("p50").asDouble() + 1,
                "the job emits before the consumer receives: " + step);
        JsonNode jobInRun = step.path("job_in_run");
        assertTrue(jobInRun.path("tables_snapshots").isNumber(), "the tables' checkpoint freezes: " + step);
        assertTrue(jobInRun.path("checkpoint_syncs").isNumber(), "the checkpoints' synchronous parts: " + step);
        assertTrue(jobInRun.path("checkpoints_completed").isNumber()
                        && jobInRun.get("checkpoints_completed").asLong() <= jobInRun.get("checkpoint_syncs").asLong(),
                "the checkpoints end to end, each of which had a synchronous part: " + step);
        double runPerCall = jobInRun.path("events_per_onnx_call").asDouble(-1);
        assertTrue(runPerCall >= 1 && runPerCall <= j.get("job_batch_size").asInt(), "events per call: " + step);
        assertTrue(j.get("latency_worst_run_ms").get("p99").asDouble() >= lat.get("p99").asDouble());
        assertTrue(j.get("retrieval_p99_ms").has("10000"));
        JsonNode onBundle = null;
        for (JsonNode x : j.get("retrieval_ivf_prototype")) {
            if (x.get("source").asText().startsWith("bundle ")) {
                onBundle = x;
            }
        }
        assertNotNull(onBundle, "IVF measured on the bundle's own embeddings: " + j.get("retrieval_ivf_prototype"));
        assertEquals(1995, onBundle.get("items").asInt(), "the default bundle's items");
        double recall = onBundle.get("recall_at_100").asDouble();
        assertTrue(recall > 0.5 && recall <= 1.0, "recall against the exact scan: " + onBundle);
        byte[] head = Files.readAllBytes(png);
        assertTrue(head.length > 8 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', "a PNG");
    }

    @Test
    void latencyJobRunsInItsOwnJvmAndEveryEventIsTracedAndItsTopicsAreDeleted(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("trace.csv");
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        String out;
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int code = new BenchCommand(new PrintStream(buf, true, StandardCharsets.UTF_8))
                    .run(new String[]{"--smoke", "--sections", "latency", "--max-rate", "200", "--job-jvm",
                            "--bundle", "classpath:default", "--config", "evaluated",
                            "--latency-trace", trace.toString(),
                            "--kafka.bootstrap-servers", kafka.bootstrapServers()});
            out = buf.toString(StandardCharsets.UTF_8);
            assertEquals(0, code, out);
            // a run writes ~1 GB at full size; an external broker must not keep it
            try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
                java.util.Set<String> left = java.util.Set.of();
                for (int i = 0; i < 100; i++) { // the broker's metadata follows the deletion within moments
                    left = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                    if (left.stream().noneMatch(t -> t.startsWith("bench-"))) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertTrue(left.stream().noneMatch(t -> t.startsWith("bench-")), "bench topics left: " + left);
            }
        }
        java.util.regex.Matcher pid = java.util.regex.Pattern.compile("job in its own JVM \\(pid (\\d+)").matcher(out);
        assertTrue(pid.find(), out);
        assertTrue(Long.parseLong(pid.group(1)) != ProcessHandle.current().pid(), "a different process");
        assertTrue(ProcessHandle.of(Long.parseLong(pid.group(1))).map(h -> !h.isAlive()).orElse(true),
                "the job's JVM is stopped at the end");
        java.util.regex.Matcher got = java.util.regex.Pattern.compile("\\((\\d+)/(\\d+)\\)").matcher(out);
        assertTrue(got.find(), out);
        int received = Integer.parseInt(got.group(1));
        assertTrue(received > 0 && received == Integer.parseInt(got.group(2)), "every event got its list: " + out);

        java.util.List<String> lines = Files.readAllLines(trace);
        assertEquals("step,offered_events_per_s,scheduled_epoch_ms,appended_epoch_ms,emitted_epoch_ms,latency_ms",
                lines.get(0));
        assertEquals(received, lines.size() - 1, "one row per measured event");
        int withAppend = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            double sent = Double.parseDouble(f[2]);
            long appended = Long.parseLong(f[3]);
            long emitted = Long.parseLong(f[4]);
            double latency = Double.parseDouble(f[5]);
            assertTrue(latency > 0, line);
            // the list is emitted after its event was due and before it is received (ms clock, 1 ms of rounding)
            assertTrue(emitted >= Math.floor(sent) - 1 && emitted <= sent + latency + 1, line);
            if (appended >= 0) { // the broker's append time lies between the schedule and the list's emission
                withAppend++;
                assertTrue(appended >= Math.floor(sent) - 1 && appended <= emitted + 1, line);
            }
        }
        assertTrue(withAppend > 0, "the broker's append times reach the trace");
    }

    @Test
    void badOptionsAreUsageErrors() {
        BenchCommand c = new BenchCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            c.run(new String[]{"--quick", "--smoke"});
            throw new AssertionError("expected a usage error");
        } catch (io.streamrec.cli.Args.UsageException expected) {
            assertTrue(expected.getMessage().contains("--quick"));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
