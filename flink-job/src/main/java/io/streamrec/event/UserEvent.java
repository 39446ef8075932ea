package io.streamrec.event;

import java.util.Objects;

/**
 * A validated shopper event from the {@code user-events} contract: the one event class of that boundary (the job, the
 * simulator and the evaluator all use it). Flink POJO (public fields, no-arg constructor) so it is serialized without
 * Kryo. Optional fields are null when absent; unknown JSON fields are dropped at parse time. {@link EventParser} reads
 * the JSON, {@link UserEventJson} writes it.
 */
public class UserEvent {
    public String eventId;
    public String userId;
    public String itemId;
    public EventType type;
    /** Event time, epoch milliseconds. */
    public long ts;
    /** When the record reached Kafka (its record timestamp), for event-to-emit latency; 0 if unknown. */
    public long ingestTs;
    public String sessionId;
    public String category;
    public Double price;
    public String query;
    /** The contract's {@code context.device}, e.g. {@code ios}; null when absent. */
    public String device;
    /** The contract's {@code context.page}, e.g. {@code category}; null when absent. */
    public String page;

    public UserEvent() {}

    public UserEvent(String eventId, String userId, String itemId, EventType type, long ts) {
        this.eventId = eventId;
        this.userId = userId;
        this.itemId = itemId;
        this.type = type;
        this.ts = ts;
    }

    public String getUserId() {
        return userId;
    }

    /** Field-by-field equality (every field, ingestTs included). */
    @Override
    public boolean equals(Object o) {
        return o instanceof UserEvent e && ts == e.ts && ingestTs == e.ingestTs && type == e.type
                && Objects.equals(eventId, e.eventId) && Objects.equals(userId, e.userId)
                && Objects.equals(itemId, e.itemId) && Objects.equals(sessionId, e.sessionId)
                && Objects.equals(category, e.category) && Objects.equals(price, e.price)
                && Objects.equals(query, e.query) && Objects.equals(device, e.device) && Objects.equals(page, e.page);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, userId, itemId, type, ts);
    }

    @Override
    public String toString() {
        return "UserEvent{" + eventId + ", user=" + userId + ", item=" + itemId + ", " + type + ", ts=" + ts + "}";
    }
}
