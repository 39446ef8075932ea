package io.streamrec.job;

import io.streamrec.config.StreamrecConfig;
import io.streamrec.model.ShippedBundle;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one-line messages of the start-up checks, and that {@code streamrec job} ends with exit code 2 and no stack
 * trace when one fails. Kafka here is a local port nobody listens on; the broker cases (missing topic, credentials,
 * success) are ITCases in the tools module.
 */
class StartupChecksTest {

    /** A local port that was free a moment ago: connections to it are refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Configuration conf(Map<String, String> values) {
        return StreamrecConfig.fromMap(values);
    }

    @Test
    void anUnreachableBrokerFailsWithinTheTimeoutNamingTheAddressAndTheOption() throws Exception {
        String servers = "localhost:" + closedPort();
        long t0 = System.nanoTime();
        StartupChecks.Failure f = assertThrows(StartupChecks.Failure.class, () -> StartupChecks.checkKafka(conf(Map.of(
                "kafka.bootstrap-servers", servers, "kafka.startup-timeout", "1 s"))));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;

        assertEquals("cannot reach Kafka at " + servers + " within 1 s (kafka.bootstrap-servers)", f.getMessage());
        assertTrue(tookMs < 10_000, "gave up after the timeout, not Kafka's 60 s default: " + tookMs + " ms");
    }

    @Test
    void anUnresolvableHostIsNamed() {
        StartupChecks.Failure f = assertThrows(StartupChecks.Failure.class, () -> StartupChecks.checkKafka(conf(Map.of(
                "kafka.bootstrap-servers", "no-such-host.invalid:9092", "kafka.startup-timeout", "1 s"))));

        assertEquals("cannot resolve any address of Kafka at no-such-host.invalid:9092 (kafka.bootstrap-servers)",
                f.getMessage());
    }

    @Test
    void aKafkaSettingTheClientRefusesIsNamed() {
        StartupChecks.Failure f = assertThrows(StartupChecks.Failure.class, () -> StartupChecks.checkKafka(conf(Map.of(
                "kafka.bootstrap-servers", "localhost:9092", "kafka.properties.security.protocol", "SASL_NOPE"))));

        assertTrue(f.getMessage().startsWith("cannot create a Kafka client for localhost:9092 "
                + "(kafka.bootstrap-servers, kafka.properties.*): "), f.getMessage());
        assertTrue(f.getMessage().contains("SASL_NOPE"), f.getMessage());
    }

    @Test
    void aMissingBundleDirectoryNamesThePathAndTheOption() {
        StartupChecks.Failure f = assertThrows(StartupChecks.Failure.class,
                () -> StartupChecks.checkModel("/no/such/bundle"));

        assertEquals("cannot serve the model bundle (model.path): bundle /no/such/bundle: no such directory or zip "
                + "file", f.getMessage());
    }

    @Test
    void aCorruptBundleNamesTheFileThatFailed(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("bundle");
        copy(ShippedBundle.directory(), dir);
        byte[] ranker = Files.readAllBytes(dir.resolve("ranker.onnx"));
        ranker[ranker.length / 2] ^= 0x5a; // one flipped byte in the model
        Files.write(dir.resolve("ranker.onnx"), ranker);

        StartupChecks.Failure f = assertThrows(StartupChecks.Failure.class,
                () -> StartupChecks.checkModel(dir.toString()));

        assertTrue(f.getMessage().startsWith("cannot serve the model bundle (model.path): bundle " + dir + ": "),
                f.getMessage());
        assertTrue(f.getMessage().contains("sha256 mismatch for ranker.onnx"), f.getMessage());
        assertFalse(f.getMessage().contains("\n"), "one line: " + f.getMessage());
    }

    @Test
    void theShippedBundlePasses() {
        assertDoesNotThrow(() -> StartupChecks.checkModel(ShippedBundle.CLASSPATH));
    }

    @Test
    void jobEndsWithExitCode2AndOneLinePlusHintWithoutAStackTrace() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StreamrecJob.run(new String[] {"--model.path", "/no/such/bundle"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, code);
        assertEquals(List.of(
                "streamrec job: cannot serve the model bundle (model.path): bundle /no/such/bundle: no such directory "
                        + "or zip file",
                "Run with --help for the options; --job.startup-checks false skips the start-up checks."), lines);
    }

    @Test
    void jobRefusesAnUnreachableBrokerBeforeSubmitting() throws Exception {
        String servers = "localhost:" + closedPort();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = StreamrecJob.run(new String[] {"--kafka.bootstrap-servers", servers,
                        "--kafka.startup-timeout", "500 ms"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(2, code);
        assertEquals("streamrec job: cannot reach Kafka at " + servers + " within 500 ms (kafka.bootstrap-servers)",
                err.toString(StandardCharsets.UTF_8).lines().findFirst().orElse(""));
    }

    @Test
    void theChecksCanBeSwitchedOff() {
        assertDoesNotThrow(() -> StartupChecks.run(conf(Map.of(
                "job.startup-checks", "false", "model.path", "/no/such/bundle",
                "kafka.bootstrap-servers", "localhost:1"))));
    }

    @Test
    void aTimeoutIsWrittenAsAPersonWouldWriteIt() {
        assertEquals("30 s", StartupChecks.human(Duration.ofSeconds(30)));
        assertEquals("2 min", StartupChecks.human(Duration.ofMinutes(2)));
        assertEquals("1500 ms", StartupChecks.human(Duration.ofMillis(1500)));
    }

    @Test
    void theTimeoutMustBePositive() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> conf(Map.of("kafka.startup-timeout", "0 s")));
        assertTrue(e.getMessage().contains("kafka.startup-timeout"), e.getMessage());
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
