package io.streamrec.event;

/**
 * A validated shopper event from the {@code user-events} contract. Flink POJO (public fields, no-arg constructor) so
 * it is serialized without Kryo. Optional fields are null when absent; unknown JSON fields are dropped at parse time.
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

    @Override
    public String toString() {
        return "UserEvent{" + eventId + ", user=" + userId + ", item=" + itemId + ", " + type + ", ts=" + ts + "}";
    }
}
