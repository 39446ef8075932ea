package io.streamrec.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventParserTest {

    private final EventParser parser = new EventParser(1024, 16);

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
                + "\"ts\":1,\"context\":{\"device\":7,\"page\":\"home\"}}"));
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
        assertTrue(reason("{\"event_id\":\"e1\",\"user_id\":\"u\",\"item_id\":\"i\",\"type\":\"view\",\"ts\":1,"
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
}
