package io.streamrec.event;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a {@link UserEvent} in the {@code user-events} JSON contract: the inverse of {@link EventParser}, so that
 * parsing what this writes gives the event back (all fields but {@code ingestTs}, which is the Kafka record's
 * timestamp, not part of the payload). The one writer of the contract: the simulator's output and the evaluator's
 * replay are these bytes.
 *
 * <p>Fields in the order event_id, user_id, item_id, type, ts, session_id, category, price, query,
 * context{device, page}; absent (null) ones are left out; no spaces. Strings are escaped as Jackson escapes them
 * (model-export's {@code convert} writes the same bytes). A price that is a whole number of cents is written with two
 * decimals ({@code 12.30}), any other finite price as {@link Double#toString}; a non-finite price, which no JSON can
 * hold, is left out.
 */
public final class UserEventJson {
    private UserEventJson() {}

    public static String toJson(UserEvent e) {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"event_id\":");
        appendString(sb, e.eventId);
        sb.append(",\"user_id\":");
        appendString(sb, e.userId);
        sb.append(",\"item_id\":");
        appendString(sb, e.itemId);
        sb.append(",\"type\":\"").append(e.type.wireName()).append('"');
        sb.append(",\"ts\":").append(e.ts);
        if (e.sessionId != null) {
            sb.append(",\"session_id\":");
            appendString(sb, e.sessionId);
        }
        if (e.category != null) {
            sb.append(",\"category\":");
            appendString(sb, e.category);
        }
        if (e.price != null && Double.isFinite(e.price)) {
            sb.append(",\"price\":");
            appendPrice(sb, e.price);
        }
        if (e.query != null) {
            sb.append(",\"query\":");
            appendString(sb, e.query);
        }
        if (e.device != null || e.page != null) {
            sb.append(",\"context\":{");
            if (e.device != null) {
                sb.append("\"device\":");
                appendString(sb, e.device);
            }
            if (e.page != null) {
                if (e.device != null) {
                    sb.append(',');
                }
                sb.append("\"page\":");
                appendString(sb, e.page);
            }
            sb.append('}');
        }
        return sb.append('}').toString();
    }

    /** {@link #toJson} as UTF-8 (an unpaired surrogate becomes '?'). */
    public static byte[] toJsonBytes(UserEvent e) {
        return toJson(e).getBytes(StandardCharsets.UTF_8);
    }

    /** A JSON string literal, quotes included. */
    public static void appendString(StringBuilder sb, String s) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        sb.append('"');
    }

    /** A finite price: whole cents as {@code 12.30}, else {@link Double#toString}; both parse back to {@code p}. */
    public static void appendPrice(StringBuilder sb, double p) {
        double c = Math.rint(p * 100);
        long cents = (long) c;
        if (Math.abs(c) < (1L << 53) && cents / 100.0 == p && !(cents == 0 && 1 / p < 0)) { // -0.0: toString
            if (cents < 0) {
                sb.append('-');
                cents = -cents;
            }
            sb.append(cents / 100).append('.');
            long r = cents % 100;
            if (r < 10) {
                sb.append('0');
            }
            sb.append(r);
        } else {
            sb.append(p);
        }
    }
}
