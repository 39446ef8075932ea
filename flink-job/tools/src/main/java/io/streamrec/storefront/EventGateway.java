package io.streamrec.storefront;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamrec.config.StreamrecOptions;
import io.streamrec.event.EventLimits;
import io.streamrec.event.EventParser;
import io.streamrec.event.RawRecord;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Turns what the storefront page POSTs into a {@code user-events} record, or refuses it with one reason. The page
 * sends the event without {@code event_id} and {@code ts}; the gateway sets both itself (a client cannot pick ids that
 * collide with other events or stamp events in the past) and then checks the record with the job's own
 * {@link EventParser} and {@link EventLimits}: whatever the gateway forwards, the job accepts, and a refusal carries
 * the same reason the job's dead-letter topic would. The body is first checked as it arrived (empty, oversized, not
 * UTF-8, not exactly one JSON object, duplicate keys), then the completed record is checked field by field.
 * Thread-safe: the parser is not, so each call takes the lock.
 */
public final class EventGateway {
    /** Reasons that are about the body as a whole; any other reason of the first check is left to the second. */
    private static final List<String> ENVELOPE_REASONS = List.of("empty record", "oversized payload:",
            "invalid UTF-8:", "malformed JSON:", "duplicate key:", "not a JSON object", "trailing data:",
            "more than one JSON value:", "parser error:");

    private final ObjectMapper mapper = new ObjectMapper();
    private final EventParser parser;
    private final long maxBytes;
    private final LongSupplier clock;
    private final Supplier<String> ids;

    /** What became of one POST: an accepted record (key and value to produce) or a reason. */
    public record Outcome(String reason, String eventId, String userId, long ts, byte[] value) {
        static Outcome refused(String reason) {
            return new Outcome(reason, null, null, 0, null);
        }

        public boolean accepted() {
            return reason == null;
        }
    }

    /** A gateway with the job's default limits ({@code events.max-bytes}, ids, ts window) and the system clock. */
    public static EventGateway withDefaults() {
        return new EventGateway(StreamrecOptions.EVENT_MAX_BYTES.defaultValue().getBytes(), EventLimits.defaults(),
                System::currentTimeMillis, () -> "sf-" + java.util.UUID.randomUUID());
    }

    /**
     * @param maxBytes largest record, as the job's {@code events.max-bytes}
     * @param clock the ts it stamps and the parser's processing time
     * @param ids the event ids it assigns
     */
    public EventGateway(long maxBytes, EventLimits limits, LongSupplier clock, Supplier<String> ids) {
        this.maxBytes = maxBytes;
        this.parser = new EventParser(maxBytes, 256, limits, clock);
        this.clock = clock;
        this.ids = ids;
    }

    /** The largest body worth reading: anything longer is refused as oversized without being read to its end. */
    public long maxBodyBytes() {
        return maxBytes;
    }

    /** Checks one POSTed body and, if it passes, completes it into the record to forward. */
    public synchronized Outcome accept(byte[] body) {
        EventParser.Result first = parser.parse(raw(body));
        if (!first.ok()) {
            for (String p : ENVELOPE_REASONS) {
                if (first.reason.startsWith(p)) {
                    return Outcome.refused(first.reason);
                }
            }
        }
        ObjectNode event;
        try {
            JsonNode n = mapper.readTree(body);
            event = (ObjectNode) n; // the first check proved it is exactly one object
        } catch (Exception e) {
            return Outcome.refused("malformed JSON: " + e.getMessage());
        }
        String id = ids.get();
        long ts = clock.getAsLong();
        event.put("event_id", id);
        event.put("ts", ts);
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(event);
        } catch (Exception e) {
            return Outcome.refused("parser error: " + e);
        }
        EventParser.Result second = parser.parse(raw(value));
        if (!second.ok()) {
            return Outcome.refused(second.reason);
        }
        return new Outcome(null, id, second.event.userId, ts, value);
    }

    /** The reason for a body longer than {@code read} bytes that was not read to its end. */
    public String oversized(long read) {
        return "oversized payload: more than " + read + " bytes exceeds events.max-bytes=" + maxBytes;
    }

    private static RawRecord raw(byte[] value) {
        return new RawRecord(null, value, "storefront", 0, 0, 0);
    }
}
