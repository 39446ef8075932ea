package io.streamrec.docker;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker/job-submit.sh, the compose stack's idempotent submitter, run outside Docker against a fake {@code flink} CLI
 * (which records its arguments and answers {@code list} from a file) and fake savepoint and checkpoint directories:
 * fresh submit, resume from the newest complete savepoint or retained checkpoint, no second copy of a running job, and
 * no submit at all when the JobManager cannot be asked.
 */
class JobSubmitScriptTest {

    private static final String FAKE_FLINK = """
            #!/usr/bin/env bash
            echo "$*" >> "$FAKE_DIR/calls"
            if [ "$1" = list ]; then
                cat "$FAKE_DIR/list"
                exit "$(cat "$FAKE_DIR/list-rc" 2>/dev/null || echo 0)"
            fi
            echo "Job has been submitted with JobID 0123456789abcdef0123456789abcdef"
            """;
    private static final String NO_JOBS = "Waiting for response...\nNo running jobs.\nNo scheduled jobs.\n";

    @TempDir
    Path dir;
    private Path savepoints;
    private Path checkpoints;

    @BeforeEach
    void fakeFlink() throws IOException {
        Path flink = dir.resolve("flink");
        Files.writeString(flink, FAKE_FLINK);
        assertTrue(flink.toFile().setExecutable(true));
        Files.writeString(dir.resolve("list"), NO_JOBS);
        savepoints = Files.createDirectories(dir.resolve("data/savepoints"));
        checkpoints = Files.createDirectories(dir.resolve("data/checkpoints"));
    }

    @Test
    void submitsFreshWhenThereIsNoState() throws Exception {
        Files.createDirectories(checkpoints.resolve("a1b2/chk-3")); // incomplete: no _metadata
        Run r = run();
        assertEquals(0, r.exit, r.output);
        assertEquals(List.of("list -m jm:8081",
                "run -d -m jm:8081 /job/streamrec-job.jar --kafka.bootstrap-servers kafka:9092"), r.calls);
    }

    @Test
    void resumesFromTheNewestSavepointOrRetainedCheckpoint() throws Exception {
        Path oldSavepoint = complete(savepoints.resolve("savepoint-aaaaaa-111111111111"), 1_000);
        Path checkpoint = complete(checkpoints.resolve("0f0f/chk-41"), 2_000);
        complete(checkpoints.resolve("0f0f/chk-40"), 1_500);
        Run r = run();
        assertEquals(0, r.exit, r.output);
        assertEquals("run -d -m jm:8081 -s " + checkpoint + " /job/streamrec-job.jar --kafka.bootstrap-servers kafka:9092",
                r.calls.get(1));

        Path newSavepoint = complete(savepoints.resolve("savepoint-bbbbbb-222222222222"), 3_000);
        Files.delete(dir.resolve("calls"));
        Run again = run();
        assertEquals("run -d -m jm:8081 -s " + newSavepoint + " /job/streamrec-job.jar --kafka.bootstrap-servers "
                + "kafka:9092", again.calls.get(1));
        assertTrue(!again.calls.get(1).contains(oldSavepoint.toString()));
    }

    @Test
    void doesNotSubmitASecondCopyOfARunningJob() throws Exception {
        complete(checkpoints.resolve("0f0f/chk-7"), 1_000);
        Files.writeString(dir.resolve("list"), "Waiting for response...\n"
                + "------------------ Running/Restarting Jobs -------------------\n"
                + "06.12.2026 23:10:01 : 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f : streamrec (RUNNING)\n"
                + "--------------------------------------------------------------\n");
        Run r = run();
        assertEquals(0, r.exit, r.output);
        assertEquals(List.of("list -m jm:8081"), r.calls);
        assertTrue(r.output.contains("already running"), r.output);
    }

    @Test
    void anotherJobsNameDoesNotCountAsRunning() throws Exception {
        Files.writeString(dir.resolve("list"),
                "06.12.2026 23:10:01 : 0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f : streamrec-bench (RUNNING)\n");
        Run r = run();
        assertEquals(2, r.calls.size(), r.calls.toString());
        assertTrue(r.calls.get(1).startsWith("run -d"));
    }

    @Test
    void submitsNothingWhenTheJobManagerCannotBeAsked() throws Exception {
        Files.writeString(dir.resolve("list"), "Could not retrieve the job list: connection refused\n");
        Files.writeString(dir.resolve("list-rc"), "1");
        Run r = run();
        assertEquals(1, r.exit, r.output);
        assertEquals(List.of("list -m jm:8081"), r.calls);
    }

    /** A savepoint or checkpoint directory with its _metadata written at {@code seconds} after the epoch. */
    private static Path complete(Path stateDir, long seconds) throws IOException {
        Files.createDirectories(stateDir);
        Path meta = Files.writeString(stateDir.resolve("_metadata"), "x");
        Files.setLastModifiedTime(meta, FileTime.from(Instant.ofEpochSecond(seconds)));
        return stateDir;
    }

    private record Run(int exit, String output, List<String> calls) {}

    private Run run() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", Scripts.repoFile("docker/job-submit.sh").toString(),
                "--kafka.bootstrap-servers", "kafka:9092");
        Map<String, String> env = pb.environment();
        env.put("FLINK", dir.resolve("flink").toString());
        env.put("FAKE_DIR", dir.toString());
        env.put("FLINK_REST", "jm:8081");
        env.put("SAVEPOINT_DIR", savepoints.toString());
        env.put("CHECKPOINT_DIR", checkpoints.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        Path calls = dir.resolve("calls");
        return new Run(exit, out, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
    }
}
