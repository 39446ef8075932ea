package io.streamrec.event;

import io.streamrec.catalog.ItemUpdate;
import io.streamrec.catalog.ParseItemUpdatesFunction;
import io.streamrec.sink.DeadLetterSerializationSchema;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ParseEventsFunction} and {@link ParseItemUpdatesFunction} in Flink's operator harness: an oversized key is a
 * dead letter of its own, every rejected record leaves as exactly one bounded dead letter, and good records pass.
 */
class DeadLetterRoutingTest {

    /** A valid event, timed now: inside the parser's default ts window. */
    private static final String EVENT = "{\"event_id\":\"e1\",\"user_id\":\"u1\",\"item_id\":\"i1\",\"type\":\"view\","
            + "\"ts\":" + System.currentTimeMillis() + "}";

    private static RawRecord record(byte[] key, String value, long offset) {
        return new RawRecord(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8), "user-events", 0,
                offset, 5L);
    }

    private static byte[] key(int n) {
        byte[] k = new byte[n];
        Arrays.fill(k, (byte) 'k');
        return k;
    }

    private static <T> List<DeadLetter> deadLetters(OneInputStreamOperatorTestHarness<RawRecord, T> h) {
        List<DeadLetter> out = new ArrayList<>();
        Queue<StreamRecord<DeadLetter>> q = h.getSideOutput(ParseEventsFunction.DEAD_LETTERS);
        if (q != null) {
            q.forEach(r -> out.add(r.getValue()));
        }
        return out;
    }

    @Test
    void anOversizedKeyIsADeadLetterOfItsOwnEvenWithAValidEvent() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, UserEvent> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new ParseEventsFunction(65536, 4096))) {
            h.processElement(record(key(614_400), "not json", 1), 0);
            h.processElement(record(key(DeadLetter.MAX_KEY_BYTES + 1), EVENT, 2), 0);
            h.processElement(record(key(DeadLetter.MAX_KEY_BYTES), EVENT, 3), 0);
            h.processElement(record("u1".getBytes(StandardCharsets.UTF_8), EVENT, 4), 0);
            h.processElement(record(null, null, 5), 0);

            List<UserEvent> events = h.extractOutputValues();
            assertEquals(2, events.size(), "a key of exactly the limit is fine");
            List<DeadLetter> dead = deadLetters(h);
            assertEquals(3, dead.size());
            assertEquals("oversized key: 614400 bytes exceeds 1024 bytes", dead.get(0).reason);
            assertEquals(614_400, dead.get(0).keyBytes);
            assertEquals(1L, dead.get(0).offset);
            assertEquals("oversized key: 1025 bytes exceeds 1024 bytes", dead.get(1).reason);
            assertEquals("empty record", dead.get(2).reason);
            assertEquals(0, dead.get(2).keyBytes);

            DeadLetterSerializationSchema schema = new DeadLetterSerializationSchema("dlq");
            for (DeadLetter d : dead) {
                ProducerRecord<byte[], byte[]> r = schema.serialize(d, null, null);
                int size = (r.key() == null ? 0 : r.key().length) + r.value().length;
                assertTrue(size < 4096, d.reason + ": " + size);
            }
        }
    }

    @Test
    void catalogDeadLettersAreBoundedTheSameWay() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, ItemUpdate> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new ParseItemUpdatesFunction(4096))) {
            byte[] junk = new byte[200_000];
            Arrays.fill(junk, (byte) 0x01);
            h.processElement(new RawRecord(key(614_400), junk, "item-updates", 0, 9, 5L), 0);
            h.processElement(new RawRecord(null, null, "item-updates", 0, 10, 5L), 0);
            // a tombstone whose key no item id can be: not a deletion in broadcast state, a dead letter
            h.processElement(new RawRecord(key(DeadLetter.MAX_KEY_BYTES + 1), null, "item-updates", 0, 11, 5L), 0);
            h.processElement(new RawRecord("i1".getBytes(StandardCharsets.UTF_8), junk, "item-updates", 0, 12, 5L), 0);
            assertEquals(0, h.extractOutputValues().size());
            List<DeadLetter> dead = deadLetters(h);
            assertEquals(4, dead.size());
            assertEquals("oversized key: 1025 bytes exceeds 1024 bytes", dead.get(2).reason);
            assertTrue(dead.get(3).reason.startsWith("malformed JSON"), dead.get(3).reason);
            assertTrue(DeadLetter.escapedSize(dead.get(3).reason) <= DeadLetter.MAX_REASON_JSON_BYTES);
            DeadLetter d = dead.get(0);
            assertEquals("oversized key: 614400 bytes exceeds 1024 bytes", d.reason);
            assertEquals(614_400, d.keyBytes);
            assertTrue(d.keyTruncated && d.payloadTruncated && d.truncated);
            assertEquals(200_000, d.payloadBytes);
            assertEquals(71, d.recordKey.length);
            assertEquals("tombstone without a key", dead.get(1).reason);
        }
    }
}
