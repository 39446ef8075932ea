package io.streamrec.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Fuzzes {@link EventParser} with 100,000 generated records (fixed seeds, so a failure reproduces): half built by a
 * grammar of the {@code user-events} contract (valid and near-valid JSON: random lengths, types, unicode, control
 * characters, numbers at the edges, duplicate keys, trailing data), half by mutating valid records (bit flips,
 * truncation, insertion, byte duplication, splicing). Every record must either come out as an event that satisfies the
 * whole bounded contract, or be dead-lettered with a reason from {@link EventParser#REASON_PREFIXES}; nothing may
 * throw. Grammar records carry what they should give: a valid one must come out with exactly the generated values, one
 * with a single deliberate violation must be rejected for that violation. The counts per reason are printed
 * (for docs/RELIABILITY.md).
 */
class EventParserFuzzTest {

    private static final long NOW = 1_764_112_200_000L;
    private static final long DAY = 86_400_000L;
    private static final long PAST = 30 * DAY;
    private static final long FUTURE = 3_600_000L;
    private static final int MAX_ID = 256;
    private static final int MAX_BYTES = 16 * 1024;
    private static final int RECORDS = 100_000;
    private static final String ACCEPTED = "(accepted)";
    private static final String[] TYPES = {"view", "click", "add_to_cart", "remove_from_cart", "purchase", "search"};

    private final EventParser parser = new EventParser(MAX_BYTES, 64, EventLimits.defaults(), () -> NOW);

    /** What the grammar generated: the JSON, and what the parser must make of it. */
    static final class Case {
        final StringBuilder json = new StringBuilder();
        /** Reason prefixes of the violations put in; none: the record is valid. */
        final List<String> violations = new ArrayList<>();
        String eventId;
        String userId;
        String itemId;
        String type;
        long ts;
        String sessionId;
        String category;
        Double price;
        String query;

        void violate(String prefix) {
            violations.add(prefix);
        }
    }

    @Test
    void oneHundredThousandGeneratedRecordsAreEachAnEventWithinTheContractOrADeadLetterWithAKnownReason() {
        long t0 = System.nanoTime();
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        Map<String, Integer> grammarCounts = new TreeMap<>();
        Map<String, Integer> mutationCounts = new TreeMap<>();
        SplittableRandom g = new SplittableRandom(20_261_206L);
        int checkedValid = 0;
        int checkedViolation = 0;
        for (int i = 0; i < RECORDS / 2; i++) {
            Case c = generate(g, g.nextInt(100) < 35 ? 0 : 1 + (g.nextInt(10) == 0 ? 1 : 0));
            byte[] bytes = c.json.toString().getBytes(StandardCharsets.UTF_8);
            EventParser.Result r = parseAndCheck(bytes, i);
            String cls = count(grammarCounts, r);
            if (bytes.length > MAX_BYTES) { // the size is checked first, whatever else the record holds
                assertEquals("oversized payload:", cls, "grammar #" + i);
            } else if (c.violations.isEmpty()) {
                checkedValid++;
                if (!r.ok()) {
                    fail("grammar #" + i + ": a valid record was rejected: " + r.reason + "\n" + c.json);
                }
                assertEquals(c.eventId, r.event.eventId);
                assertEquals(c.userId, r.event.userId);
                assertEquals(c.itemId, r.event.itemId);
                assertEquals(EventType.fromWire(c.type), r.event.type);
                assertEquals(c.ts, r.event.ts);
                assertEquals(c.sessionId, r.event.sessionId);
                assertEquals(c.category, r.event.category);
                assertEquals(c.price, r.event.price);
                assertEquals(c.query, r.event.query);
            } else if (c.violations.size() == 1) {
                checkedViolation++;
                if (!c.violations.get(0).equals(cls)) {
                    fail("grammar #" + i + ": expected " + c.violations.get(0) + ", got " + r.reason + "\n" + c.json);
                }
            } else {
                if (r.ok()) {
                    fail("grammar #" + i + ": violations " + c.violations + " accepted\n" + c.json);
                }
            }
        }
        double grammarCpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        SplittableRandom m = new SplittableRandom(4_711L);
        List<byte[]> seeds = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            seeds.add(generate(m, 0).json.toString().getBytes(StandardCharsets.UTF_8));
        }
        for (int i = 0; i < RECORDS / 2; i++) {
            byte[] bytes = mutate(m, seeds.get(m.nextInt(seeds.size())), seeds);
            count(mutationCounts, parseAndCheck(bytes, -1 - i));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;

        Map<String, Integer> all = new TreeMap<>(grammarCounts);
        mutationCounts.forEach((k, v) -> all.merge(k, v, Integer::sum));
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "EventParserFuzzTest: %d records in %.1f s (%.1f s CPU, of which grammar %.1f s; %d valid and %d "
                        + "single-violation grammar records checked exactly)%n%-28s %8s %8s %8s%n", RECORDS, seconds,
                cpu, grammarCpu, checkedValid, checkedViolation,
                "reason", "grammar", "mutation", "total"));
        for (String k : all.keySet()) {
            table.append(String.format(Locale.ROOT, "%-28s %8d %8d %8d%n", k, grammarCounts.getOrDefault(k, 0),
                    mutationCounts.getOrDefault(k, 0), all.get(k)));
        }
        System.out.print(table);

        assertEquals(RECORDS, all.values().stream().mapToInt(Integer::intValue).sum());
        assertNull(all.get("parser error:"), "the safety net was reached:\n" + table);
        for (String prefix : EventParser.REASON_PREFIXES) {
            if (!prefix.equals("parser error:")) {
                assertTrue(all.getOrDefault(prefix, 0) >= 20, "reason class '" + prefix + "' too rare:\n" + table);
            }
        }
        assertTrue(grammarCounts.get(ACCEPTED) > RECORDS / 10, table::toString);
        assertTrue(mutationCounts.getOrDefault(ACCEPTED, 0) > RECORDS / 100, table::toString);
        assertTrue(mutationCounts.size() > 8, "mutations reach many reasons:\n" + table);
    }

    /** @param n the record's number: i &gt;= 0 is grammar record i, -1 - i mutation record i */
    private EventParser.Result parseAndCheck(byte[] bytes, int n) {
        String where = n >= 0 ? "grammar #" + n : "mutation #" + (-1 - n);
        RawRecord rec = new RawRecord("k".getBytes(StandardCharsets.UTF_8), bytes, "user-events", 0, 7L, NOW - 5);
        EventParser.Result r;
        try {
            r = parser.parse(rec);
        } catch (Throwable t) {
            throw new AssertionError(where + ": the parser threw on " + show(bytes), t);
        }
        if (r == null || r.ok() == (r.reason != null)) {
            fail(where + ": not exactly one of event and reason");
        }
        if (r.ok()) {
            String wrong = violation(r.event);
            if (wrong != null) {
                fail(where + ": accepted outside the contract (" + wrong + "): " + show(bytes));
            }
        } else {
            if (r.reason.isEmpty()) {
                fail(where + ": empty reason");
            }
            if (classOf(r.reason) == null) {
                fail(where + ": unknown reason '" + r.reason + "' for " + show(bytes));
            }
            DeadLetter d = parser.deadLetter(rec, r.reason, NOW);
            if (!r.reason.equals(d.reason) && !java.util.Objects.equals(classOf(r.reason), classOf(d.reason))) {
                // the dead letter may cut a reason longer than its budget and write lone surrogates as U+FFFD,
                // but it keeps what kind of violation it was
                fail(where + ": the dead letter lost the reason");
            }
        }
        return r;
    }

    /** The bounded contract, checked on what the parser let through; returns what is wrong, or null. */
    private static String violation(UserEvent e) {
        for (String id : new String[] {e.eventId, e.userId, e.itemId}) {
            if (id == null || id.isBlank()) {
                return "a required id is missing or blank";
            }
        }
        for (String id : new String[] {e.eventId, e.userId, e.itemId, e.sessionId, e.category}) {
            if (id == null) {
                continue;
            }
            if (id.codePointCount(0, id.length()) > MAX_ID) {
                return "id longer than " + MAX_ID + ": " + id;
            }
            for (int i = 0; i < id.length(); i++) {
                char ch = id.charAt(i);
                if (ch <= 0x1F || ch >= 0x7F && ch <= 0x9F) {
                    return "control character in id " + id;
                }
                if (Character.isHighSurrogate(ch) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(ch)) {
                    return "unpaired surrogate in id " + id;
                }
            }
        }
        if (e.type == null) {
            return "no type";
        }
        if (e.ts < NOW - PAST || e.ts > NOW + FUTURE) {
            return "ts " + e.ts + " outside the window";
        }
        if (e.price != null && !(Double.isFinite(e.price) && !(e.price < 0))) {
            return "price " + e.price;
        }
        return e.ingestTs == NOW - 5 ? null : "ingest ts " + e.ingestTs;
    }

    private static String count(Map<String, Integer> counts, EventParser.Result r) {
        String cls = r.ok() ? ACCEPTED : classOf(r.reason);
        counts.merge(cls, 1, Integer::sum);
        return cls;
    }

    /** The known prefix a reason starts with (the longest, so "missing required field '" is not "field '"). */
    static String classOf(String reason) {
        String best = null;
        for (String p : EventParser.REASON_PREFIXES) {
            if (reason.startsWith(p) && (best == null || p.length() > best.length())) {
                best = p;
            }
        }
        return best;
    }

    private static String show(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "… (" + b.length + " bytes)" : s;
    }

    // ---------------------------------------------------------------- grammar

    /**
     * One record with {@code violations} deliberate violations (0: valid). Each violation is put into a different part
     * of the record, and every part that is not violated is valid, so a single violation has exactly one right reason.
     */
    static Case generate(SplittableRandom r, int violations) {
        Case c = new Case();
        // which parts get a violation: whole-record ones (root, trailing, duplicate, oversize, empty) or a field's
        List<String> parts = new ArrayList<>(List.of("event_id", "user_id", "item_id", "type", "ts", "session_id",
                "category", "price", "context", "duplicate", "trailing", "oversize", "root"));
        Collections.shuffle(parts, new java.util.Random(r.nextLong()));
        List<String> bad = new ArrayList<>(parts.subList(0, violations));
        if (bad.contains("root") || bad.contains("oversize")) { // these hide every other violation
            bad.retainAll(List.of(bad.contains("root") ? "root" : "oversize"));
        }
        if (bad.contains("root")) {
            root(r, c);
            return c;
        }
        List<String[]> fields = new ArrayList<>(); // name, JSON value
        c.eventId = id(r, c, "event_id", bad.contains("event_id"), true, fields);
        c.userId = id(r, c, "user_id", bad.contains("user_id"), true, fields);
        c.itemId = id(r, c, "item_id", bad.contains("item_id"), true, fields);
        type(r, c, bad.contains("type"), fields);
        ts(r, c, bad.contains("ts"), fields);
        c.sessionId = id(r, c, "session_id", bad.contains("session_id"), false, fields);
        c.category = id(r, c, "category", bad.contains("category"), false, fields);
        price(r, c, bad.contains("price"), fields);
        context(r, c, bad.contains("context"), fields);
        if (r.nextInt(4) == 0) {
            c.query = r.nextInt(5) == 0 ? "" : text(r, 1 + r.nextInt(80), true);
            fields.add(new String[] {"query", quote(r, c.query)});
        }
        for (int i = r.nextInt(3); i > 0; i--) { // unknown fields are ignored
            fields.add(new String[] {"x_" + r.nextInt(1000) + "_" + i, value(r, 2)});
        }
        if (bad.contains("oversize")) {
            c.violate("oversized payload:");
            fields.add(new String[] {"x_padding", '"' + "p".repeat(MAX_BYTES) + '"'});
        }
        Collections.shuffle(fields, new java.util.Random(r.nextLong()));
        if (bad.contains("duplicate") && !bad.contains("oversize")) {
            String[] f = fields.get(r.nextInt(fields.size()));
            // the same key again, with its own value or another: a duplicate either way
            fields.add(r.nextInt(fields.size() + 1), new String[] {f[0], r.nextBoolean() ? f[1] : value(r, 1)});
            c.violate("duplicate key:");
        }
        c.json.append(ws(r)).append('{');
        for (int i = 0; i < fields.size(); i++) {
            c.json.append(i == 0 ? "" : ",").append(ws(r)).append(key(r, fields.get(i)[0])).append(ws(r)).append(':')
                    .append(ws(r)).append(fields.get(i)[1]).append(ws(r));
        }
        c.json.append('}').append(ws(r));
        if (bad.contains("trailing") && !bad.contains("oversize")) {
            trailing(r, c);
        }
        return c;
    }

    private static void root(SplittableRandom r, Case c) {
        switch (r.nextInt(6)) {
            case 0 -> c.violate("empty record");
            case 1 -> {
                c.json.append(" \n\t ".substring(r.nextInt(3)));
                c.violate("not a JSON object"); // nothing but whitespace
            }
            case 2 -> {
                c.json.append('[').append(value(r, 2)).append(']');
                c.violate("not a JSON object");
            }
            case 3 -> {
                c.json.append(value(r, 0));
                c.violate(c.json.charAt(0) == '{' ? "missing required field '" : "not a JSON object");
            }
            case 4 -> {
                String valid = generate(r, 0).json.toString().trim();
                c.json.append(valid, 0, 1 + r.nextInt(valid.length() - 1)); // cut short
                c.violate("malformed JSON:");
            }
            default -> {
                c.json.append("event=view user=u1 item=i2".substring(r.nextInt(5)));
                c.violate("malformed JSON:");
            }
        }
    }

    /** An id field; returns its value as the parser should read it (null when absent or invalid). */
    private static String id(SplittableRandom r, Case c, String name, boolean violate, boolean required,
                             List<String[]> fields) {
        if (!violate) {
            if (!required && r.nextInt(3) > 0) {
                if (r.nextInt(4) == 0) {
                    fields.add(new String[] {name, "null"});
                }
                return null;
            }
            String s = validId(r);
            fields.add(new String[] {name, quote(r, s)});
            return s;
        }
        int kind = r.nextInt(required ? 9 : 7);
        String s = validId(r);
        if (s.codePointCount(0, s.length()) >= MAX_ID) { // room for one more character
            s = "id-" + r.nextInt(1000);
        }
        switch (kind) {
            case 0 -> { // too long, in code points
                int n = MAX_ID + 1 + (r.nextInt(4) == 0 ? r.nextInt(1000) : r.nextInt(3));
                StringBuilder sb = new StringBuilder();
                String unit = r.nextBoolean() ? "a" : r.nextBoolean() ? "ユ" : "\uD83D\uDE00";
                sb.append(unit.repeat(n));
                fields.add(new String[] {name, quote(r, sb.toString())});
                c.violate("id too long:");
            }
            case 1 -> { // a C0 control character, escaped as JSON requires
                int at = boundary(r, s);
                char ctl = (char) r.nextInt(0x20);
                fields.add(new String[] {name, quote(r, s.substring(0, at) + ctl + s.substring(at))});
                c.violate("control character in id:");
            }
            case 2 -> { // DEL or a C1 control character, raw or escaped (both valid JSON)
                int at = boundary(r, s);
                char ctl = (char) (0x7F + r.nextInt(0x21));
                fields.add(new String[] {name, quote(r, s.substring(0, at) + ctl + s.substring(at))});
                c.violate("control character in id:");
            }
            case 3 -> { // a C0 control character NOT escaped: not JSON at all
                int at = boundary(r, s);
                char ctl = (char) r.nextInt(0x20);
                fields.add(new String[] {name, '"' + escape(s.substring(0, at), false) + ctl
                        + escape(s.substring(at), false) + '"'});
                c.violate("malformed JSON:");
            }
            case 4 -> { // a lone surrogate, which only a \\u escape can write
                int at = boundary(r, s);
                String sur = r.nextBoolean() ? "\\ud800" : "\\udfff";
                fields.add(new String[] {name, '"' + escape(s.substring(0, at), false) + sur
                        + escape(s.substring(at), false) + '"'});
                c.violate("invalid unicode in id:");
            }
            case 5, 6 -> { // wrong JSON type
                String[] wrong = {"7", "-1.5", "true", "[\"a\"]", "{\"id\":\"x\"}"};
                fields.add(new String[] {name, wrong[r.nextInt(wrong.length)]});
                c.violate("field '");
            }
            case 7 -> { // empty or blank
                fields.add(new String[] {name, quote(r, " \t\n".substring(r.nextInt(4) == 0 ? 0 : 3)
                        .repeat(1 + r.nextInt(2)))});
                c.violate("field '");
            }
            default -> { // missing or null
                if (r.nextBoolean()) {
                    fields.add(new String[] {name, "null"});
                }
                c.violate("missing required field '");
            }
        }
        return null;
    }

    /** A random index of {@code s} that does not split a surrogate pair. */
    private static int boundary(SplittableRandom r, String s) {
        return s.offsetByCodePoints(0, r.nextInt(s.codePointCount(0, s.length()) + 1));
    }

    /** A valid id: mostly short, sometimes at the length limit, in ASCII and beyond. */
    private static String validId(SplittableRandom r) {
        int n = switch (r.nextInt(20)) {
            case 0 -> MAX_ID;
            case 1 -> MAX_ID - r.nextInt(3);
            case 2 -> 1;
            default -> 1 + r.nextInt(24);
        };
        String s = text(r, n, false);
        return s.isBlank() ? "x" + s.substring(1) : s;
    }

    /** {@code n} code points, none a control character unless {@code controls}. */
    private static String text(SplittableRandom r, int n, boolean controls) {
        String[] pool = {"a", "Z", "0", "9", "-", "_", ".", ":", "/", "@", " ", "\"", "\\", "é", "ß", "ユ", "中",
            "\u00A0", "\u2028", "\uFFFD", "\uD83D\uDE00", "\uD834\uDD1E"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (controls && r.nextInt(10) == 0) {
                sb.append((char) r.nextInt(0x20));
            } else {
                sb.append(pool[r.nextInt(8) == 0 ? r.nextInt(pool.length) : r.nextInt(10)]);
            }
        }
        return sb.toString();
    }

    private static void type(SplittableRandom r, Case c, boolean violate, List<String[]> fields) {
        if (!violate) {
            c.type = TYPES[r.nextInt(TYPES.length)];
            fields.add(new String[] {"type", quote(r, c.type)});
            return;
        }
        switch (r.nextInt(4)) {
            case 0 -> {
                String[] bogus = {"views", "wishlist", "view ", "add-to-cart", "purchase\u0000", "清单"};
                fields.add(new String[] {"type", quote(r, bogus[r.nextInt(bogus.length)])});
                c.violate("unknown event type '");
            }
            case 1 -> {
                fields.add(new String[] {"type", r.nextBoolean() ? "1" : "[\"view\"]"});
                c.violate("field '");
            }
            case 2 -> {
                fields.add(new String[] {"type", quote(r, "")});
                c.violate("field '");
            }
            default -> c.violate("missing required field '");
        }
    }

    private static void ts(SplittableRandom r, Case c, boolean violate, List<String[]> fields) {
        if (!violate) {
            c.ts = switch (r.nextInt(10)) {
                case 0 -> NOW - PAST;
                case 1 -> NOW + FUTURE;
                case 2 -> NOW;
                default -> NOW - (long) (r.nextDouble() * PAST) + r.nextLong(FUTURE);
            };
            fields.add(new String[] {"ts", Long.toString(c.ts)});
            return;
        }
        int kind = r.nextInt(12);
        switch (kind) {
            case 0, 1, 2, 3 -> { // too old: just out, zero, seconds instead of ms, long ago
                long[] old = {NOW - PAST - 1, 0, NOW / 1000, NOW - PAST - 1 - r.nextLong(NOW - PAST - 1)};
                fields.add(new String[] {"ts", Long.toString(old[kind])});
                c.violate("ts too old:");
            }
            case 4, 5, 6, 7 -> { // in the future: just out, microseconds, year 9999, Long.MAX_VALUE
                long[] future = {NOW + FUTURE + 1, NOW * 1000, 253_402_300_799_000L, Long.MAX_VALUE};
                fields.add(new String[] {"ts", Long.toString(future[kind - 4])});
                c.violate("ts in the future:");
            }
            case 8 -> { // negative
                fields.add(new String[] {"ts", r.nextBoolean() ? "-1" : Long.toString(Long.MIN_VALUE)});
                c.violate("field '");
            }
            case 9 -> { // not an integer, or not a long
                String[] wrong = {"1.764112200E12", "\"1764112200000\"", "9223372036854775808", "1e3", "true",
                    "1764112200000.5"};
                fields.add(new String[] {"ts", wrong[r.nextInt(wrong.length)]});
                c.violate("field '");
            }
            default -> {
                if (r.nextBoolean()) {
                    fields.add(new String[] {"ts", "null"});
                }
                c.violate("missing required field '");
            }
        }
    }

    private static void price(SplittableRandom r, Case c, boolean violate, List<String[]> fields) {
        if (!violate) {
            if (r.nextInt(3) == 0) {
                String[] ok = {"0", "0.0", "-0.0", "19.9", "1.7976931348623157E308", "4.9E-324", "1e2", "12345678901234567890"};
                String p = r.nextBoolean() ? ok[r.nextInt(ok.length)] : Double.toString(r.nextDouble() * 1000);
                c.price = Double.parseDouble(p);
                fields.add(new String[] {"price", p});
            } else if (r.nextInt(4) == 0) {
                fields.add(new String[] {"price", "null"});
            }
            return;
        }
        switch (r.nextInt(4)) {
            case 0 -> {
                String[] inf = {"1e400", "-1e400", "1.8e308", "1" + "0".repeat(309 + r.nextInt(100))};
                fields.add(new String[] {"price", inf[r.nextInt(inf.length)]});
                c.violate("price not finite:");
            }
            case 1 -> {
                String[] neg = {"-0.01", "-1", "-1.7976931348623157E308", "-4.9E-324"};
                fields.add(new String[] {"price", neg[r.nextInt(neg.length)]});
                c.violate("negative price:");
            }
            default -> {
                String[] wrong = {"\"9.90\"", "true", "[1]", "{}", "\"NaN\""};
                fields.add(new String[] {"price", wrong[r.nextInt(wrong.length)]});
                c.violate("field '");
            }
        }
    }

    private static void context(SplittableRandom r, Case c, boolean violate, List<String[]> fields) {
        if (!violate) {
            if (r.nextInt(3) == 0) {
                fields.add(new String[] {"context", r.nextInt(5) == 0 ? "null" : object(r, 3)});
            }
            return;
        }
        String[] wrong = {"\"mobile\"", "[]", "1", "false"};
        fields.add(new String[] {"context", wrong[r.nextInt(wrong.length)]});
        c.violate("field '");
    }

    private static void trailing(SplittableRandom r, Case c) {
        if (r.nextBoolean()) {
            String[] second = {generate(r, 0).json.toString(), "1", "\"x\"", "[]", "null", "{}"};
            c.json.append(r.nextBoolean() ? "\n" : "").append(second[r.nextInt(second.length)]);
            c.violate("more than one JSON value:");
        } else {
            String[] garbage = {"x", "}", "]", ",", ":", "\u0000", "#", "garbage", "'", "\u00e9", ",{\"a\":1}"};
            c.json.append(garbage[r.nextInt(garbage.length)]);
            c.violate("trailing data:");
        }
    }

    /** Any JSON value (objects have distinct keys). */
    private static String value(SplittableRandom r, int depth) {
        switch (r.nextInt(depth > 0 ? 8 : 6)) {
            case 0:
                return "null";
            case 1:
                return r.nextBoolean() ? "true" : "false";
            case 2:
                return Long.toString(r.nextLong());
            case 3:
                return Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(600) - 300));
            case 4:
            case 5:
                return quote(r, text(r, r.nextInt(12), true));
            case 6:
                StringBuilder sb = new StringBuilder("[");
                for (int i = r.nextInt(4); i > 0; i--) {
                    sb.append(sb.length() > 1 ? "," : "").append(value(r, depth - 1));
                }
                return sb.append(']').toString();
            default:
                return object(r, depth - 1);
        }
    }

    private static String object(SplittableRandom r, int depth) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = r.nextInt(4); i > 0; i--) {
            sb.append(sb.length() > 1 ? "," : "").append("\"k").append(i).append("\":").append(value(r, depth));
        }
        return sb.append('}').toString();
    }

    /** A key as JSON; sometimes with \\u escapes, which name the same key. */
    private static String key(SplittableRandom r, String name) {
        return r.nextInt(20) == 0 ? '"' + escape(name, true) + '"' : '"' + name + '"';
    }

    private static String quote(SplittableRandom r, String s) {
        return '"' + escape(s, r.nextInt(10) == 0) + '"';
    }

    /** JSON string escaping; {@code all} writes every non-ASCII or letter character as a \\u escape too. */
    private static String escape(String s, boolean all) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20 || all && (ch > 0x7E || Character.isLetter(ch))) {
                sb.append("\\u").append(HEX[ch >> 12 & 15]).append(HEX[ch >> 8 & 15]).append(HEX[ch >> 4 & 15])
                        .append(HEX[ch & 15]);
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static String ws(SplittableRandom r) {
        return r.nextInt(8) == 0 ? new String[] {" ", "\n", "\t", "\r\n", "  "}[r.nextInt(5)] : "";
    }

    // ---------------------------------------------------------------- mutation

    /** 1 to 4 byte-level mutations of a valid record. */
    static byte[] mutate(SplittableRandom r, byte[] seed, List<byte[]> others) {
        byte[] b = seed.clone();
        for (int n = 1 + r.nextInt(4); n > 0; n--) {
            if (b.length == 0) {
                return b;
            }
            int at = r.nextInt(b.length);
            switch (r.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << r.nextInt(8)); // bit flip
                case 1 -> b = java.util.Arrays.copyOf(b, at); // truncation
                case 2 -> { // insertion of a random byte or an interesting token
                    String[] tokens = {"\"", "{", "}", ",", ":", "\\", "\\u0000", "1e400", "-", "null", "\u0085",
                        "\"ts\":0,", "\"user_id\":\"u\","};
                    byte[] ins = r.nextBoolean() ? new byte[] {(byte) r.nextInt(256)}
                            : tokens[r.nextInt(tokens.length)].getBytes(StandardCharsets.UTF_8);
                    b = splice(b, at, ins, at);
                }
                case 3 -> { // duplication of a byte range
                    int len = 1 + r.nextInt(Math.min(40, b.length - at));
                    b = splice(b, at, java.util.Arrays.copyOfRange(b, at, at + len), at);
                }
                case 4 -> { // splicing: this record's head, another's tail
                    byte[] o = others.get(r.nextInt(others.size()));
                    byte[] out = java.util.Arrays.copyOf(b, at + o.length - Math.min(at, o.length));
                    System.arraycopy(o, Math.min(at, o.length), out, at, o.length - Math.min(at, o.length));
                    b = out;
                }
                case 5 -> { // deletion of a range
                    int len = 1 + r.nextInt(Math.min(20, b.length - at));
                    b = splice(b, at, new byte[0], at + len);
                }
                default -> b[at] = (byte) r.nextInt(256); // random byte
            }
        }
        return b;
    }

    /** b[0, from) + ins + b[to, end). */
    private static byte[] splice(byte[] b, int from, byte[] ins, int to) {
        byte[] out = new byte[from + ins.length + b.length - to];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(ins, 0, out, from, ins.length);
        System.arraycopy(b, to, out, from + ins.length, b.length - to);
        return out;
    }

    @Test
    void theGeneratorsAreReproducible() {
        for (long seed : new long[] {1, 2, 3}) {
            assertEquals(generate(new SplittableRandom(seed), 1).json.toString(),
                    generate(new SplittableRandom(seed), 1).json.toString());
            byte[] s = generate(new SplittableRandom(seed), 0).json.toString().getBytes(StandardCharsets.UTF_8);
            if (!java.util.Arrays.equals(mutate(new SplittableRandom(seed), s, List.of(s)),
                    mutate(new SplittableRandom(seed), s, List.of(s)))) {
                fail("mutation with seed " + seed + " differs between runs");
            }
        }
    }
}
