package io.streamrec.demo;

import io.streamrec.sim.Catalogue;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo's frame fits the terminal whatever arrives: long ids, long dead-letter reasons and many watched users give
 * at most 40 lines of at most 80 columns with the header on top; warm-up latency is shown apart from the steady
 * figures; items carry their category and its label.
 */
class DemoViewTest {

    private static final String LONG = "x".repeat(150);
    private static final DemoView.Header HEADER = new DemoView.Header(83, "localhost:40123", 123_456, 200, 12, 3, 4,
            198, null);

    private final World world = new World(SimConfig.defaults().users(50));
    private final Catalogue catalogue = world.catalogue();

    private static byte[] list(String user, long seq, long eventTs, long emittedTs, List<String> items) {
        StringBuilder j = new StringBuilder("{\"user_id\":\"" + user + "\",\"seq\":" + seq + ",\"event_ts\":" + eventTs
                + ",\"emitted_ts\":" + emittedTs + ",\"model_version\":\"v-" + LONG + "\",\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            j.append(i == 0 ? "" : ",").append("{\"item_id\":\"").append(items.get(i))
                    .append("\",\"score\":0.5,\"source\":\"covisit-and-a-very-long-source-name\"}");
        }
        j.append("],\"discover\":[{\"item_id\":\"").append(items.get(0)).append("\",\"score\":0.1,\"source\":\"ivf\"}]}");
        return j.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCrowdedFrameFitsEightyByFortyWithTheHeaderOnTop() {
        List<String> watched = new ArrayList<>(world.mostActiveUsers(6));
        watched.add("user-" + LONG);
        DemoView view = new DemoView(catalogue, watched);
        Simulator sim = new Simulator(world, 0.0, 0.0, null);
        for (int i = 0; i < 3000; i++) {
            SimRecord r = sim.next();
            if (!r.itemUpdate()) {
                view.onSent(r);
            }
        }
        long now = System.currentTimeMillis();
        List<String> items = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            items.add(i % 2 == 0 ? catalogue.itemId(i) : "item-" + i + "-" + LONG);
        }
        for (String u : watched) {
            view.onRecommendation(list(u, 1, now - 40, now - 10, items), now);
        }
        for (int i = 0; i < 20; i++) {
            view.onDeadLetter(("{\"reason\":\"oversized payload " + i + ": " + LONG + "\"}").getBytes(StandardCharsets.UTF_8));
        }

        String frame = view.frame(HEADER, u -> List.of("c03 shoes 41%", "c07 " + LONG + " 22%"), 80, 40);
        List<String> lines = frame.lines().toList();
        assertTrue(lines.size() <= 40, lines.size() + " lines:\n" + frame);
        for (String l : lines) {
            assertTrue(l.length() <= 80, "wider than 80 columns (" + l.length() + "): " + l);
        }
        assertTrue(lines.get(0).startsWith("streamrec demo 01:23  model v-"), lines.get(0));
        assertTrue(lines.get(1).startsWith("events 123,456 (200/s)"), lines.get(1));
        assertTrue(lines.get(2).contains("DLQ 20"), lines.get(2));
        assertTrue(lines.get(3).startsWith("steady   (figures after the first 10 s"), lines.get(3));
        assertTrue(lines.get(4).startsWith("warm-up 10 s event→emitted p50 30 ms p99 30  consumed p50 40"),
                lines.get(4));
        String first = watched.get(0);
        assertTrue(frame.contains(first + "  wants c03 shoes 41%"), frame);
        // A catalogue item is shown by its name with its category's label; an unknown one by its id.
        String c = catalogue.categoryIdOfItem(0);
        assertTrue(frame.contains("1. " + catalogue.name(0) + " · " + view.label(c)), frame);
        assertTrue(frame.contains("2. item-1-"), frame);
        assertEquals(40, lines.size(), "seven users share the lines below the header");

        double[] interest = new double[catalogue.numCategories()];
        interest[3] = 0.6;
        interest[1] = 0.3;
        assertEquals(List.of(catalogue.categoryId(3) + " " + catalogue.categoryLabel(3) + " 60%",
                catalogue.categoryId(1) + " " + catalogue.categoryLabel(1) + " 30%"),
                DemoView.interestLabels(catalogue, interest, 2));
    }

    @Test
    void warmUpLatencyIsKeptApartFromTheSteadyFigures() {
        DemoView view = new DemoView(catalogue, List.of("u1"), Duration.ofSeconds(1));
        long t0 = 1_000_000L;
        for (int i = 0; i < 10; i++) { // the first second: a cold job, 500 ms
            view.onRecommendation(list("u" + i, 1, t0 + i - 500, t0 + i - 10, List.of("i1")), t0 + i);
        }
        for (int i = 0; i < 100; i++) { // afterwards: 5 ms
            view.onRecommendation(list("v" + i, 1, t0 + 2000 + i - 5, t0 + 2000 + i - 1, List.of("i1")),
                    t0 + 2000 + i);
        }
        assertEquals(490, view.warmUpPercentiles()[0]);
        assertEquals(4, view.steadyPercentiles()[0]);
        assertEquals(5, view.steadyPercentiles()[2]);
        assertEquals(4, view.latencyPercentiles()[0], "the summary figure is the steady one");

        List<String> lines = view.frame(HEADER, u -> List.of(), 80, 40).lines().toList();
        assertEquals("steady       event→emitted p50 4 ms p99 4  consumed p50 5 p99 5 (ms)", lines.get(3));
        assertEquals("warm-up 1 s  event→emitted p50 490 ms p99 490  consumed p50 500 p99 500 (ms)", lines.get(4));
    }

    @Test
    void aSmallTerminalStillGetsTheHeaderAndNoWrappedLine() {
        DemoView view = new DemoView(catalogue, world.mostActiveUsers(4));
        List<String> lines = view.frame(HEADER, u -> List.of(LONG), 30, 8).lines().toList();
        assertEquals(8, lines.size());
        assertTrue(lines.get(0).startsWith("streamrec demo"));
        assertTrue(lines.stream().allMatch(l -> l.length() <= 30), lines.toString());
        assertTrue(lines.get(3).startsWith("latency  (no recommendations") && lines.get(3).endsWith("…"),
                lines.get(3));
        assertTrue(lines.get(5).isEmpty() && lines.get(6).contains("  wants "), "one user in the three lines left");
    }

    @Test
    void deadLetterReasonsNameTheFieldButNotTheValue() {
        DemoView view = new DemoView(catalogue, List.of("u00001"));
        for (String reason : List.of("missing required field 'user_id'", "field 'ts' must be an integer (epoch ms), got"
                + " \"x\"", "unknown event type 'hover' (expected view, click)", "unknown event type 'tap'")) {
            view.onDeadLetter(("{\"reason\":\"" + reason.replace("\"", "\\\"") + "\"}")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Long> reasons = view.dlqReasons();
        assertTrue(reasons.keySet().stream().anyMatch(k -> k.contains("'user_id'")), reasons.toString());
        assertTrue(reasons.keySet().stream().anyMatch(k -> k.contains("'ts'")), reasons.toString());
        assertEquals(2L, reasons.get("unknown event type '…'"), "values are grouped: " + reasons);
    }

    @Test
    void theStorefrontUrlIsTheSecondHeaderLineWhenTheDemoRunsOne() {
        DemoView view = new DemoView(catalogue, List.of("u00001"));
        DemoView.Header h = new DemoView.Header(5, "localhost:1", 0, 0, 0, 0, 0, 0, "http://127.0.0.1:8088/");
        List<String> lines = view.frame(h, u -> List.of(), 80, 40).lines().toList();
        assertEquals("storefront http://127.0.0.1:8088/", lines.get(1));
        assertTrue(lines.get(2).startsWith("events "), lines.get(2));
    }
}
