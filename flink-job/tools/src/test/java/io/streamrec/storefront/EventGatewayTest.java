package io.streamrec.storefront;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.EventLimits;
import io.streamrec.event.EventParser;
import io.streamrec.event.EventType;
import io.streamrec.event.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The gateway refuses what the job's contract refuses, with the contract's reason, and completes what it accepts into
 * a record the job's own parser takes: its own event id and ts, whatever the page sent.
 */
class EventGatewayTest {
    private static final long NOW = 1_780_000_000_000L;
    private final AtomicInteger ids = new AtomicInteger();
    private final EventGateway gateway = new EventGateway(1024, EventLimits.defaults(), () -> NOW,
            () -> "sf-" + ids.incrementAndGet());

    private EventGateway.Outcome post(String body) {
        return gateway.accept(body.getBytes(StandardCharsets.UTF_8));
    }

    private static void assertReason(String prefix, EventGateway.Outcome o) {
        assertFalse(o.accepted(), "accepted: " + o);
        assertTrue(o.reason().startsWith(prefix), o.reason());
        assertTrue(EventParser.REASON_PREFIXES.stream().anyMatch(o.reason()::startsWith), o.reason());
        assertNull(o.value());
    }

    @Test
    void acceptsAGoodEventAndStampsItsOwnIdAndTime() throws Exception {
        EventGateway.Outcome o = post("{\"user_id\":\"u00017\",\"item_id\":\"i00042\",\"type\":\"click\","
                + "\"event_id\":\"chosen-by-the-page\",\"ts\":5,\"category\":\"c07\",\"price\":19.9,"
                + "\"context\":{\"device\":\"browser\",\"page\":\"storefront\"}}");
        assertTrue(o.accepted(), o.reason());
        assertEquals("sf-1", o.eventId());
        assertEquals("u00017", o.userId());
        assertEquals(NOW, o.ts());
        JsonNode sent = new ObjectMapper().readTree(o.value());
        assertEquals("sf-1", sent.get("event_id").asText());
        assertEquals(NOW, sent.get("ts").asLong());
        // what is forwarded is what the job accepts
        EventParser.Result job = new EventParser(1024, 64, EventLimits.defaults(), () -> NOW)
                .parse(new RawRecord(null, o.value(), "user-events", 0, 0, NOW));
        assertTrue(job.ok(), job.reason);
        assertEquals(EventType.CLICK, job.event.type);
        assertEquals("i00042", job.event.itemId);
        assertEquals("c07", job.event.category);
        assertEquals("storefront", job.event.page);
    }

    @Test
    void refusesBadJsonWithTheContractsReason() {
        assertReason("malformed JSON:", post("{\"user_id\":\"u1\",\"item_id\":"));
        assertReason("not a JSON object", post("[1,2]"));
        assertReason("duplicate key:", post("{\"user_id\":\"u1\",\"user_id\":\"u2\",\"item_id\":\"i\","
                + "\"type\":\"click\"}"));
        assertReason("more than one JSON value:", post("{\"user_id\":\"u1\",\"item_id\":\"i\",\"type\":\"click\"}{}"));
        assertReason("empty record", gateway.accept(new byte[0]));
        assertReason("invalid UTF-8:", gateway.accept(new byte[] {'{', '"', (byte) 0xC3, '"', ':', '1', '}'}));
        assertEquals(0, ids.get(), "no event id is spent on a body that is not an event");
    }

    @Test
    void refusesOversizedBodies() {
        String big = "{\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"click\",\"query\":\"" + "x".repeat(2000)
                + "\"}";
        assertReason("oversized payload:", post(big));
        // a body under the limit that the gateway's own fields push over it is refused too
        String edge = "{\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"click\",\"query\":\"" + "x".repeat(960)
                + "\"}";
        assertTrue(edge.length() < 1024);
        assertReason("oversized payload:", post(edge));
        assertTrue(gateway.oversized(1024).startsWith("oversized payload:"));
    }

    @Test
    void refusesControlCharactersAndOverlongIds() {
        assertReason("control character in id: user_id has U+0007",
                post("{\"user_id\":\"u\\u0007x\",\"item_id\":\"i1\",\"type\":\"click\"}"));
        assertReason("control character in id: item_id has U+000A",
                post("{\"user_id\":\"u1\",\"item_id\":\"i\\n1\",\"type\":\"click\"}"));
        EventGateway strict = new EventGateway(1024, new EventLimits(8, Duration.ofDays(1), Duration.ofDays(1)),
                () -> NOW, () -> "e1");
        assertReason("id too long: user_id",
                strict.accept("{\"user_id\":\"u123456789\",\"item_id\":\"i1\",\"type\":\"click\"}".getBytes(
                        StandardCharsets.UTF_8)));
    }

    @Test
    void refusesMissingFieldsWrongTypesAndUnknownEventTypes() {
        assertReason("missing required field 'item_id'", post("{\"user_id\":\"u1\",\"type\":\"click\"}"));
        assertReason("field 'user_id' must be a string", post("{\"user_id\":7,\"item_id\":\"i1\",\"type\":\"click\"}"));
        assertReason("unknown event type 'like'", post("{\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"like\"}"));
        assertReason("negative price:", post("{\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"purchase\","
                + "\"price\":-1}"));
    }
}
