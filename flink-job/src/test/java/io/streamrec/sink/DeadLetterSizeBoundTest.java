package io.streamrec.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamrec.event.DeadLetter;
import io.streamrec.event.RawRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.RecordBatch;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Proves the size bound of a dead letter (issue #18: a 1.2 MB dead letter made the DLQ producer throw and the job
 * restart forever): whatever the input, the Kafka key plus the JSON value written by {@link DeadLetterJson} stay within
 * {@link DeadLetter#MAX_RECORD_BYTES}, which itself fits the producer's default {@code max.request.size} with Kafka's
 * own record-batch overhead as the producer computes it. Hostile inputs: the issue's 600 KB key, huge values, all
 * control characters (6 bytes each once escaped), invalid UTF-8, lone surrogates, and a thousand random ones.
 */
class DeadLetterSizeBoundTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int KEY_600K = 600 * 1024;

    private final DeadLetterSerializationSchema schema = new DeadLetterSerializationSchema("user-events-dlq");

    /** What the producer compares with max.request.size before sending (KafkaProducer#doSend). */
    private static int producerSize(ProducerRecord<byte[], byte[]> r) {
        return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, Compression.NONE.type(),
                r.key(), r.value(), new Header[0]);
    }

    private static int defaultMaxRequestSize() {
        return (Integer) ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    }

    private static RawRecord record(byte[] key, byte[] value) {
        return new RawRecord(key, value, "user-events", Integer.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
    }

    private static byte[] filled(int n, int b) {
        byte[] a = new byte[n];
        Arrays.fill(a, (byte) b);
        return a;
    }

    private static String repeat(String s, int n) {
        return s.repeat(n);
    }

    /** Writes one dead letter as the sink would and checks everything the bound promises; returns the parsed JSON. */
    private JsonNode writeAndCheck(DeadLetter d) throws Exception {
        if (d.ts < 0) {
            assertNull(schema.serialize(d, null, null).timestamp(), "no negative Kafka timestamp");
        }
        ProducerRecord<byte[], byte[]> r = schema.serialize(d, null, null);
        int keyLen = r.key() == null ? 0 : r.key().length;
        assertTrue(keyLen <= DeadLetter.MAX_KEY_BYTES, "kafka key " + keyLen);
        assertTrue(keyLen + r.value().length <= DeadLetter.MAX_RECORD_BYTES,
                "key + value = " + (keyLen + r.value().length));
        assertTrue(producerSize(r) <= defaultMaxRequestSize(), "producer size " + producerSize(r));
        JsonNode n = MAPPER.readTree(r.value());
        assertTrue(n.path("reason").asText().length() > 0);
        assertTrue(DeadLetter.escapedSize(n.path("reason").asText()) <= DeadLetter.MAX_REASON_JSON_BYTES);
        assertTrue(DeadLetter.escapedSize(n.path("topic").asText()) <= DeadLetter.MAX_TOPIC_JSON_BYTES);
        assertTrue(DeadLetter.escapedSize(n.path("key").asText()) <= DeadLetter.MAX_KEY_JSON_BYTES);
        assertTrue(n.path("payload_base64").asText().length() <= DeadLetter.MAX_PAYLOAD_BASE64_CHARS);
        Base64.getDecoder().decode(n.path("payload_base64").asText()); // still valid base64
        for (String f : List.of("key_bytes", "key_truncated", "payload_bytes", "payload_truncated", "truncated")) {
            assertTrue(n.has(f), f);
        }
        return n;
    }

    @Test
    void theBudgetsAddUpToTheBoundAndTheBoundFitsTheProducersDefaultRequestSize() {
        assertEquals(991_040, DeadLetter.MAX_PAYLOAD_BASE64_CHARS);
        assertEquals(743_280, DeadLetter.MAX_PAYLOAD_PREFIX_BYTES);
        assertEquals(DeadLetter.MAX_RECORD_BYTES, DeadLetter.MAX_KEY_BYTES + DeadLetter.FIXED_JSON_BYTES
                + DeadLetter.MAX_REASON_JSON_BYTES + DeadLetter.MAX_TOPIC_JSON_BYTES + DeadLetter.MAX_KEY_JSON_BYTES
                + DeadLetter.MAX_PAYLOAD_BASE64_CHARS);
        assertEquals(1_048_576, defaultMaxRequestSize());
        // the largest record the bound allows, as the producer sizes it (batch header, varints, attributes)
        int worst = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE,
                Compression.NONE.type(), new byte[DeadLetter.MAX_KEY_BYTES],
                new byte[DeadLetter.MAX_RECORD_BYTES - DeadLetter.MAX_KEY_BYTES], new Header[0]);
        assertTrue(worst <= defaultMaxRequestSize(), "worst case " + worst);
    }

    @Test
    void everythingButTheStringContentsFitsTheFixedBudget() {
        DeadLetter d = new DeadLetter();
        d.reason = "";
        d.topic = "";
        d.key = "";
        d.payloadBase64 = "";
        d.partition = Integer.MIN_VALUE;
        d.offset = Long.MIN_VALUE;
        d.ts = Long.MIN_VALUE;
        d.recordTs = Long.MIN_VALUE;
        d.keyBytes = Integer.MIN_VALUE;
        d.payloadBytes = Integer.MIN_VALUE;
        byte[] json = new DeadLetterJson().write(d);
        assertTrue(json.length <= DeadLetter.FIXED_JSON_BYTES, json.length + " bytes");
    }

    @Test
    void theIssuesRecordA600KbKeyWithNotJsonBecomesASmallDeadLetter() throws Exception {
        byte[] key = filled(KEY_600K, 'k');
        RawRecord rec = record(key, "not json".getBytes(StandardCharsets.UTF_8));
        DeadLetter d = DeadLetter.of(rec, DeadLetter.oversizedKey(key), 7L, 4096);
        assertEquals("oversized key: 614400 bytes exceeds 1024 bytes", d.reason);
        JsonNode n = writeAndCheck(d);
        ProducerRecord<byte[], byte[]> r = schema.serialize(d, null, null);
        assertTrue(r.key().length + r.value().length < 2500, "was 1.2 MB before the fix: " + r.value().length);
        assertEquals(KEY_600K, n.path("key_bytes").asInt());
        assertTrue(n.path("key_truncated").asBoolean());
        assertTrue(n.path("truncated").asBoolean());
        assertEquals(repeat("k", DeadLetter.MAX_KEY_BYTES), n.path("key").asText());
        assertEquals(8, n.path("payload_bytes").asInt());
        assertFalse(n.path("payload_truncated").asBoolean());
        assertEquals("not json", new String(Base64.getDecoder().decode(n.path("payload_base64").asText()),
                StandardCharsets.UTF_8));
        String kafkaKey = new String(r.key(), StandardCharsets.US_ASCII);
        assertTrue(kafkaKey.matches("sha256:[0-9a-f]{64}"), kafkaKey);
    }

    @Test
    void theWorstCaseOfEveryFieldAtOnceStaysWithinTheBound() throws Exception {
        // every text field made of control characters (6 bytes each escaped), the payload as large as a broker
        // accepts, the payload prefix option at its maximum, numbers at their longest
        byte[] key = filled(KEY_600K, 0x01);
        byte[] value = filled(1_000_000, 0x00);
        RawRecord rec = new RawRecord(key, value, repeat("\u0002", 100_000), Integer.MIN_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE);
        DeadLetter d = DeadLetter.of(rec, repeat("\u001f\"\\", 100_000), Long.MIN_VALUE, Integer.MAX_VALUE);
        JsonNode n = writeAndCheck(d);
        ProducerRecord<byte[], byte[]> r = schema.serialize(d, null, null);
        int total = r.key().length + r.value().length;
        // the bound is not loose: the worst case uses nearly all of it
        assertTrue(total > DeadLetter.MAX_RECORD_BYTES - 4096, "total " + total);
        assertEquals(DeadLetter.MAX_PAYLOAD_PREFIX_BYTES,
                Base64.getDecoder().decode(n.path("payload_base64").asText()).length);
        assertEquals(1_000_000, n.path("payload_bytes").asInt());
        assertTrue(n.path("payload_truncated").asBoolean());
        assertEquals(DeadLetter.MAX_KEY_BYTES, n.path("key").asText().length()); // 6144 bytes escaped
        assertEquals(DeadLetter.MAX_REASON_JSON_BYTES / 10 * 3, n.path("reason").asText().length());
    }

    @Test
    void invalidUtf8AndLoneSurrogatesAreWrittenNotThrown() throws Exception {
        // invalid UTF-8 bytes decode to U+FFFD (3 bytes each in the output, from 1 byte of input)
        byte[] key = filled(KEY_600K, 0xFF);
        DeadLetter d = DeadLetter.of(record(key, filled(900_000, 0xC3)), "malformed JSON", 1L, 1 << 20);
        JsonNode n = writeAndCheck(d);
        assertEquals(repeat("\uFFFD", DeadLetter.MAX_KEY_BYTES), n.path("key").asText());
        // a reason quoting input can hold lone surrogates ("\\ud800" parses); they are written as U+FFFD
        String lone = "unknown event type '" + repeat("\uD800x\uDC00", 50_000) + "'";
        DeadLetter e = DeadLetter.of(record(null, new byte[] {1}), lone, 1L, 4096);
        JsonNode m = writeAndCheck(e);
        String reasonWritten = m.path("reason").asText();
        assertTrue(reasonWritten.startsWith("unknown event type '\uFFFDx\uFFFD"), reasonWritten);
        assertTrue(m.path("truncated").asBoolean());
        assertFalse(m.has("key"));
        assertEquals(0, m.path("key_bytes").asInt());
        assertNull(schema.serialize(e, null, null).key());
    }

    @Test
    void aKeyWithinTheLimitIsTheDeadLettersKafkaKeyUnchangedAndAPrefixNeverSplitsACharacter() throws Exception {
        // 1024 bytes of a 4-byte character: legal, kept as the Kafka key byte for byte
        byte[] key = repeat("\uD83D\uDE00", 256).getBytes(StandardCharsets.UTF_8);
        assertEquals(DeadLetter.MAX_KEY_BYTES, key.length);
        assertNull(DeadLetter.oversizedKey(key));
        DeadLetter d = DeadLetter.of(record(key, new byte[0]), "empty record", 1L, 4096);
        assertArrayEquals(key, schema.serialize(d, null, null).key());
        JsonNode n = writeAndCheck(d);
        assertEquals(repeat("\uD83D\uDE00", 256), n.path("key").asText());
        assertFalse(n.path("key_truncated").asBoolean());
        assertFalse(n.path("truncated").asBoolean());
        // one byte more: rejected, and the JSON key is a prefix of whole characters (no U+FFFD from the cut)
        byte[] longer = (repeat("\uD83D\uDE00", 256) + "\u00e9").getBytes(StandardCharsets.UTF_8);
        assertEquals("oversized key: 1026 bytes exceeds 1024 bytes", DeadLetter.oversizedKey(longer));
        byte[] odd = ("a" + repeat("\uD83D\uDE00", 400)).getBytes(StandardCharsets.UTF_8);
        DeadLetter o = DeadLetter.of(record(odd, null), "x", 1L, 4096);
        assertEquals("a" + repeat("\uD83D\uDE00", 255), o.key);
        assertTrue(o.keyTruncated);
        // hashes: stable per key, different for huge keys sharing their first kilobytes
        byte[] a = filled(5000, 'a');
        byte[] b = filled(5000, 'a');
        b[4999] = 'b';
        assertArrayEquals(DeadLetter.recordKeyOf(a), DeadLetter.recordKeyOf(a.clone()));
        assertNotEquals(new String(DeadLetter.recordKeyOf(a), StandardCharsets.US_ASCII),
                new String(DeadLetter.recordKeyOf(b), StandardCharsets.US_ASCII));
        assertEquals(71, DeadLetter.recordKeyOf(a).length);
    }

    @Test
    void aHandBuiltDeadLetterIsBoundedByTheWriterToo() throws Exception {
        DeadLetter d = new DeadLetter();
        d.reason = repeat("\u0000", 2_000_000);
        d.topic = repeat("t", 2_000_000);
        d.key = repeat("\u0007", 2_000_000);
        d.payloadBase64 = repeat("QUJD", 500_000);
        JsonNode n = writeAndCheck(d);
        assertTrue(n.path("truncated").asBoolean());
        assertTrue(n.path("payload_truncated").asBoolean());
        assertTrue(n.path("key_truncated").asBoolean());
    }

    @Test
    void escapedSizeIsAnUpperBoundOfWhatJacksonWrites() throws Exception {
        Random rnd = new Random(18);
        JsonFactory f = new JsonFactory();
        for (int i = 0; i < 20_000; i++) {
            String s = DeadLetter.jsonPrefix(randomText(rnd, rnd.nextInt(64)), Integer.MAX_VALUE);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (JsonGenerator g = f.createGenerator(out)) {
                g.writeString(s);
            }
            int written = out.size() - 2; // the quotes
            assertTrue(written <= DeadLetter.escapedSize(s), "wrote " + written + " for " + escape(s));
        }
    }

    @Test
    void thousandsOfRandomHostileRecordsStayWithinTheBound() throws Exception {
        Random rnd = new Random(1818);
        int truncated = 0;
        for (int i = 0; i < 1000; i++) {
            byte[] key = rnd.nextInt(10) == 0 ? null : randomBytes(rnd, pickSize(rnd));
            byte[] value = rnd.nextInt(10) == 0 ? null : randomBytes(rnd, pickSize(rnd));
            String reason = randomText(rnd, rnd.nextInt(20) == 0 ? 200_000 : rnd.nextInt(300));
            DeadLetter d = DeadLetter.of(record(key, value), reason, rnd.nextLong(), rnd.nextInt(1 << 21) - 1000);
            JsonNode n = writeAndCheck(d);
            assertEquals(key == null ? 0 : key.length, n.path("key_bytes").asInt());
            assertEquals(value == null ? 0 : value.length, n.path("payload_bytes").asInt());
            assertEquals(key != null, n.has("key"));
            truncated += n.path("truncated").asBoolean() ? 1 : 0;
        }
        assertTrue(truncated > 100, "the random inputs reach the budgets: " + truncated);
    }

    private static int pickSize(Random rnd) {
        switch (rnd.nextInt(4)) {
            case 0:
                return rnd.nextInt(16);
            case 1:
                return rnd.nextInt(2048);
            case 2:
                return rnd.nextInt(100_000);
            default:
                return rnd.nextInt(10) == 0 ? 700_000 + rnd.nextInt(300_000) : rnd.nextInt(5000);
        }
    }

    private static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        switch (rnd.nextInt(4)) {
            case 0:
                rnd.nextBytes(b);
                break;
            case 1:
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) rnd.nextInt(0x20);
                }
                break;
            case 2:
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) (0x80 + rnd.nextInt(0x80));
                }
                break;
            default:
                byte[] t = randomText(rnd, n / 2).getBytes(StandardCharsets.UTF_8);
                System.arraycopy(t, 0, b, 0, Math.min(n, t.length));
        }
        return b;
    }

    /** Text from every awkward class: control chars, quotes, backslashes, 2- and 3-byte chars, pairs, lone halves. */
    private static String randomText(Random rnd, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            switch (rnd.nextInt(8)) {
                case 0:
                    sb.append((char) rnd.nextInt(0x20));
                    break;
                case 1:
                    sb.append(rnd.nextBoolean() ? '"' : '\\');
                    break;
                case 2:
                    sb.append((char) (0x20 + rnd.nextInt(0x60)));
                    break;
                case 3:
                    sb.append((char) (0x80 + rnd.nextInt(0x780)));
                    break;
                case 4:
                    sb.append((char) (0x800 + rnd.nextInt(0xD000 - 0x800)));
                    break;
                case 5:
                    sb.appendCodePoint(0x10000 + rnd.nextInt(0x100000));
                    break;
                case 6:
                    sb.append((char) (0xD800 + rnd.nextInt(0x800))); // a lone surrogate (or, by chance, half a pair)
                    break;
                default:
                    sb.append((char) (0xE000 + rnd.nextInt(0x2000)));
            }
        }
        return sb.toString();
    }

    private static String escape(String s) {
        List<String> codes = new ArrayList<>();
        s.chars().forEach(c -> codes.add(Integer.toHexString(c)));
        return codes.toString();
    }
}
