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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bench --smoke} runs every section of {@code --quick} except checkpoints (same code paths, tiny sizes) and
 * prints its table and valid JSON with the required keys. No timing assertions: benchmarks are not tests.
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
        assertTrue(out.contains("pipeline K=100 p=1"), out);
        assertTrue(out.contains("pipeline K=100 p=2"), out);
        assertTrue(out.contains("latency p99"), out);

        JsonNode j = new ObjectMapper().readTree(Files.readString(json));
        for (String key : new String[]{"raw_model_events_per_s", "pipeline_events_per_s", "ratio",
                "retrieval_p99_ms", "state_bytes_per_user"}) {
            assertTrue(j.has(key), "JSON has " + key + ": " + j);
        }
        assertTrue(j.get("raw_model_events_per_s").asDouble() > 0);
        assertTrue(j.get("pipeline_events_per_s").asDouble() > 0);
        assertTrue(j.get("ratio").asDouble() > 0);
        for (String p : new String[]{"p50", "p99", "p999"}) {
            assertTrue(j.path("latency_ms").path(p).asDouble() > 0, "latency_ms." + p + ": " + j);
        }
        assertTrue(j.get("retrieval_p99_ms").has("10000"));
        assertEquals(3, j.get("raw_model").size() - 2, "K = 50, 100, 200 plus the job's batch 8 and 2 threads");
        assertEquals(8, j.get("job_batch_size").asInt());
        assertTrue(j.get("ratio_vs_raw_at_job_batch").asDouble() > 0, "the stricter baseline is reported too");
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
                            "--latency-trace", trace.toString(), "--kafka.bootstrap-servers", kafka.bootstrapServers()});
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
        assertEquals("step,offered_events_per_s,sent_epoch_ms,appended_epoch_ms,emitted_epoch_ms,latency_ms",
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
            // the list is emitted after its event is sent and before it is received (ms clock, 1 ms of rounding)
            assertTrue(emitted >= Math.floor(sent) - 1 && emitted <= sent + latency + 1, line);
            if (appended >= 0) { // the broker's append time lies between the send and the list's emission
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
