package io.streamrec.feedback;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The wire form of {@link ListFeedback} on the {@code recommendation-feedback} topic: one compact JSON object per
 * judged event, e.g. {@code {"user_id":"u1","variant":"b","model_version":"v2","event_id":"e9","event_type":"click",
 * "rank":3,"list_size":20,"event_ts":1733530000000}} (rank 1-based, 0 for a miss; event_type the event's wire name).
 * The field names are a contract ({@code docs/schemas/recommendation-feedback.schema.json}): {@code model status}
 * reads them. Written with a streaming generator, no reflection per record. Not thread-safe: one per writer.
 */
public final class FeedbackJson {
    private final JsonFactory factory = new JsonFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);

    public byte[] write(ListFeedback f) {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("user_id", f.userId);
            g.writeStringField("variant", f.variant == null ? ListFeedback.MAIN : f.variant);
            g.writeStringField("model_version", f.modelVersion);
            g.writeStringField("event_id", f.eventId);
            g.writeStringField("event_type", f.eventType == null ? null : f.eventType.wireName());
            g.writeNumberField("rank", f.rank);
            g.writeNumberField("list_size", f.listSize);
            g.writeNumberField("event_ts", f.eventTs);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
