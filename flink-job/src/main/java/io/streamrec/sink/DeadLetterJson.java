package io.streamrec.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.streamrec.event.DeadLetter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The wire form of a {@link DeadLetter} ({@code docs/schemas/dead-letter.schema.json}): reason, topic, partition,
 * offset, ts, record_ts, key, key_bytes, key_truncated, payload_base64, payload_bytes, payload_truncated, truncated.
 *
 * <p>Applies the size budgets of {@link DeadLetter} itself (a no-op for one built by {@link DeadLetter#of}), so its
 * output is at most {@link DeadLetter#MAX_RECORD_BYTES} minus {@link DeadLetter#MAX_KEY_BYTES} for any dead letter,
 * and always writes valid Unicode (lone surrogates are written as U+FFFD).
 */
public final class DeadLetterJson {
    private final JsonFactory factory = new JsonFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);

    public byte[] write(DeadLetter d) {
        buffer.reset();
        String reason = DeadLetter.jsonPrefix(d.reason == null ? "" : d.reason, DeadLetter.MAX_REASON_JSON_BYTES);
        String topic = DeadLetter.jsonPrefix(d.topic == null ? "" : d.topic, DeadLetter.MAX_TOPIC_JSON_BYTES);
        String key = DeadLetter.jsonPrefix(d.key, DeadLetter.MAX_KEY_JSON_BYTES);
        String payload = d.payloadBase64 == null ? "" : d.payloadBase64;
        boolean payloadCut = false;
        if (payload.length() > DeadLetter.MAX_PAYLOAD_BASE64_CHARS) {
            payload = payload.substring(0, DeadLetter.MAX_PAYLOAD_BASE64_CHARS); // a multiple of 4: still base64
            payloadCut = true;
        }
        // base64 is ASCII; anything else in it (a hand-built dead letter) is still kept within the same budget
        payload = DeadLetter.jsonPrefix(payload, DeadLetter.MAX_PAYLOAD_BASE64_CHARS);
        boolean keyCut = d.key != null && key.length() < d.key.length();
        boolean cut = (d.reason != null && reason.length() < d.reason.length())
                || (d.topic != null && topic.length() < d.topic.length()) || keyCut || payloadCut;
        try (JsonGenerator g = factory.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("reason", reason);
            g.writeStringField("topic", topic);
            g.writeNumberField("partition", d.partition);
            g.writeNumberField("offset", d.offset);
            g.writeNumberField("ts", d.ts);
            g.writeNumberField("record_ts", d.recordTs);
            if (key != null) {
                g.writeStringField("key", key);
            }
            g.writeNumberField("key_bytes", d.keyBytes);
            g.writeBooleanField("key_truncated", d.keyTruncated || keyCut);
            g.writeStringField("payload_base64", payload);
            g.writeNumberField("payload_bytes", d.payloadBytes);
            g.writeBooleanField("payload_truncated", d.payloadTruncated || payloadCut);
            g.writeBooleanField("truncated", d.truncated || cut);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }
}
