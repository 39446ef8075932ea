package io.streamrec.eval;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.streamrec.event.EventType;
import java.nio.charset.StandardCharsets;

/**
 * One row of an event log, after reading: what the evaluator replays (as input-contract JSON) and scores against.
 *
 * @param seq the row's position in the file (0-based), used to keep the sort by time stable
 */
public record LogEvent(String eventId, String userId, String itemId, EventType type, long ts, String category,
                       long seq) {

    /** The event in the {@code user-events} JSON contract, exactly what the storefront would write to Kafka. */
    public byte[] toJsonBytes() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"event_id\":");
        str(sb, eventId);
        sb.append(",\"user_id\":");
        str(sb, userId);
        sb.append(",\"item_id\":");
        str(sb, itemId);
        sb.append(",\"type\":\"").append(type.wireName()).append('"');
        sb.append(",\"ts\":").append(ts);
        if (category != null) {
            sb.append(",\"category\":");
            str(sb, category);
        }
        sb.append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void str(StringBuilder sb, String s) {
        sb.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, sb);
        sb.append('"');
    }
}
