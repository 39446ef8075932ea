package io.streamrec.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Parses and validates the {@code user-events} JSON contract. Either returns a {@link UserEvent} or fills a
 * {@link DeadLetter} with a precise reason (which field, what was wrong). Not thread-safe: one per operator instance,
 * so the ObjectMapper and the UTF-8 decoder are created once, not per event.
 */
public final class EventParser {

    private final ObjectMapper mapper = new ObjectMapper();
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final long maxBytes;
    private final int payloadPrefixBytes;

    /** Holds the outcome of one parse: exactly one of {@code event} and {@code reason} is set. */
    public static final class Result {
        public UserEvent event;
        public String reason;

        public boolean ok() {
            return event != null;
        }
    }

    public EventParser(long maxBytes, int payloadPrefixBytes) {
        this.maxBytes = maxBytes;
        this.payloadPrefixBytes = payloadPrefixBytes;
    }

    /** Parses one raw record. Never throws for bad input. */
    public Result parse(RawRecord record) {
        Result r = new Result();
        byte[] value = record.value;
        if (value == null || value.length == 0) {
            r.reason = "empty record";
            return r;
        }
        if (value.length > maxBytes) {
            r.reason = "oversized payload: " + value.length + " bytes exceeds events.max-bytes=" + maxBytes;
            return r;
        }
        String text;
        try {
            text = utf8.reset().decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            r.reason = "invalid UTF-8: " + e.getMessage();
            return r;
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            r.reason = "malformed JSON: " + e.getOriginalMessage();
            return r;
        }
        if (root == null || !root.isObject()) {
            r.reason = "not a JSON object";
            return r;
        }
        UserEvent e = new UserEvent();
        try {
            e.eventId = requiredString(root, "event_id");
            e.userId = requiredString(root, "user_id");
            e.itemId = requiredString(root, "item_id");
            String type = requiredString(root, "type");
            e.type = EventType.fromWire(type);
            if (e.type == null) {
                throw new Invalid("unknown event type '" + type
                        + "' (expected view, click, add_to_cart, remove_from_cart, purchase or search)");
            }
            JsonNode ts = root.get("ts");
            if (ts == null || ts.isNull()) {
                throw new Invalid("missing required field 'ts'");
            }
            if (!ts.isIntegralNumber() || !ts.canConvertToLong()) {
                throw new Invalid("field 'ts' must be an integer (epoch ms), got " + describe(ts));
            }
            e.ts = ts.asLong();
            if (e.ts < 0) {
                throw new Invalid("field 'ts' must not be negative, got " + e.ts);
            }
            e.sessionId = optionalString(root, "session_id");
            e.category = optionalString(root, "category");
            e.query = optionalString(root, "query");
            JsonNode price = root.get("price");
            if (price != null && !price.isNull()) {
                if (!price.isNumber()) {
                    throw new Invalid("field 'price' must be a number, got " + describe(price));
                }
                e.price = price.asDouble();
            }
            JsonNode context = root.get("context");
            if (context != null && !context.isNull()) {
                if (!context.isObject()) {
                    throw new Invalid("field 'context' must be an object, got " + describe(context));
                }
                e.device = textOrNull(context.get("device")); // informational: anything else is ignored
                e.page = textOrNull(context.get("page"));
            }
        } catch (Invalid invalid) {
            r.reason = invalid.getMessage();
            return r;
        }
        e.ingestTs = record.timestamp;
        r.event = e;
        return r;
    }

    /** Builds the dead-letter record for a rejected input. */
    public DeadLetter deadLetter(RawRecord record, String reason, long now) {
        DeadLetter d = new DeadLetter();
        d.reason = reason;
        d.topic = record.topic;
        d.partition = record.partition;
        d.offset = record.offset;
        d.ts = now;
        d.recordTs = record.timestamp;
        d.key = record.key == null ? null : new String(record.key, StandardCharsets.UTF_8);
        byte[] value = record.value == null ? new byte[0] : record.value;
        d.payloadBytes = value.length;
        int n = Math.min(value.length, payloadPrefixBytes);
        d.payloadTruncated = n < value.length;
        byte[] prefix = n == value.length ? value : java.util.Arrays.copyOf(value, n);
        d.payloadBase64 = Base64.getEncoder().encodeToString(prefix);
        return d;
    }

    private static String requiredString(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new Invalid("missing required field '" + field + "'");
        }
        if (!n.isTextual()) {
            throw new Invalid("field '" + field + "' must be a string, got " + describe(n));
        }
        String s = n.asText();
        if (s.isBlank()) {
            throw new Invalid("field '" + field + "' must not be empty");
        }
        return s;
    }

    private static String optionalString(JsonNode root, String field) throws Invalid {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new Invalid("field '" + field + "' must be a string, got " + describe(n));
        }
        return n.asText();
    }

    private static String textOrNull(JsonNode n) {
        return n != null && n.isTextual() ? n.asText() : null;
    }

    private static String describe(JsonNode n) {
        String s = n.toString();
        return n.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
                + (s.length() > 40 ? s.substring(0, 40) + "…" : s);
    }

    private static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }
}
