package io.streamrec.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new Main().run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void noArgumentsAndHelpListEverySubcommand() {
        assertEquals(0, run());
        assertEquals(0, run("--help"));
        String o = out.toString(StandardCharsets.UTF_8);
        for (String c : List.of("demo", "simulate", "kafka", "job", "evaluate", "bench")) {
            assertTrue(o.contains("  " + c + " "), "missing " + c + " in\n" + o);
        }
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        assertEquals(2, run("frobnicate"));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("unknown subcommand 'frobnicate'"));
        assertTrue(e.contains("Subcommands:"));
    }

    @Test
    void placeholdersSayNotImplemented() {
        assertEquals(2, run("evaluate"));
        assertEquals(2, run("bench", "--anything"));
    }

    @Test
    void badOptionsNameTheOption() {
        assertEquals(2, run("simulate", "--out", "x.jsonl", "--bogus", "1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --bogus"));
        assertEquals(2, run("simulate", "--out", "x.jsonl", "--users", "many"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("option --users needs an integer"));
        assertEquals(2, run("simulate", "--events", "10"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--out FILE or --kafka.bootstrap-servers"));
        assertEquals(2, run("demo", "--rate"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("option --rate needs a value"));
        assertEquals(2, run("kafka", "--port", "-3"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("option --port must be >= 1"));
    }

    @Test
    void simulateWritesAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ev.jsonl");
        assertEquals(0, run("simulate", "--out", f.toString(), "--events", "1000", "--users", "50"));
        List<String> lines = Files.readAllLines(f);
        assertEquals(1000, lines.size());
        assertTrue(lines.get(0).startsWith("{\"event_id\":"));
    }

    @Test
    void aBadOptionPrintsOneLineAndAHintNotTheUsage() {
        assertEquals(2, run("simulate", "--out", "x.jsonl", "--bogus", "1"));
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("Run 'streamrec simulate --help' for its options.", lines.get(1));
    }

    @Test
    void deprecatedAliasesStillSetTheJobNamedOption() {
        assertEquals(2, run("simulate", "--out", "x.jsonl", "--topic-events", "ev"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("option --topic.events is for Kafka mode only"));
        assertEquals(2, run("simulate", "--out", "x.jsonl", "--bootstrap-servers", "localhost:1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("give exactly one of --out FILE or "
                + "--kafka.bootstrap-servers"));
        assertEquals(2, run("demo", "--state-backend", "memory"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("option --state.backend.type must be rocksdb"));
    }

    @Test
    void simulateAcceptsKafkaPropertiesOnlyInKafkaModeAndStillRefusesUnknownOptions() {
        assertEquals(2, run("simulate", "--out", "x.jsonl", "--kafka.properties.security.protocol", "SSL"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("options --kafka.properties.* are for Kafka mode only"));
        assertEquals(2, run("simulate", "--out", "x.jsonl", "--kafka.propertiesx", "SSL"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --kafka.propertiesx"));
        assertEquals(2, run("demo", "--kafka.properties.security.protocol", "SSL"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "unknown option --kafka.properties.security.protocol"));
    }

    @Test
    void benchTakesKafkaPropertiesOnlyForAnExternalBroker() {
        assertEquals(2, run("bench", "--smoke", "--kafka.properties.security.protocol", "SSL"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains(
                "options --kafka.properties.* need --kafka.bootstrap-servers"));
    }

    @Test
    void jobHelpListsEveryStreamrecOption() {
        assertEquals(0, run("job", "--help"));
        String help = out.toString(StandardCharsets.UTF_8);
        for (org.apache.flink.configuration.ConfigOption<?> o : io.streamrec.config.StreamrecOptions.all()) {
            assertTrue(help.contains("--" + o.key() + " "), "missing " + o.key());
        }
    }
}
