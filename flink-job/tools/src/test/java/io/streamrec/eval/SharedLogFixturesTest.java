package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.UserEvent;
import io.streamrec.event.UserEventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java evaluator and model-export's {@code convert} see the same events in every log of the shared fixture
 * {@code model-export/tests/fixtures/logs} (raw files and their {@code <name>.expected.jsonl}). For each file, convert
 * (run for real with /usr/bin/python3) writes exactly the expected bytes, Java's JSON-lines reader reads the converted
 * file and the expected file to the same events, {@link EventLogReader#read} gives those events with convert's
 * skipped counts, and {@link UserEventJson} writes each event back as the expected line. For the JSON-lines fixtures,
 * which Java reads itself, Java's skipped counts equal convert's. The fixtures are hand-written; nothing is generated.
 */
class SharedLogFixturesTest {

    static final Path REPO = findRepo();
    static final Path LOGS = REPO.resolve("model-export/tests/fixtures/logs");
    static final String PYTHON = "/usr/bin/python3";

    static Path findRepo() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("model-export/streamrec_model"))) {
                return d;
            }
        }
        throw new IllegalStateException("no model-export above " + Path.of("").toAbsolutePath());
    }

    static Stream<String> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(LOGS)) {
            List<String> names = s.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".expected.jsonl") && !n.endsWith(".md") && !n.startsWith("."))
                    .sorted().toList();
            assertTrue(names.size() >= 9, names.toString());
            return names.stream();
        }
    }

    static Path expected(String name) {
        return LOGS.resolve(name.substring(0, name.lastIndexOf('.')) + ".expected.jsonl");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void convertAndJavaSeeTheSameEvents(String name, @TempDir Path dir) throws Exception {
        Path raw = LOGS.resolve(name);
        byte[] expectedBytes = Files.readAllBytes(expected(name));
        EventLogReader.EventLog exp = EventLogReader.readJsonl(expected(name));
        assertEquals(Map.of(), exp.badRows(), "convert writes only lines the JSON-lines rules accept");
        assertFalse(exp.events().isEmpty());

        // convert, run as the evaluator runs it
        Path converted = dir.resolve("converted.jsonl");
        Path report = dir.resolve("report.json");
        ModelExport.convert(REPO, PYTHON, raw, "auto", "r", converted, report, dir.resolve("convert.log"),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertArrayEquals(expectedBytes, Files.readAllBytes(converted), name);
        assertEquals(exp.events(), EventLogReader.readJsonl(converted).events(), name);
        Map<String, Integer> skipped = skipped(report);

        // what evaluate reads: the same events, convert's counts
        EventLogReader.EventLog l = EventLogReader.read(raw, "auto", "r", converter(dir.resolve("eval")));
        assertEquals(exp.events(), l.events(), name);
        assertEquals(skipped, l.badRows(), name);
        assertEquals(new ObjectMapper().readTree(report.toFile()).get("format").asText(), l.format());

        // the one writer writes each event as convert did
        List<String> kept = List.of(new String(expectedBytes, StandardCharsets.UTF_8).split("\n"));
        List<String> written = new ArrayList<>();
        for (UserEvent e : l.events()) {
            written.add(UserEventJson.toJson(e));
        }
        assertEquals(kept, written, name);

        if (l.format().equals("jsonl")) { // read by Java itself: its own counts must be convert's
            EventLogReader.EventLog direct = EventLogReader.readJsonl(raw);
            assertEquals(exp.events(), direct.events(), name);
            assertEquals(skipped, direct.badRows(), name);
        }
    }

    static EventLogReader.Converter converter(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new EventLogReader.Converter(REPO, PYTHON, dir,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static Map<String, Integer> skipped(Path report) throws IOException {
        Map<String, Integer> m = new TreeMap<>();
        JsonNode s = new ObjectMapper().readTree(report.toFile()).get("skipped");
        s.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().intValue()));
        return m;
    }
}
