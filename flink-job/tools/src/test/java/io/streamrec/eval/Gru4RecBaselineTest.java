package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GRU4Rec baseline on a tiny model that model-export's {@code baseline-gru4rec} trains in the test (run as the
 * evaluator runs it, with /usr/bin/python3) on a log where item i is always followed by item i+1: after item A the
 * list starts with the item that followed A. Opening the model replays PyTorch's golden scores with ONNX Runtime (the
 * export's parity check), so a tampered golden file must be refused.
 */
class Gru4RecBaselineTest {
    static final int ITEMS = 30;
    static final long T0 = 1_700_000_000_000L;
    static final long GAP_MS = 1_800_000L;

    @TempDir
    static Path dir;
    static Path model;
    static List<UserEvent> log;

    @BeforeAll
    static void train() throws Exception {
        Assumptions.assumeTrue(pythonHasTorch(), SharedLogFixturesTest.PYTHON + " lacks torch or onnx");
        log = patternLog(300, 1);
        Path data = dir.resolve("train.jsonl");
        EvaluateCommand.writeJsonl(data, log);
        model = dir.resolve("gru4rec");
        Map<String, Object> knobs = new java.util.LinkedHashMap<>(new EvalSettings().gru4rec);
        knobs.putAll(Map.of("epochs", 30, "dim", 32, "max_len", 8, "lr", 0.01, "patience", 5));
        ModelExport.gru4rec(SharedLogFixturesTest.REPO, SharedLogFixturesTest.PYTHON, data, model, GAP_MS / 1000,
                knobs, dir.resolve("gru4rec.log"), new PrintStream(new ByteArrayOutputStream(), true,
                        StandardCharsets.UTF_8));
    }

    static boolean pythonHasTorch() throws InterruptedException {
        try {
            return new ProcessBuilder(SharedLogFixturesTest.PYTHON, "-c", "import torch, onnx")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Sessions of 3..9 views of consecutive items (mod ITEMS), one hour apart, users reused. */
    static List<UserEvent> patternLog(int sessions, long seed) {
        Random r = new Random(seed);
        List<UserEvent> out = new ArrayList<>();
        long t = T0;
        for (int s = 0; s < sessions; s++) {
            int start = r.nextInt(ITEMS);
            for (int j = 0, n = 3 + r.nextInt(7); j < n; j++) {
                out.add(view("e" + out.size(), "u" + (s % 40), "i" + ((start + j) % ITEMS), t));
                t += 60_000;
            }
            t += 3_600_000;
        }
        return out;
    }

    static UserEvent view(String id, String user, String item, long ts) {
        return new UserEvent(id, user, item, EventType.VIEW, ts);
    }

    static Baselines.Popular popular(List<UserEvent> events) {
        Baselines.Popular p = new Baselines.Popular(1);
        events.forEach(p::observe);
        return p;
    }

    @Test
    void afterItemAItRecommendsTheItemThatAlwaysFollowedA() throws Exception {
        try (Gru4RecBaseline g = Gru4RecBaseline.open(model, 1, popular(log))) {
            long t = T0 + 1_000_000_000L;
            int right = 0;
            for (int a = 0; a < ITEMS; a++) {
                String user = "test" + a;
                UserEvent prev = view("p" + a, user, "i" + ((a + ITEMS - 1) % ITEMS), t);
                UserEvent e = view("q" + a, user, "i" + a, t + 60_000);
                g.observe(prev);
                g.observe(e);
                List<String> l = g.recommend(e, 20);
                assertEquals(20, l.size());
                assertEquals(20, Set.copyOf(l).size(), "no duplicates: " + l);
                if (l.get(0).equals("i" + ((a + 1) % ITEMS))) {
                    right++;
                }
            }
            assertTrue(right >= ITEMS * 9 / 10, right + " of " + ITEMS + " lists start with the next item; "
                    + g.describe());
        }
    }

    @Test
    void fallsBackToPopularWithoutAKnownItemAndStartsANewSessionAfterTheGap() throws Exception {
        Baselines.Popular pop = popular(log);
        try (Gru4RecBaseline g = Gru4RecBaseline.open(model, 1, pop)) {
            long t = T0 + 2_000_000_000L;
            UserEvent unknown = view("x1", "cold", "never-seen", t);
            g.observe(unknown);
            assertEquals(pop.top(20), g.recommend(unknown, 20), "only an unknown item: popular");
            assertEquals(pop.top(20), g.recommend(view("x0", "nobody", "i3", t), 20), "a user never observed");

            // i5 then, after more than the gap, i10: the new session holds i10 alone, so i11 comes first
            g.observe(view("x2", "u-gap", "i5", t));
            UserEvent late = view("x3", "u-gap", "i10", t + GAP_MS + 1);
            g.observe(late);
            assertEquals("i11", g.recommend(late, 20).get(0));
            // a changed session id ends the session too: i20 then (new session) i25
            UserEvent s1 = view("x4", "u-sid", "i20", t);
            s1.sessionId = "a";
            UserEvent s2 = view("x5", "u-sid", "i25", t + 1000);
            s2.sessionId = "b";
            g.observe(s1);
            g.observe(s2);
            assertEquals("i26", g.recommend(s2, 20).get(0));

            // the discovery list of the same event reuses its scores: one model call for both lists
            String calls = g.describe();
            List<String> d = g.discover(s2, 20, Set.of("i25", "i26"));
            assertEquals(calls, g.describe());
            assertEquals(20, d.size());
            assertTrue(!d.contains("i26") && !d.contains("i25"), d.toString());
        }
    }

    @Test
    void refusesAModelWhoseOnnxScoresDifferFromPyTorchs(@TempDir Path copy) throws Exception {
        for (String f : List.of("gru4rec.json", "gru4rec.onnx", "gru4rec.golden.json")) {
            Files.copy(model.resolve(f), copy.resolve(f));
        }
        ObjectMapper m = new ObjectMapper();
        ObjectNode golden = (ObjectNode) m.readTree(copy.resolve("gru4rec.golden.json").toFile());
        var scores = (com.fasterxml.jackson.databind.node.ArrayNode) golden.path("cases").get(0).path("scores");
        scores.set(0, scores.get(0).asDouble() + 0.5);
        m.writeValue(copy.resolve("gru4rec.golden.json").toFile(), golden);
        IOException e = assertThrows(IOException.class, () -> Gru4RecBaseline.open(copy, 1, popular(log)));
        assertTrue(e.getMessage().contains("PyTorch gave"), e.getMessage());
    }
}
