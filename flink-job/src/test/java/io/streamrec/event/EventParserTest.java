package io.streamrec.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventParserTest {

    /** Processing time of the tests' clock: one minute after the ts of the valid events below. */
    static final long NOW = 1_700_000_000_000L + 60_000;
    private static final long DAY = 86_400_000L;

    private long now = NOW;
    private final EventParser parser = new EventParser(1024, 16, EventLimits.defaults(), () -> now);

    private static RawRecord record(String json) {
        return record(json.getBytes(StandardCharsets.UTF_8));
    }

    private static RawRecord record(byte[] bytes) {
        return new RawRecord("u1".getBytes(StandardCharsets.UTF_8), bytes, "user-events", 3, 42L, 1000L);
    }

    private String reason(String json) {
        EventParser.Result r = parser.parse(record(json));
        assertFalse(r.ok(), "expected rejection of " + json);
        return r.reason;
    }

    @Test
    void parsesAValidEventAndIgnoresUnknownFields() {
        EventParser.Result r = parser.parse(record("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i9\","
                + "\"type\":\"add_to_cart\",\"ts\":1700000000000,\"price\":9.5,\"category\":\"c1\","
                + "\"context\":{\"device\":\"ios\"},\"something_new\":[1,2]}"));
        assertTrue(r.ok(), r.reason);
        assertEquals("e1", r.event.eventId);
        assertEquals("u1", r.event.userId);
        assertEquals("i9", r.event.itemId);
        assertEquals(EventType.ADD_TO_CART, r.event.type);
        assertEquals(1700000000000L, r.event.ts);
        assertEquals(9.5, r.event.price);
        assertEquals("c1", r.event.category);
        assertEquals(1000L, r.event.ingestTs);
        assertEquals("ios", r.event.device);
        assertNull(r.event.page);
        // the context is informational: a value that is not a string is ignored, not a reason to reject
        r = parser.parse(record("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i9\",\"type\":\"view\","
                + "\"ts\":1700000000000,\"context\":{\"device\":7,\"page\":\"home\"}}"));
        assertTrue(r.ok(), r.reason);
        assertNull(r.event.device);
        assertEquals("home", r.event.page);
    }

    @Test
    void rejectsMissingRequiredFieldNamingIt() {
        assertEquals("missing required field 'item_id'",
                reason("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"type\":\"view\",\"ts\":1}"));
        assertEquals("missing required field 'ts'",
                reason("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i\",\"type\":\"view\"}"));
    }

    @Test
    void rejectsWrongTypes() {
        assertTrue(reason("{\"event_id\":\"e1\",\"user_id\":7,\"item_id\":\"i\",\"type\":\"view\",\"ts\":1}")
                .startsWith("field 'user_id' must be a string, got number"));
        assertTrue(reason("{\"event_id\":\"e1\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":\"x\"}")
                .startsWith("field 'ts' must be an integer"));
        assertTrue(reason("{\"event_id\":\"e1\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":1700000000000,"
                + "\"price\":\"cheap\"}").startsWith("field 'price' must be a number"));
    }

    @Test
    void rejectsUnknownEventType() {
        assertTrue(reason("{\"event_id\":\"e1\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"teleport\",\"ts\":1}")
                .startsWith("unknown event type 'teleport'"));
    }

    @Test
    void rejectsMalformedJsonAndNonObjects() {
        assertTrue(reason("{\"event_id\":").startsWith("malformed JSON"));
        assertEquals("not a JSON object", reason("[1,2,3]"));
    }

    @Test
    void rejectsInvalidUtf8() {
        byte[] bad = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        EventParser.Result r = parser.parse(record(bad));
        assertFalse(r.ok());
        assertTrue(r.reason.startsWith("invalid UTF-8"), r.reason);
    }

    @Test
    void rejectsOversizedPayloadAndKeepsOnlyAPrefixInTheDeadLetter() {
        byte[] big = new byte[2000];
        java.util.Arrays.fill(big, (byte) 'x');
        RawRecord rec = record(big);
        EventParser.Result r = parser.parse(rec);
        assertFalse(r.ok());
        assertEquals("oversized payload: 2000 bytes exceeds events.max-bytes=1024", r.reason);
        DeadLetter d = parser.deadLetter(rec, r.reason, 5L);
        assertEquals("user-events", d.topic);
        assertEquals(3, d.partition);
        assertEquals(42L, d.offset);
        assertEquals(2000, d.payloadBytes);
        assertTrue(d.payloadTruncated);
        assertArrayEquals(java.util.Arrays.copyOf(big, 16), Base64.getDecoder().decode(d.payloadBase64));
    }

    @Test
    void deadLetterKeepsTheWholeSmallPayload() {
        RawRecord rec = record("nope");
        DeadLetter d = parser.deadLetter(rec, "malformed JSON", 5L);
        assertFalse(d.payloadTruncated);
        assertEquals("nope", new String(Base64.getDecoder().decode(d.payloadBase64), StandardCharsets.UTF_8));
        assertEquals("u1", d.key);
        assertNull(parser.parse(record("")).event);
    }

    /** A valid event with {@code field} set to the JSON value {@code json} (replacing it, or added if new). */
    private static String with(String field, String json) {
        java.util.Map<String, String> f = new java.util.LinkedHashMap<>();
        f.put("event_id", "\"e1\"");
        f.put("user_id", "\"u1\"");
        f.put("item_id", "\"i9\"");
        f.put("type", "\"view\"");
        f.put("ts", "1700000000000");
        f.put(field, json);
        StringBuilder sb = new StringBuilder("{");
        f.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return sb.append('}').toString();
    }

    private void accepts(String json) {
        EventParser.Result r = parser.parse(record(json));
        assertTrue(r.ok(), json + ": " + r.reason);
    }

    @Test
    void idsLongerThanTheLimitAreRejectedCountingCodePoints() {
        String tooLong = "x".repeat(60_000);
        EventParser big = new EventParser(1 << 20, 16, EventLimits.defaults(), () -> NOW);
        EventParser.Result r = big.parse(record(with("user_id", "\"" + tooLong + "\"")));
        assertEquals("id too long: user_id has 60000 characters, max events.max-id-length=256", r.reason);
        accepts(with("item_id", "\"" + "i".repeat(256) + "\""));
        assertEquals("id too long: item_id has 257 characters, max events.max-id-length=256",
                reason(with("item_id", "\"" + "i".repeat(257) + "\"")));
        // 256 characters outside the BMP are 512 Java chars, and still 256 characters
        assertTrue(big.parse(record(with("event_id", "\"" + "\uD83D\uDE00".repeat(256) + "\""))).ok());
        for (String id : new String[] {"event_id", "session_id", "category"}) {
            assertTrue(reason(with(id, "\"" + "c".repeat(300) + "\"")).startsWith("id too long: " + id + " has 300"));
        }
        EventParser strict = new EventParser(1024, 16, new EventLimits(4, Duration.ofDays(30), Duration.ofHours(1)),
                () -> NOW);
        assertEquals("id too long: user_id has 5 characters, max events.max-id-length=4",
                strict.parse(record(with("user_id", "\"u1234\""))).reason);
    }

    @Test
    void controlCharactersAndLoneSurrogatesInIdsAreRejected() {
        assertEquals("control character in id: user_id has U+0000 at index 1",
                reason(with("user_id", "\"u\\u0000x\"")));
        assertEquals("control character in id: item_id has U+001B at index 0",
                reason(with("item_id", "\"\\u001b[31m\"")));
        assertEquals("control character in id: event_id has U+007F at index 2",
                reason(with("event_id", "\"e1\\u007f\"")));
        assertEquals("control character in id: session_id has U+0085 at index 1",
                reason(with("session_id", "\"s\u0085\""))); // raw, not escaped: NEL is valid in JSON strings
        assertEquals("control character in id: category has U+0009 at index 1",
                reason(with("category", "\"c\\t\"")));
        assertEquals("invalid unicode in id: user_id has an unpaired surrogate U+D800 at index 1",
                reason(with("user_id", "\"u\\ud800\"")));
        // printable non-ASCII is fine, and so is a control character in free text (the query)
        accepts(with("user_id", "\"ユーザー-é-\uD83D\uDE00\""));
        accepts(with("query", "\"red\\tshoes\\u0000\""));
        accepts(with("category", "\"\u00A0c\"")); // U+00A0 is the first character after the C1 block
    }

    @Test
    void tsOutsideTheWindowAroundProcessingTimeIsRejected() {
        assertTrue(reason(with("ts", "0")).startsWith("ts too old: 0 (1970-01-01T00:00:00Z) is "), reason(with("ts", "0")));
        String seconds = reason(with("ts", Long.toString(NOW / 1000)));
        assertTrue(seconds.startsWith("ts too old: 1700000060 (1970-01-20T"), seconds);
        assertTrue(seconds.endsWith("beyond events.max-ts-past=30 d (seconds instead of milliseconds?)"), seconds);
        assertTrue(reason(with("ts", Long.toString(Long.MAX_VALUE))).startsWith("ts in the future: "
                + Long.MAX_VALUE));
        long year9999 = java.time.Instant.parse("9999-12-31T23:59:59Z").toEpochMilli();
        String future = reason(with("ts", Long.toString(year9999)));
        assertTrue(future.startsWith("ts in the future: " + year9999 + " (9999-12-31T23:59:59Z) is "), future);
        assertTrue(future.endsWith("after processing time, beyond events.max-ts-future=1 h"), future);
        assertTrue(reason(with("ts", Long.toString(NOW * 1000))).endsWith("(microseconds instead of milliseconds?)"));
        // the bounds themselves are inside
        accepts(with("ts", Long.toString(NOW - 30 * DAY)));
        accepts(with("ts", Long.toString(NOW + 3_600_000)));
        assertEquals("ts too old: " + (NOW - 30 * DAY - 1) + " (2023-10-15T22:14:19.999Z) is 30 d 0 h before "
                + "processing time, beyond events.max-ts-past=30 d", reason(with("ts", Long.toString(NOW - 30 * DAY - 1))));
        assertTrue(reason(with("ts", Long.toString(NOW + 3_600_001))).startsWith("ts in the future: "));
    }

    @Test
    void theWindowMovesWithTheClockAndFollowsTheLimits() {
        String json = with("ts", Long.toString(NOW));
        accepts(json);
        now = NOW + 31 * DAY;
        assertTrue(reason(json).startsWith("ts too old: "));
        now = NOW - 2 * 3_600_000;
        assertTrue(reason(json).startsWith("ts in the future: "));
        EventParser replay = new EventParser(1024, 16,
                new EventLimits(256, Duration.ofDays(20_000), Duration.ofDays(100)), () -> NOW);
        assertTrue(replay.parse(record(with("ts", "5"))).ok());
        assertTrue(replay.parse(record(with("ts", Long.toString(NOW + 99 * DAY)))).ok());
        // the two-argument parser has the documented defaults and the system clock
        EventParser defaults = new EventParser(1024, 16);
        assertTrue(defaults.parse(record(with("ts", Long.toString(System.currentTimeMillis())))).ok());
        assertTrue(defaults.parse(record(with("ts", Long.toString(System.currentTimeMillis() - 31 * DAY))))
                .reason.startsWith("ts too old: "));
    }

    @Test
    void priceMustBeFiniteAndNotNegative() {
        assertEquals("price not finite: the number reads as Infinity (it does not fit a double)",
                reason(with("price", "1e400")));
        assertTrue(reason(with("price", "-1e400")).startsWith("price not finite: "));
        assertTrue(reason(with("price", "1" + "0".repeat(400))).startsWith("price not finite: "));
        assertEquals("negative price: -0.01, a price must be >= 0", reason(with("price", "-0.01")));
        accepts(with("price", "0"));
        accepts(with("price", "1.7976931348623157e308"));
        EventParser.Result r = parser.parse(record(with("price", "19")));
        assertEquals(19.0, r.event.price);
    }

    @Test
    void exactlyOneObjectPerRecordWithoutDuplicateKeys() {
        String ok = with("price", "9.5");
        accepts(ok + " \n\t\r\n");
        assertTrue(reason(ok + "garbage").startsWith("trailing data: Unrecognized token 'garbage'"),
                reason(ok + "garbage"));
        assertTrue(reason(ok + "}").startsWith("trailing data: "));
        assertTrue(reason(ok + "\u0000").startsWith("trailing data: "));
        assertEquals("more than one JSON value: an object after the event object", reason(ok + ok));
        assertEquals("more than one JSON value: an object after the event object", reason(ok + "\n" + ok));
        assertEquals("more than one JSON value: a number after the event object", reason(ok + " 1"));
        assertEquals("duplicate key: 'user_id' appears more than once",
                reason("{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i9\",\"type\":\"view\","
                        + "\"user_id\":\"u2\",\"ts\":1700000000000}"));
        assertEquals("duplicate key: 'device' appears more than once",
                reason(with("context", "{\"device\":\"ios\",\"device\":\"web\"}")));
        // a value that is not an object stays "not a JSON object", whatever follows it
        assertEquals("not a JSON object", reason("[1] " + ok));
    }

    @Test
    void everyReasonStartsWithAKnownPrefix() {
        String[] bad = {"", "{", "[]", with("ts", "0"), with("price", "-1"), with("user_id", "\"\\u0000\""),
            with("type", "\"teleport\""), with("ts", "\"x\""), with("user_id", "\" \""),
            "{\"user_id\":\"u1\"}", with("ts", "1") + "x"};
        for (String b : bad) {
            String r = b.isEmpty() ? parser.parse(record(new byte[0])).reason : reason(b);
            assertTrue(EventParser.REASON_PREFIXES.stream().anyMatch(r::startsWith), r);
            assertFalse(r.startsWith("parser error"), r);
        }
    }

    @Test
    void aValidEventWithEveryFieldComesOutUnchanged() {
        EventParser.Result r = parser.parse(record("{\"event_id\":\"e-000123\",\"user_id\":\"u00017\","
                + "\"item_id\":\"i00042\",\"type\":\"purchase\",\"ts\":1700000000000,\"session_id\":\"s-9\","
                + "\"category\":\"c07\",\"price\":19.9,\"query\":\"red shoes\",\"context\":{\"device\":\"mobile\"}}"));
        assertTrue(r.ok(), r.reason);
        assertEquals("s-9", r.event.sessionId);
        assertEquals("c07", r.event.category);
        assertEquals(19.9, r.event.price);
        assertEquals("red shoes", r.event.query);
        assertEquals(EventType.PURCHASE, r.event.type);
    }

    @Test
    void theJsonSchemaDocumentsTheParsersBounds() throws Exception {
        java.nio.file.Path schema = java.nio.file.Path.of(System.getProperty("streamrec.repo.root", ".."), "docs",
                "schemas", "user-event.schema.json");
        com.fasterxml.jackson.databind.JsonNode s = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                schema.toFile());
        com.fasterxml.jackson.databind.JsonNode id = s.get("$defs").get("id");
        assertEquals((int) io.streamrec.config.StreamrecOptions.EVENT_MAX_ID_LENGTH.defaultValue(),
                id.get("maxLength").asInt());
        assertEquals("^[^\\u0000-\\u001F\\u007F-\\u009F]*$", id.get("pattern").asText());
        for (String f : new String[] {"event_id", "user_id", "item_id", "session_id", "category"}) {
            assertEquals("#/$defs/id", s.get("properties").get(f).get("$ref").asText(), f);
        }
        assertEquals(0, s.get("properties").get("price").get("minimum").asInt());
        String ts = s.get("properties").get("ts").get("description").asText();
        assertTrue(ts.contains("events.max-ts-past (default 30 d)") && ts.contains("events.max-ts-future (default 1 h)"),
                ts);
    }
}
