package io.streamrec.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Parses and validates the {@code user-events} JSON contract (docs/schemas/user-event.schema.json). Either returns a
 * {@link UserEvent} or fills a {@link DeadLetter} with a precise reason (which field, what was wrong). The contract is
 * bounded: exactly one JSON object per record, without duplicate keys; ids of at most {@link EventLimits#maxIdLength}
 * characters and without control characters; a ts inside a window around processing time (taken from the clock the
 * parser is given, so tests and replays can fix it); a finite, non-negative price. Every reason starts with one of
 * {@link #REASON_PREFIXES}. Nothing that arrives makes it throw. Not thread-safe: one per operator instance, so the
 * ObjectMapper and the UTF-8 decoder are created once, not per event.
 */
public final class EventParser {

    /**
     * The stable start of every reason the parser gives, one per kind of violation (what follows it names the field
     * and the value). {@code parser error} is a safety net that no input is known to reach.
     */
    public static final List<String> REASON_PREFIXES = List.of(
            "empty record", "oversized payload:", "invalid UTF-8:", "malformed JSON:", "duplicate key:",
            "not a JSON object", "trailing data:", "more than one JSON value:", "missing required field '",
            "field '", "unknown event type '", "id too long:", "control character in id:", "invalid unicode in id:",
            "ts too old:", "ts in the future:", "price not finite:", "negative price:", "parser error:");

    /** Duplicate keys fail in the tokenizer, at any depth, before any tree is built. */
    private final ObjectMapper mapper = new ObjectMapper(
            JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final long maxBytes;
    private final int payloadPrefixBytes;
    private final EventLimits limits;
    private final LongSupplier clock;

    /** Holds the outcome of one parse: exactly one of {@code event} and {@code reason} is set. */
    public static final class Result {
        public UserEvent event;
        public String reason;

        public boolean ok() {
            return event != null;
        }
    }

    /** A parser with the default {@link EventLimits} and the system clock. */
    public EventParser(long maxBytes, int payloadPrefixBytes) {
        this(maxBytes, payloadPrefixBytes, EventLimits.defaults(), System::currentTimeMillis);
    }

    /**
     * @param clock processing time in epoch ms, read once per record for the ts window
     */
    public EventParser(long maxBytes, int payloadPrefixBytes, EventLimits limits, LongSupplier clock) {
        this.maxBytes = maxBytes;
        this.payloadPrefixBytes = payloadPrefixBytes;
        this.limits = limits;
        this.clock = clock;
    }

    /** Parses one raw record. Never throws: whatever arrives is either an event or a reason. */
    public Result parse(RawRecord record) {
        try {
            return parseChecked(record);
        } catch (RuntimeException e) {
            // no input is known to get here (EventParserFuzzTest asserts it); a record must never fail the job
            Result r = new Result();
            r.reason = "parser error: " + e;
            return r;
        }
    }

    private Result parseChecked(RawRecord record) {
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
        try (JsonParser p = mapper.createParser(text)) {
            try {
                root = mapper.readTree(p);
            } catch (JsonProcessingException e) {
                String m = String.valueOf(e.getOriginalMessage());
                r.reason = m.startsWith("Duplicate field '")
                        ? "duplicate key: " + m.substring("Duplicate field ".length()) + " appears more than once"
                        : "malformed JSON: " + m;
                return r;
            }
            if (root == null || !root.isObject()) {
                r.reason = "not a JSON object";
                return r;
            }
            try {
                JsonToken next = p.nextToken();
                if (next != null) {
                    r.reason = "more than one JSON value: " + describe(next) + " after the event object";
                    return r;
                }
            } catch (JsonProcessingException e) {
                r.reason = "trailing data: " + e.getOriginalMessage() + " after the event object";
                return r;
            }
        } catch (java.io.IOException e) { // a String source does no I/O; closing cannot fail either
            r.reason = "malformed JSON: " + e.getMessage();
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
            checkId("event_id", e.eventId);
            checkId("user_id", e.userId);
            checkId("item_id", e.itemId);
            checkId("session_id", e.sessionId);
            checkId("category", e.category);
            checkTs(e.ts, clock.getAsLong());
            JsonNode price = root.get("price");
            if (price != null && !price.isNull()) {
                if (!price.isNumber()) {
                    throw new Invalid("field 'price' must be a number, got " + describe(price));
                }
                e.price = price.asDouble();
                if (!Double.isFinite(e.price)) {
                    throw new Invalid("price not finite: the number reads as " + e.price + " (it does not fit a "
                            + "double)");
                }
                if (e.price < 0) {
                    throw new Invalid("negative price: " + e.price + ", a price must be >= 0");
                }
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

    /** The dead-letter record for a rejected input: {@link DeadLetter#of}, size-bounded whatever arrived. */
    public DeadLetter deadLetter(RawRecord record, String reason, long now) {
        return DeadLetter.of(record, reason, now, payloadPrefixBytes);
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

    /** Length in code points and characters of an id (null: an absent optional id, nothing to check). */
    private void checkId(String field, String s) throws Invalid {
        if (s == null) {
            return;
        }
        // a string has at least as many chars as code points: only a long one needs counting
        if (s.length() > limits.maxIdLength) {
            int codePoints = s.codePointCount(0, s.length());
            if (codePoints > limits.maxIdLength) {
                throw new Invalid("id too long: " + field + " has " + codePoints + " characters, max "
                        + "events.max-id-length=" + limits.maxIdLength);
            }
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x1F || c >= 0x7F && c <= 0x9F) {
                throw new Invalid(String.format(java.util.Locale.ROOT,
                        "control character in id: %s has U+%04X at index %d", field, (int) c, i));
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // a lone surrogate is no Unicode character: written as UTF-8 (Kafka keys, output) it becomes '?',
                // so two different ids would become one
                throw new Invalid(String.format(java.util.Locale.ROOT,
                        "invalid unicode in id: %s has an unpaired surrogate U+%04X at index %d", field, (int) c, i));
            }
        }
    }

    /** The ts window around processing time {@code now}; ms arithmetic saturates instead of overflowing. */
    private void checkTs(long ts, long now) throws Invalid {
        long oldest = now - limits.maxTsPastMs; // both non-negative and below 2^62: no overflow
        if (ts < oldest) {
            throw new Invalid("ts too old: " + ts + " (" + Instant.ofEpochMilli(ts) + ") is " + duration(now - ts)
                    + " before processing time, beyond events.max-ts-past=" + duration(limits.maxTsPastMs)
                    + (ts > 0 && ts < 100_000_000_000L ? " (seconds instead of milliseconds?)" : ""));
        }
        if (ts - now > limits.maxTsFutureMs) { // ts >= 0 and now >= 0: the difference cannot overflow
            throw new Invalid("ts in the future: " + ts + " (" + Instant.ofEpochMilli(ts) + ") is "
                    + duration(ts - now) + " after processing time, beyond events.max-ts-future="
                    + duration(limits.maxTsFutureMs)
                    + (ts > 1_000_000_000_000_000L ? " (microseconds instead of milliseconds?)" : ""));
        }
    }

    /** A duration in ms as Flink writes durations ("30 d", "1 h", "1500 ms"), or in its two largest units. */
    static String duration(long ms) {
        long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
        String[] names = {"d", "h", "min", "s", "ms"};
        for (int i = 0; i < units.length - 1; i++) {
            if (ms >= units[i]) {
                return ms % units[i] == 0 ? ms / units[i] + " " + names[i]
                        : ms / units[i] + " " + names[i] + " " + (ms % units[i]) / units[i + 1] + " " + names[i + 1];
            }
        }
        return ms + " ms";
    }

    private static String describe(JsonToken t) {
        switch (t) {
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            default:
                return t.asString() == null ? t.name() : t.asString();
        }
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
