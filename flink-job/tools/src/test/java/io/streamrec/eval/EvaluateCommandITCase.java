package io.streamrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.sim.SimConfig;
import io.streamrec.sim.SimRecord;
import io.streamrec.sim.Simulator;
import io.streamrec.sim.World;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `streamrec evaluate` end to end on a small simulated log, with the shipped bundle (no training in the test). */
class EvaluateCommandITCase {

    @Test
    void evaluatesASimulatedLogEndToEnd(@TempDir Path dir) throws Exception {
        SimConfig cfg = SimConfig.defaults().seed(7).users(60).items(200).categories(8);
        Simulator sim = new Simulator(new World(cfg), 0.0, 0.0, null);
        Path logFile = dir.resolve("sim.jsonl");
        try (OutputStream os = Files.newOutputStream(logFile)) {
            while (sim.eventsSent() < 2000) {
                SimRecord r = sim.next();
                if (!r.itemUpdate()) {
                    os.write(r.value());
                    os.write('\n');
                }
            }
        }
        Path out = dir.resolve("report");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        int rc = new EvaluateCommand(new PrintStream(progress, true, StandardCharsets.UTF_8)).run(new String[] {
                "--log", logFile.toString(), "--split", "0.7", "--model.path", "classpath:default",
                "--out", out.toString(), "--oracle", "--oracle-seed", "7", "--oracle-users", "60",
                "--oracle-items", "200", "--oracle-categories", "8", "--tune"});
        String log = progress.toString(StandardCharsets.UTF_8);
        assertEquals(0, rc, log);
        // the training part only warms the state (recs.lists-from = the test part's start): one list per test event
        java.util.regex.Matcher done = java.util.regex.Pattern.compile(
                "replay: done, (\\d+) lists for 2000 events \\((\\d+) before recs.lists-from").matcher(log);
        assertTrue(done.find(), log);
        long lists = Long.parseLong(done.group(1));
        long warm = Long.parseLong(done.group(2));
        assertEquals(2000, lists + warm, log);

        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        Set<String> expected = Set.of("streamrec", "popular", "trending", "repeat", "covisit_knn", "vsknn", "stan",
                "retrieval", "gru4rec", "oracle");
        Set<String> got = new java.util.HashSet<>();
        m.get("methods").fieldNames().forEachRemaining(got::add);
        assertEquals(expected, got);
        // the neural baseline was trained on the training part and its ONNX model passed the golden replay
        assertTrue(log.contains("evaluate: gru4rec trained in"), log);
        assertTrue(m.get("configuration").get("gru4rec").asText().contains("golden replay max"), m.toString());
        assertTrue(Files.isRegularFile(out.resolve("gru4rec/gru4rec.onnx")));
        for (Iterator<Map.Entry<String, JsonNode>> it = m.get("methods").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            for (String protocol : Scorer.PROTOCOLS) {
                JsonNode cell = e.getValue().get(protocol);
                for (String metric : Scorer.METRICS) {
                    double v = cell.get(metric).asDouble(-1);
                    assertTrue(v >= 0 && v <= 1, e.getKey() + " " + protocol + " " + metric + " = " + v);
                }
                assertTrue(cell.get("HR@10").asDouble() <= cell.get("HR@20").asDouble());
                assertTrue(cell.get("MRR@20").asDouble() <= cell.get("HR@20").asDouble());
            }
        }
        JsonNode ds = m.get("dataset");
        assertEquals(ds.get("train_events").asLong(), warm, "every training event warmed, none was ranked");
        assertTrue(ds.get("scored_events").asLong() > 100, ds.toString());
        assertTrue(ds.get("scored_events_new_item").asLong() > 0);
        assertEquals(0, m.get("replay").get("dead_letters").asLong());
        JsonNode tune = new ObjectMapper().readTree(out.resolve("tune.json").toFile());
        assertEquals(46, tune.get("grid").size());
        String chosenK = "k=" + tune.get("chosen").get("vsknn").get("k").asInt();
        assertTrue(m.get("configuration").get("tuning").asText().contains(chosenK), m.get("configuration").toString());
        assertTrue(Files.readString(out.resolve("report.md")).contains("Parameter choice on the validation split"));
        assertEquals(0, m.get("replay").get("test_events_without_list").asLong());
        // every list the job emitted for a scored event was scored: none empty
        // the oracle knows the world: it must beat popularity on the simulator
        assertTrue(m.get("methods").get("oracle").get("all").get("HR@20").asDouble()
                > m.get("methods").get("popular").get("all").get("HR@20").asDouble());
        // the evaluation config turns the job's discovery list on, and `new` scores it. A new next item is outside the
        // history window, so wherever the main list has it the discovery list has it at the same rank or better
        JsonNode job = m.get("methods").get("streamrec").get("new");
        JsonNode jobMain = m.get("new_on_main_list").get("streamrec");
        for (String metric : new String[] {"HR@10", "HR@20", "MRR@20"}) {
            assertTrue(job.get(metric).asDouble() >= jobMain.get(metric).asDouble(), metric + " " + m);
        }
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("| streamrec |") && report.contains("recs.filter-purchased"), report);
        assertTrue(report.contains("recs.discover-list=true") && report.contains("New items, main lists"), report);
        byte[] png = Files.readAllBytes(out.resolve("chart.png"));
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
    }

    @Test
    void separateTrainAndTestCsvFilesWithoutEventIds(@TempDir Path dir) throws Exception {
        // generic CSV has no event ids: both files number their rows from 2, so the ids must not collide
        StringBuilder train = new StringBuilder("user_id,item_id,event_type,ts_ms\n");
        StringBuilder test = new StringBuilder("user_id,item_id,event_type,ts_ms\n");
        for (int i = 0; i < 300; i++) {
            String row = "u" + (i % 7) + ",i" + ((i * 13) % 40) + "," + (i % 11 == 0 ? "add_to_cart" : "view") + ","
                    + (1_700_000_000_000L + i * 60_000L) + "\n";
            (i < 200 ? train : test).append(row);
        }
        Files.writeString(dir.resolve("train.csv"), train);
        Files.writeString(dir.resolve("test.csv"), test);
        Path out = dir.resolve("report");
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        int rc = new EvaluateCommand(new PrintStream(progress, true, StandardCharsets.UTF_8)).run(new String[] {
                "--train", dir.resolve("train.csv").toString(), "--test", dir.resolve("test.csv").toString(),
                "--model.path", "classpath:default", "--out", out.toString(), "--no-neural-baseline"});
        assertEquals(0, rc, progress.toString(StandardCharsets.UTF_8));
        JsonNode m = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertTrue(!m.get("methods").has("gru4rec") && !Files.exists(out.resolve("gru4rec")), m.toString());
        assertEquals(200, m.get("dataset").get("train_events").asLong());
        assertEquals(100, m.get("dataset").get("test_events").asLong());
        assertEquals(93, m.get("dataset").get("scored_events").asLong()); // 100 test events minus 7 users' last
        assertEquals(0, m.get("replay").get("test_events_without_list").asLong());
        // 40 items about equally popular: the top-20 popular list holds about half of the next items
        assertTrue(m.get("methods").get("popular").get("all").get("HR@20").asDouble() > 0.3, m.toString());
    }

    @Test
    void readsRawFormatsThroughConvertAndJsonLinesItself(@TempDir Path dir) throws Exception {
        EventLogReader.Converter conv = SharedLogFixturesTest.converter(dir.resolve("out"));
        Path csv = dir.resolve("log.csv");
        Files.writeString(csv, "user_id,item_id,event_type,ts_ms,category\nu1,i1,view,2000,c\nu1,i2,purchase,1000,c\n"
                + "u2,,view,5,c\nu3,i3,teleport,6,c\n");
        EventLogReader.EventLog l = EventLogReader.read(csv, "auto", "r", conv);
        assertEquals("csv", l.format());
        assertEquals(csv.toString(), l.source());
        assertEquals(2, l.events().size());
        assertEquals("i2", l.events().get(0).itemId); // sorted by time
        assertEquals("r3", l.events().get(0).eventId);
        assertEquals(Map.of("bad_item_id", 1, "unknown_type", 1), l.badRows()); // convert's counts
        assertTrue(Files.isRegularFile(dir.resolve("out/log.csv.jsonl"))); // the converted log stays, to look at

        Path taobao = dir.resolve("UserBehavior.csv");
        Files.writeString(taobao, "1,10,5,pv,1511544070\n1,11,5,buy,1511544071\n1,12,5,fav,1511544072\n1,13,5,pv\n");
        l = EventLogReader.read(taobao, "taobao", "train-", conv);
        assertEquals(3, l.events().size());
        assertEquals("train-1", l.events().get(0).eventId);
        assertEquals(1511544070000L, l.events().get(0).ts);
        assertEquals(io.streamrec.event.EventType.PURCHASE, l.events().get(1).type);
        assertEquals(Map.of("wrong_column_count", 1), l.badRows()); // the truncated last line
        assertTrue(Files.isRegularFile(dir.resolve("out/train-UserBehavior.csv.jsonl")));

        Path jsonl = dir.resolve("log.jsonl");
        Files.writeString(jsonl, "{\"event_id\":\"e1\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":5}\n"
                + "not json\n{\"event_id\":\"e2\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\"}\n");
        l = EventLogReader.read(jsonl, "auto", "r", null); // JSON lines need no convert
        assertEquals("jsonl", l.format());
        assertEquals(1, l.events().size());
        assertEquals(Map.of("invalid_json", 1, "missing_ts", 1), l.badRows());
        // what the job parses is the input contract
        assertEquals("{\"event_id\":\"e1\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":5}",
                io.streamrec.event.UserEventJson.toJson(l.events().get(0)));

        // a raw log without a checkout to convert it with, a format convert fails on, an unknown format
        IOException e = assertThrows(IOException.class, () -> EventLogReader.read(csv, "auto", "r", null));
        assertTrue(e.getMessage().contains("convert"), e.getMessage());
        e = assertThrows(IOException.class, () -> EventLogReader.read(taobao, "diginetica", "r", conv));
        assertTrue(e.getMessage().contains("unexpected Diginetica header"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EventLogReader.read(csv, "parquet", "r", conv));
    }

    @Test
    void autoReadsTheFormatFromTheFirstLineBeforeTheFileName(@TempDir Path dir) throws Exception {
        EventLogReader.Converter conv = SharedLogFixturesTest.converter(dir.resolve("out"));
        Map<String, String> firstLines = Map.of(
                "jsonl", "\n{\"event_id\":\"e1\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":1}\n",
                "diginetica", "session_id;user_id;item_id;timeframe;eventdate\n1;NA;81766;526309;2016-05-09\n",
                "csv", "\uFEFFuser_id,item_id,event_type,ts_ms,category\nu1,i1,view,1,c\n",
                "taobao", "1,2268318,2520377,pv,1511544070\n");
        for (var e : firstLines.entrySet()) {
            for (String name : List.of("events.txt", "UserBehavior.csv", "sim.jsonl")) { // names that say otherwise
                Path f = dir.resolve(e.getKey() + "-" + name);
                Files.writeString(f, e.getValue());
                EventLogReader.EventLog l = EventLogReader.read(f, "auto", "r", conv);
                assertEquals(e.getKey(), l.format(), f.toString());
                assertEquals(1, l.events().size(), f + ": " + l.badRows());
                assertEquals(Map.of(), l.badRows());
            }
        }
        // a first line that shows nothing: the file name decides
        Path odd = dir.resolve("odd-item-views.csv");
        Files.writeString(odd, "a;b\n");
        assertThrows(IOException.class, () -> EventLogReader.read(odd, "auto", "r", conv)); // a Diginetica header?
        Path oddJsonl = dir.resolve("odd.jsonl");
        Files.writeString(oddJsonl, "a;b\n");
        EventLogReader.EventLog l = EventLogReader.read(oddJsonl, "auto", "r", conv);
        assertEquals("jsonl", l.format());
        assertEquals(Map.of("invalid_json", 1), l.badRows());
    }
}
