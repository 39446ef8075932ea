package io.streamrec.sim;

import io.streamrec.event.EventType;
import java.nio.charset.StandardCharsets;

/**
 * One well-formed shopper event in the input contract ({@code user-events}, key user_id).
 *
 * @param priceCents the item's price in cents at event time, or -1 to omit
 * @param query only for search events, else null
 */
public record SimEvent(
        String eventId,
        String userId,
        String itemId,
        EventType type,
        long ts,
        String sessionId,
        String category,
        long priceCents,
        String query,
        String device,
        String page) implements World.Output {

    public SimEvent withTs(long newTs) {
        return new SimEvent(eventId, userId, itemId, type, newTs, sessionId, category, priceCents, query, device, page);
    }

    public SimEvent withEventId(String newId) {
        return new SimEvent(newId, userId, itemId, type, ts, sessionId, category, priceCents, query, device, page);
    }

    public String toJson() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"event_id\":");
        appendString(sb, eventId);
        sb.append(",\"user_id\":");
        appendString(sb, userId);
        sb.append(",\"item_id\":");
        appendString(sb, itemId);
        sb.append(",\"type\":\"").append(type.wireName()).append('"');
        sb.append(",\"ts\":").append(ts);
        if (sessionId != null) {
            sb.append(",\"session_id\":");
            appendString(sb, sessionId);
        }
        if (category != null) {
            sb.append(",\"category\":");
            appendString(sb, category);
        }
        if (priceCents >= 0) {
            sb.append(",\"price\":");
            appendCents(sb, priceCents);
        }
        if (query != null) {
            sb.append(",\"query\":");
            appendString(sb, query);
        }
        if (device != null || page != null) {
            sb.append(",\"context\":{");
            boolean first = true;
            if (device != null) {
                sb.append("\"device\":");
                appendString(sb, device);
                first = false;
            }
            if (page != null) {
                if (!first) {
                    sb.append(',');
                }
                sb.append("\"page\":");
                appendString(sb, page);
            }
            sb.append('}');
        }
        sb.append('}');
        return sb.toString();
    }

    public byte[] toJsonBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    static void appendCents(StringBuilder sb, long cents) {
        sb.append(cents / 100).append('.');
        long c = cents % 100;
        if (c < 10) {
            sb.append('0');
        }
        sb.append(c);
    }

    static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
