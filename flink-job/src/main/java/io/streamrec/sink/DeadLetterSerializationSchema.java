package io.streamrec.sink;

import io.streamrec.event.DeadLetter;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * Writes dead letters to the DLQ topic, keyed like the original record: its key when at most
 * {@link DeadLetter#MAX_KEY_BYTES}, else a {@code sha256:} digest of it ({@link DeadLetter#recordKeyOf}). Key plus
 * value stay within {@link DeadLetter#MAX_RECORD_BYTES}, so the producer never rejects one as too large (which would
 * fail the job and replay the record forever).
 */
public class DeadLetterSerializationSchema extends JsonRecordSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    public DeadLetterSerializationSchema(String topic) {
        super(topic);
    }

    @Override
    protected Function<DeadLetter, byte[]> newWriter() {
        return new DeadLetterJson()::write;
    }

    /** Kafka refuses a negative timestamp; a dead letter must not fail over its own metadata. */
    @Override
    protected Long timestamp(DeadLetter d) {
        return d.ts >= 0 ? d.ts : null;
    }

    /** The Kafka key of a dead letter, at most {@link DeadLetter#MAX_KEY_BYTES}; null if the original had none. */
    @Override
    protected byte[] key(DeadLetter d) {
        if (d.recordKey != null) {
            return DeadLetter.recordKeyOf(d.recordKey);
        }
        // a dead letter built by hand, without recordKey: its (possibly lossy) text key, bounded the same way
        return d.key == null ? null : DeadLetter.recordKeyOf(d.key.getBytes(StandardCharsets.UTF_8));
    }
}
