package io.streamrec.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.EventType;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the event-log formats model-export reads, with the same rules (model-export/streamrec_model/data.py), so that
 * the evaluator and the trainer see the same events: JSON lines (the input contract), generic CSV with header
 * {@code user_id,item_id,event_type,ts_ms[,category]}, Taobao UserBehavior.csv and Diginetica item views. Unusable
 * rows are counted by reason, never silently dropped. The result is sorted by time (stable: file order breaks ties).
 */
public final class EventLogReader {

    /** A read log: events sorted by time, plus the bad-row counts. */
    public record EventLog(String source, String format, List<LogEvent> events, Map<String, Integer> badRows) {
        public int bad() {
            return badRows.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private EventLogReader() {}

    private static final List<String> DIGINETICA_HEADER =
            List.of("session_id", "user_id", "item_id", "timeframe", "eventdate");

    /**
     * The format model-export's {@code auto} picks (data.detect_format): the one the file's first non-blank line shows
     * ({@link #sniffFormat}), else the one its name suggests ({@link #formatByName}).
     */
    public static String detectFormat(Path path) {
        try (BufferedReader r = open(path)) {
            String line;
            for (int i = 0; i < 1000 && (line = r.readLine()) != null; i++) {
                if (!line.isBlank()) {
                    String fmt = sniffFormat(line);
                    if (fmt != null) {
                        return fmt;
                    }
                    break;
                }
            }
        } catch (IOException e) {
            // unreadable here: the name decides, and reading the log reports the error
        }
        return formatByName(path);
    }

    /**
     * The format a log's first non-blank line shows, or null: a JSON object (jsonl), Diginetica's header, a CSV
     * header naming user_id and item_id (csv), or a Taobao row (five fields, the fourth pv, cart, fav or buy).
     */
    public static String sniffFormat(String firstLine) {
        String line = firstLine.strip();
        if (line.startsWith("{")) {
            return "jsonl";
        }
        List<String> semi = java.util.Arrays.stream(line.split(";", -1))
                .map(c -> c.strip().toLowerCase(Locale.ROOT)).toList();
        if (semi.equals(DIGINETICA_HEADER)) {
            return "diginetica";
        }
        List<String> cols = java.util.Arrays.stream(line.split(",", -1)).map(String::strip).toList();
        if (cols.contains("user_id") && cols.contains("item_id")) {
            return "csv";
        }
        if (cols.size() == 5 && taobaoType(cols.get(3)) != null) {
            return "taobao";
        }
        return null;
    }

    /** The format a file name suggests: *.jsonl/.json/.ndjson, *userbehavior* (Taobao), *item-views*, else csv. */
    public static String formatByName(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jsonl") || name.endsWith(".json") || name.endsWith(".ndjson")) {
            return "jsonl";
        }
        if (name.contains("userbehavior")) {
            return "taobao";
        }
        if (name.contains("item-views")) {
            return "diginetica";
        }
        return "csv";
    }

    public static EventLog read(Path path, String format) throws IOException {
        return read(path, format, "r");
    }

    /**
     * @param idPrefix formats without event ids get {@code idPrefix + line number}; two files read for one replay
     *                 need different prefixes, or the job would drop the second file's events as duplicates
     */
    public static EventLog read(Path path, String format, String idPrefix) throws IOException {
        String fmt = format == null || format.equals("auto") ? detectFormat(path) : format;
        String prefix = idPrefix;
        List<LogEvent> out = new ArrayList<>();
        Map<String, Integer> bad = new TreeMap<>();
        try (BufferedReader r = open(path)) {
            switch (fmt) {
                case "jsonl" -> readJsonl(r, out, bad);
                case "csv" -> readCsv(r, prefix, out, bad);
                case "taobao" -> readTaobao(r, prefix, out, bad);
                case "diginetica" -> readDiginetica(r, prefix, out, bad);
                default -> throw new IllegalArgumentException(
                        "unknown format '" + fmt + "' (one of jsonl, csv, taobao, diginetica, auto)");
            }
        }
        out.sort(Comparator.comparingLong(LogEvent::ts).thenComparingLong(LogEvent::seq));
        return new EventLog(path.toString(), fmt, out, bad);
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

    private static void readJsonl(BufferedReader r, List<LogEvent> out, Map<String, Integer> bad) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        String line;
        long n = 0;
        while ((line = r.readLine()) != null) {
            n++;
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
            if (!(tsn.isIntegralNumber() || (tsn.isFloatingPointNumber() && tsn.asDouble() == Math.rint(tsn.asDouble())))
                    || tsn.asLong() < 0) {
                count(bad, "bad_ts");
                continue;
            }
            JsonNode cat = o.get("category");
            String eventId = o.get("event_id").asText();
            out.add(new LogEvent(eventId, u, it, type, tsn.asLong(),
                    cat == null || cat.isNull() ? null : cat.asText(), n));
        }
    }

    private static EventType exactType(String s) {
        for (EventType t : EventType.values()) {
            if (t.wireName().equals(s)) {
                return t;
            }
        }
        return null;
    }

    private static Long parseLong(String s) {
        String t = s.trim();
        if (t.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Splits one CSV line, honouring double quotes (RFC 4180 without embedded newlines). */
    static List<String> csvFields(String line) {
        List<String> f = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean q = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (q) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        q = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                q = true;
            } else if (c == ',') {
                f.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        f.add(cur.toString());
        return f;
    }

    private static void readCsv(BufferedReader r, String prefix, List<LogEvent> out, Map<String, Integer> bad)
            throws IOException {
        String headerLine = r.readLine();
        if (headerLine == null) {
            return;
        }
        List<String> header = csvFields(headerLine).stream().map(String::trim).toList();
        for (String need : new String[] {"user_id", "item_id", "event_type", "ts_ms"}) {
            if (!header.contains(need)) {
                throw new IOException("CSV header must contain user_id,item_id,event_type,ts_ms, got " + header);
            }
        }
        int cu = header.indexOf("user_id"), ci = header.indexOf("item_id"), ct = header.indexOf("event_type"),
                cts = header.indexOf("ts_ms"), cc = header.indexOf("category");
        String line;
        long n = 1;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            List<String> row = csvFields(line);
            if (row.size() != header.size()) {
                count(bad, "wrong_column_count");
                continue;
            }
            add(out, bad, prefix + n, row.get(cu).trim(), row.get(ci).trim(), exactType(row.get(ct).trim()),
                    parseLong(row.get(cts)), cc >= 0 ? row.get(cc).trim() : null, n);
        }
    }

    /**
     * The checks every reader shares, in the order model-export's readers make them: the first that fails is counted
     * under its reason (a null type or time stands for one that did not parse) and nothing is added.
     */
    private static void add(List<LogEvent> out, Map<String, Integer> bad, String id, String user, String item,
                            EventType type, Long tsMs, String category, long line) {
        if (user.isEmpty()) {
            count(bad, "bad_user_id");
        } else if (item.isEmpty()) {
            count(bad, "bad_item_id");
        } else if (type == null) {
            count(bad, "unknown_type");
        } else if (tsMs == null || tsMs < 0) {
            count(bad, "bad_ts");
        } else {
            out.add(new LogEvent(id, user, item, type, tsMs, category, line));
        }
    }

    private static EventType taobaoType(String b) {
        return switch (b) {
            case "pv" -> EventType.VIEW;
            case "fav" -> EventType.CLICK;
            case "cart" -> EventType.ADD_TO_CART;
            case "buy" -> EventType.PURCHASE;
            default -> null;
        };
    }

    private static void readTaobao(BufferedReader r, String prefix, List<LogEvent> out, Map<String, Integer> bad)
            throws IOException {
        String line;
        long n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            String[] row = line.split(",", -1);
            if (row.length != 5) {
                count(bad, "wrong_column_count");
                continue;
            }
            Long seconds = parseLong(row[4]);
            add(out, bad, prefix + n, row[0].trim(), row[1].trim(), taobaoType(row[3].trim()),
                    seconds == null || seconds < 0 ? null : seconds * 1000, row[2].trim(), n);
        }
    }

    private static void readDiginetica(BufferedReader r, String prefix, List<LogEvent> out, Map<String, Integer> bad)
            throws IOException {
        String header = r.readLine();
        if (header == null) {
            return;
        }
        List<String> cols = java.util.Arrays.stream(header.split(";", -1)).map(String::trim).toList();
        if (!cols.equals(DIGINETICA_HEADER)) {
            throw new IOException("unexpected Diginetica header: " + cols);
        }
        String line;
        long n = 1;
        while ((line = r.readLine()) != null) {
            n++;
            if (line.isEmpty()) {
                continue;
            }
            String[] row = line.split(";", -1);
            if (row.length != 5) {
                count(bad, "wrong_column_count");
                continue;
            }
            String sess = row[0].trim(), user = row[1].trim();
            boolean known = !user.isEmpty() && !user.equals("NA");
            String u = known ? user : sess.isEmpty() ? "" : "s" + sess; // anonymous sessions are their own users
            Long tf = parseLong(row[3]);
            long day;
            try {
                day = LocalDate.parse(row[4].trim()).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            } catch (RuntimeException e) {
                day = -1;
            }
            add(out, bad, prefix + n, u, row[2].trim(), EventType.VIEW,
                    tf == null || tf < 0 || day < 0 ? null : day + tf, null, n);
        }
    }
}
