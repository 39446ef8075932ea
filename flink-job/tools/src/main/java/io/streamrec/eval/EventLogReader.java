package io.streamrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The evaluator's event logs. Java reads one format itself: JSON lines in the {@code user-events} contract (what the
 * job reads), with the evaluator's lenient rules (integer ids, an integral float time) and unusable lines counted by
 * reason, never silently dropped. Every raw format (generic CSV, Taobao UserBehavior.csv, Diginetica item views) is
 * read by model-export alone: {@code python -m streamrec_model convert} writes it as JSON lines next to the report,
 * with its skipped lines by reason in a JSON report file, and this class reads those. Events are sorted by time;
 * the sort is stable, so file order breaks ties.
 */
public final class EventLogReader {

    /** A read log: events sorted by time, plus the bad-row counts (the raw file's, for a converted log). */
    public record EventLog(String source, String format, List<UserEvent> events, Map<String, Integer> badRows) {
        public int bad() {
            return badRows.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * How to run model-export's convert for a raw log: in {@code <repo>/model-export} with {@code python}, writing
     * {@code <workDir>/<file name>.jsonl}, its report {@code .convert.json} and its output {@code .convert.log}.
     */
    public record Converter(Path repo, String python, Path workDir, PrintStream log) {}

    private static final Set<String> RAW_FORMATS = Set.of("csv", "taobao", "diginetica");

    private EventLogReader() {}

    /**
     * Reads a log in {@code format} (jsonl, csv, taobao, diginetica or auto). JSON lines, given as such or found by
     * {@code auto} (the first non-blank line is a JSON object), are read here; anything else goes through {@code
     * convert}, whose {@code auto} decides the same way and otherwise by the first line's shape or the file name.
     *
     * @param idPrefix formats without event ids get {@code idPrefix + line number}; two files read for one replay
     *                 need different prefixes, or the job would drop the second file's events as duplicates
     * @param converter how to run convert; null when no checkout is at hand (then only JSON lines can be read)
     */
    public static EventLog read(Path path, String format, String idPrefix, Converter converter)
            throws IOException, InterruptedException {
        String fmt = format == null ? "auto" : format;
        if (fmt.equals("jsonl") || (fmt.equals("auto") && startsWithJsonObject(path))) {
            return readJsonl(path);
        }
        if (!fmt.equals("auto") && !RAW_FORMATS.contains(fmt)) {
            throw new IllegalArgumentException(
                    "unknown format '" + fmt + "' (one of jsonl, csv, taobao, diginetica, auto)");
        }
        if (converter == null) {
            throw new IOException(path + " is not JSON lines: reading it needs model-export's convert "
                    + "(give --repo DIR or set STREAMREC_HOME)");
        }
        String name = (idPrefix.equals("r") ? "" : idPrefix) + path.getFileName();
        Path jsonl = converter.workDir().resolve(name + ".jsonl");
        Path report = converter.workDir().resolve(name + ".convert.json");
        ModelExport.convert(converter.repo(), converter.python(), path, fmt, idPrefix, jsonl, report,
                converter.workDir().resolve(name + ".convert.log"), converter.log());
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        Map<String, Integer> bad = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.get("skipped").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            bad.put(e.getKey(), e.getValue().intValue());
        }
        EventLog converted = readJsonl(jsonl);
        // lines convert wrote that these JSON rules reject: a disagreement between the two, so counted apart
        converted.badRows().forEach((reason, n) -> bad.merge("converted_" + reason, n, Integer::sum));
        return new EventLog(path.toString(), r.get("format").asText(), converted.events(), bad);
    }

    /** Whether the first non-blank line (of the first 1000) is a JSON object: what convert's auto calls jsonl. */
    static boolean startsWithJsonObject(Path path) {
        try (BufferedReader r = open(path)) {
            String line;
            for (int i = 0; i < 1000 && (line = r.readLine()) != null; i++) {
                if (!line.isBlank()) {
                    return line.strip().startsWith("{");
                }
            }
        } catch (IOException e) {
            // unreadable here: convert reports it
        }
        return false;
    }

    /** The file as UTF-8 text (malformed bytes replaced), without a leading byte-order mark. */
    private static BufferedReader open(Path path) throws IOException {
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        BufferedReader r = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(path), decoder),
                1 << 16);
        r.mark(1);
        if (r.read() != '\uFEFF') {
            r.reset();
        }
        return r;
    }

    private static void count(Map<String, Integer> bad, String reason) {
        bad.merge(reason, 1, Integer::sum);
    }

    private static String id(JsonNode n) {
        if (n == null || n.isNull() || n.isBoolean()) {
            return null;
        }
        if (n.isTextual() || n.isIntegralNumber()) {
            String s = n.asText();
            return s.isBlank() ? null : s;
        }
        return null;
    }

    /** Reads JSON lines in the input contract: what {@code convert} writes and the simulator writes. */
    public static EventLog readJsonl(Path path) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<UserEvent> out = new ArrayList<>();
        Map<String, Integer> bad = new TreeMap<>();
        try (BufferedReader r = open(path)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode o;
                try {
                    o = mapper.readTree(line);
                } catch (IOException e) {
                    count(bad, "invalid_json");
                    continue;
                }
                if (o == null || !o.isObject()) {
                    count(bad, "not_an_object");
                    continue;
                }
                String missing = null;
                for (String k : new String[] {"event_id", "user_id", "item_id", "type", "ts"}) {
                    if (!o.hasNonNull(k)) {
                        missing = k;
                        break;
                    }
                }
                if (missing != null) {
                    count(bad, "missing_" + missing);
                    continue;
                }
                String u = id(o.get("user_id"));
                String it = id(o.get("item_id"));
                if (u == null) {
                    count(bad, "bad_user_id");
                    continue;
                }
                if (it == null) {
                    count(bad, "bad_item_id");
                    continue;
                }
                JsonNode tn = o.get("type");
                EventType type = tn.isTextual() ? exactType(tn.asText()) : null;
                if (type == null) {
                    count(bad, "unknown_type");
                    continue;
                }
                JsonNode tsn = o.get("ts");
                if (!(tsn.isIntegralNumber()
                        || (tsn.isFloatingPointNumber() && tsn.asDouble() == Math.rint(tsn.asDouble())))
                        || tsn.asLong() < 0) {
                    count(bad, "bad_ts");
                    continue;
                }
                JsonNode cat = o.get("category");
                UserEvent e = new UserEvent(o.get("event_id").asText(), u, it, type, tsn.asLong());
                e.category = cat == null || cat.isNull() ? null : cat.asText();
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(e -> e.ts)); // stable: file order breaks ties
        return new EventLog(path.toString(), "jsonl", out, bad);
    }

    private static EventType exactType(String s) {
        for (EventType t : EventType.values()) {
            if (t.wireName().equals(s)) {
                return t;
            }
        }
        return null;
    }
}
