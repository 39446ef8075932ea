package io.streamrec.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamrec.event.DeadLetter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The wire form of a {@link DeadLetter}: reason, topic, partition, offset, ts, record_ts, key, payload_base64,
 * payload_bytes, payload_truncated.
 */
public final class DeadLetterJson {
    private final JsonFactory factory = new JsonFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);

    public byte[] write(DeadLetter d) {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("reason", d.reason);
            g.writeStringField("topic", d.topic);
            g.writeNumberField("partition", d.partition);
            g.writeNumberField("offset", d.offset);
            g.writeNumberField("ts", d.ts);
            g.writeNumberField("record_ts", d.recordTs);
            if (d.key != null) {
                g.writeStringField("key", d.key);
            }
            g.writeStringField("payload_base64", d.payloadBase64);
            g.writeNumberField("payload_bytes", d.payloadBytes);
            g.writeBooleanField("payload_truncated", d.payloadTruncated);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
