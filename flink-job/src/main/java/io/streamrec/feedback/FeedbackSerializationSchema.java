package io.streamrec.feedback;

import io.streamrec.sink.JsonRecordSchema;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Writes each {@link ListFeedback} to the feedback topic as {@link FeedbackJson}, keyed by user_id (a user's
 * judgements stay ordered in one partition, next to their lists). The record time is the producer's clock, not the
 * event's: a replay of old events must not be deleted at once by the topic's time retention.
 */
public class FeedbackSerializationSchema extends JsonRecordSchema<ListFeedback> {
    private static final long serialVersionUID = 1L;

    public FeedbackSerializationSchema(String topic) {
        super(topic);
    }

    @Override
    protected Function<ListFeedback, byte[]> newWriter() {
        return new FeedbackJson()::write;
    }

    @Override
    protected byte[] key(ListFeedback f) {
        return f.userId == null ? null : f.userId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected Long timestamp(ListFeedback f) {
        return null; // the producer's clock, not the event's
    }
}
