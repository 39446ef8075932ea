package io.streamrec.feedback;

import io.streamrec.event.EventType;

/**
 * How the user's next accepted event judged the last list emitted for them: the event's type, the 1-based rank of its
 * item in that list (0 when the item was not in it), the list's size, and the model version that served the list.
 * Emitted by the ranking operator on a side output and aggregated per model version by {@link OnlineFeedbackSink}, so
 * a new model's online hit rate can be compared with the old one's while both serve. A Flink POJO (public fields,
 * no-arg constructor): no Kryo.
 */
public class ListFeedback {
    public String modelVersion;
    public EventType eventType;
    /** 1-based rank of the event's item in the list, 0 for a miss. */
    public int rank;
    public int listSize;

    public ListFeedback() {}

    public ListFeedback(String modelVersion, EventType eventType, int rank, int listSize) {
        this.modelVersion = modelVersion;
        this.eventType = eventType;
        this.rank = rank;
        this.listSize = listSize;
    }

    public boolean isHit() {
        return rank > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListFeedback f && rank == f.rank && listSize == f.listSize && eventType == f.eventType
                && java.util.Objects.equals(modelVersion, f.modelVersion);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(modelVersion, eventType, rank, listSize);
    }

    @Override
    public String toString() {
        return "ListFeedback{" + modelVersion + ", " + eventType + ", rank=" + rank + "/" + listSize + "}";
    }
}
