package io.streamrec.feedback;

import io.streamrec.event.EventType;

import java.util.Objects;

/**
 * How an accepted event judged a list emitted for its user: the list's variant and model version, the judging event
 * (user, id, type, event time), the 1-based rank of the event's item in the list (0 when the item was not in it) and
 * the list's size. With {@code feedback.horizon-events} 1 (the default) the judging event is the user's next event,
 * exactly evaluate's next-event protocol; with a longer horizon it is the event that closed the list
 * ({@link FeedbackHorizon}). Emitted by the ranking operator on a side output, aggregated per variant by
 * {@link OnlineFeedbackSink} and written to the {@code recommendation-feedback} topic ({@link FeedbackJson}). A Flink
 * POJO (public fields, no-arg constructor): no Kryo.
 */
public class ListFeedback {
    /** The variant of a single-bundle deployment, and of a list whose variant is unknown. */
    public static final String MAIN = "main";

    public String variant = MAIN;
    public String modelVersion;
    public String userId;
    public String eventId;
    public EventType eventType;
    /** The judging event's time (its {@code ts}, epoch ms). */
    public long eventTs;
    /** 1-based rank of the event's item in the list, 0 for a miss. */
    public int rank;
    public int listSize;

    public ListFeedback() {}

    /** @param variant null for {@link #MAIN} */
    public ListFeedback(String variant, String modelVersion, String userId, String eventId, EventType eventType,
                        long eventTs, int rank, int listSize) {
        this.variant = variant == null ? MAIN : variant;
        this.modelVersion = modelVersion;
        this.userId = userId;
        this.eventId = eventId;
        this.eventType = eventType;
        this.eventTs = eventTs;
        this.rank = rank;
        this.listSize = listSize;
    }

    public boolean isHit() {
        return rank > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListFeedback f && rank == f.rank && listSize == f.listSize && eventTs == f.eventTs
                && eventType == f.eventType && Objects.equals(variant, f.variant)
                && Objects.equals(modelVersion, f.modelVersion) && Objects.equals(userId, f.userId)
                && Objects.equals(eventId, f.eventId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(variant, modelVersion, userId, eventId, eventType, eventTs, rank, listSize);
    }

    @Override
    public String toString() {
        return "ListFeedback{" + variant + "/" + modelVersion + ", " + userId + " " + eventId + " " + eventType
                + "@" + eventTs + ", rank=" + rank + "/" + listSize + "}";
    }
}
