package io.streamrec.event;

import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A record that could not be accepted, as written to the dead-letter topic: the reason, the record's origin, a prefix
 * of its key and of its payload, and their original sizes. Nothing that arrives is dropped silently.
 *
 * <p><b>Size bound.</b> Whatever arrives, the dead letter of it fits the DLQ producer's {@code max.request.size}
 * (1 MiB by default): a dead letter that does not fit makes the sink throw, the job restart and replay the same record
 * forever (issue #18). {@link #of} therefore keeps only bounded prefixes, and bounds them by their size <em>as
 * written</em> (JSON-escaped UTF-8, where a control character becomes six bytes, an invalid UTF-8 byte three and each
 * half of a surrogate pair a six-byte escape), not by their raw size. The wire writer ({@code sink.DeadLetterJson})
 * applies the same budgets again, so the bound holds for any {@code DeadLetter}, also one built by hand. The Kafka key
 * plus the JSON value of a dead letter never exceed {@link #MAX_RECORD_BYTES}:
 * <pre>
 *   Kafka key                       ≤ MAX_KEY_BYTES           (1 024; the original key, or "sha256:" + hex of it)
 *   JSON value                      ≤ FIXED_JSON_BYTES        (  512; field names, punctuation, numbers, booleans)
 *                                   + MAX_REASON_JSON_BYTES   (1 024)
 *                                   + MAX_TOPIC_JSON_BYTES    (  256)
 *                                   + MAX_KEY_JSON_BYTES      (6 144)
 *                                   + MAX_PAYLOAD_BASE64_CHARS (991 040 = base64 of MAX_PAYLOAD_PREFIX_BYTES 743 280)
 *   total                           = MAX_RECORD_BYTES        (1 000 000)
 * </pre>
 * which leaves 48 576 bytes of the 1 MiB request for the record batch's own overhead (under 100 bytes).
 * {@code dlq.payload-prefix-bytes} above {@link #MAX_PAYLOAD_PREFIX_BYTES} is clamped to it.
 */
public class DeadLetter {

    /**
     * The largest Kafka record key the job accepts, and the largest it writes as a dead letter's key. Keys are user or
     * item ids (the producers key by {@code user_id}, the catalog by {@code item_id}): real ones are tens of bytes, so
     * 1 KiB is far above any legitimate id and keeps a rejected record's key (which the dead letter carries twice,
     * as its Kafka key and in its JSON) a rounding error in the size bound. A larger key is itself a reason to reject
     * a record ({@link #oversizedKey}); there is no option for it, because nothing legitimate comes near it.
     */
    public static final int MAX_KEY_BYTES = 1024;
    /**
     * Budget of the {@code key} JSON string's content, escaped: six times {@link #MAX_KEY_BYTES}, the most any
     * {@code MAX_KEY_BYTES} of input can become (a control byte is a six-byte escape), so an accepted-size key is
     * always shown whole and an oversized one as its first {@code MAX_KEY_BYTES}.
     */
    public static final int MAX_KEY_JSON_BYTES = 6 * MAX_KEY_BYTES;
    /** Budget of the {@code reason} JSON string's content, escaped. Reasons can quote input (e.g. an unknown type). */
    public static final int MAX_REASON_JSON_BYTES = 1024;
    /** Budget of the {@code topic} JSON string's content; Kafka topic names are at most 249 ASCII characters. */
    public static final int MAX_TOPIC_JSON_BYTES = 256;
    /** Upper bound of everything in the JSON value except the contents of its strings (checked by a test). */
    public static final int FIXED_JSON_BYTES = 512;
    /** Upper bound of a dead letter's Kafka key plus JSON value; below the producer's default 1 MiB request size. */
    public static final int MAX_RECORD_BYTES = 1_000_000;
    /** Budget of the {@code payload_base64} string: what is left of {@link #MAX_RECORD_BYTES}, a multiple of 4. */
    public static final int MAX_PAYLOAD_BASE64_CHARS = (MAX_RECORD_BYTES - MAX_KEY_BYTES - FIXED_JSON_BYTES
            - MAX_REASON_JSON_BYTES - MAX_TOPIC_JSON_BYTES - MAX_KEY_JSON_BYTES) / 4 * 4;
    /** The most payload bytes a dead letter keeps, whatever {@code dlq.payload-prefix-bytes} says. */
    public static final int MAX_PAYLOAD_PREFIX_BYTES = MAX_PAYLOAD_BASE64_CHARS / 4 * 3;

    private static final String KEY_DIGEST_PREFIX = "sha256:";

    public String reason;
    public String topic;
    public int partition;
    public long offset;
    /** When the job rejected the record, epoch ms. */
    public long ts;
    /** The Kafka record timestamp of the rejected record. */
    public long recordTs;
    /**
     * The original key, or its first {@link #MAX_KEY_BYTES} bytes (cut at a character boundary), UTF-8 decoded
     * leniently (invalid bytes become U+FFFD); null if none.
     */
    public String key;
    /** Size of the original key in bytes; 0 if none. */
    public int keyBytes;
    /** Whether {@link #key} is only a prefix of the original key. */
    public boolean keyTruncated;
    /**
     * The Kafka key of the dead-letter record: the original key bytes when at most {@link #MAX_KEY_BYTES}, else
     * {@code "sha256:<hex>"} of them (see {@link #recordKeyOf}); null if the record had no key.
     */
    public byte[] recordKey;
    /** Base64 of the payload, or of its first {@code dlq.payload-prefix-bytes} bytes. */
    public String payloadBase64;
    public int payloadBytes;
    public boolean payloadTruncated;
    /** Whether anything (reason, key or payload) was cut to fit the size bound. */
    public boolean truncated;

    public DeadLetter() {}

    /**
     * Builds the bounded dead letter of a rejected record. Never throws for any input; the result, written by
     * {@code sink.DeadLetterJson}, is at most {@link #MAX_RECORD_BYTES} with its Kafka key.
     *
     * @param payloadPrefixBytes {@code dlq.payload-prefix-bytes}; clamped to [0, {@link #MAX_PAYLOAD_PREFIX_BYTES}]
     */
    public static DeadLetter of(RawRecord record, String reason, long now, int payloadPrefixBytes) {
        DeadLetter d = new DeadLetter();
        String why = reason == null || reason.isEmpty() ? "rejected without a reason" : reason;
        d.reason = jsonPrefix(why, MAX_REASON_JSON_BYTES);
        boolean reasonCut = d.reason.length() < why.length();
        d.topic = record.topic == null ? "" : jsonPrefix(record.topic, MAX_TOPIC_JSON_BYTES);
        d.partition = record.partition;
        d.offset = record.offset;
        d.ts = now;
        d.recordTs = record.timestamp;
        if (record.key != null) {
            byte[] k = record.key;
            d.keyBytes = k.length;
            // keep the first MAX_KEY_BYTES (whole characters): escaped, they fit MAX_KEY_JSON_BYTES whatever they are
            int n = utf8Boundary(k, Math.min(k.length, MAX_KEY_BYTES));
            String decoded = decodeLeniently(k, n);
            d.key = jsonPrefix(decoded, MAX_KEY_JSON_BYTES);
            d.keyTruncated = n < k.length || d.key.length() < decoded.length();
            d.recordKey = recordKeyOf(k);
        }
        byte[] value = record.value == null ? new byte[0] : record.value;
        d.payloadBytes = value.length;
        int p = Math.min(value.length, Math.max(0, Math.min(payloadPrefixBytes, MAX_PAYLOAD_PREFIX_BYTES)));
        d.payloadTruncated = p < value.length;
        d.payloadBase64 = Base64.getEncoder().encodeToString(p == value.length ? value : Arrays.copyOf(value, p));
        d.truncated = reasonCut || d.keyTruncated || d.payloadTruncated;
        return d;
    }

    /** The reason for a record whose key exceeds {@link #MAX_KEY_BYTES}, or null if its key is acceptable. */
    public static String oversizedKey(byte[] key) {
        if (key == null || key.length <= MAX_KEY_BYTES) {
            return null;
        }
        return "oversized key: " + key.length + " bytes exceeds " + MAX_KEY_BYTES + " bytes";
    }

    /**
     * The Kafka key for the dead letter of a record with this key: the key itself if it is at most
     * {@link #MAX_KEY_BYTES}, so dead letters are partitioned like their originals; else {@code "sha256:"} and the hex
     * SHA-256 of the whole key (71 bytes). A digest rather than a prefix: it still sends every dead letter of one key
     * to one partition, and does not merge different huge keys that share a prefix (padding attacks). The readable
     * prefix is in the JSON's {@code key}.
     */
    public static byte[] recordKeyOf(byte[] key) {
        if (key == null || key.length <= MAX_KEY_BYTES) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
            return (KEY_DIGEST_PREFIX + HexFormat.of().formatHex(digest)).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /**
     * The longest prefix of {@code s} whose JSON-escaped UTF-8 form is at most {@code maxEscapedBytes}, with lone
     * surrogates replaced by U+FFFD: Jackson would write them as escapes of a lone half, which is not
     * Unicode and which strict JSON readers reject. The result has the
     * same number of chars as the prefix it stands for, so {@code result.length() < s.length()} iff it was cut. A
     * surrogate pair is never split.
     */
    public static String jsonPrefix(String s, int maxEscapedBytes) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        int size = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1));
            boolean lone = !pair && Character.isSurrogate(c);
            int w = pair ? 12 : lone ? 3 : escapedBytes(c);
            if (size + w > maxEscapedBytes) {
                break;
            }
            size += w;
            if (lone && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                if (lone) {
                    out.append('\uFFFD');
                } else if (pair) {
                    out.append(c).append(s.charAt(i + 1));
                } else {
                    out.append(c);
                }
            }
            i += pair ? 2 : 1;
        }
        if (out != null) {
            return out.toString();
        }
        return i == n ? s : s.substring(0, i);
    }

    /**
     * An upper bound of the JSON-escaped UTF-8 size of {@code s}, as {@link #jsonPrefix} counts it: a control
     * character (or DEL) 6 (a six-byte u-escape), a quote or backslash 2, other ASCII 1, U+0080..U+07FF 2, a
     * surrogate pair 12 (two escapes, as Jackson 2 writes it), anything else (including a lone surrogate, written as
     * U+FFFD) 3.
     */
    public static int escapedSize(String s) {
        int size = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                size += 12;
                i++;
            } else {
                size += Character.isSurrogate(c) ? 3 : escapedBytes(c);
            }
        }
        return size;
    }

    private static int escapedBytes(char c) {
        if (c < 0x20 || c == 0x7F) {
            return 6;
        }
        if (c == '"' || c == '\\') {
            return 2;
        }
        if (c < 0x80) {
            return 1;
        }
        return c < 0x800 ? 2 : 3;
    }

    /** Moves a cut point back so it does not fall inside a UTF-8 sequence (at most 3 continuation bytes). */
    private static int utf8Boundary(byte[] b, int cut) {
        int i = cut;
        for (int steps = 0; i > 0 && i < b.length && steps < 3 && (b[i] & 0xC0) == 0x80; steps++) {
            i--;
        }
        return i < b.length && (b[i] & 0xC0) == 0x80 ? cut : i;
    }

    private static String decodeLeniently(byte[] b, int n) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try {
            return decoder.decode(ByteBuffer.wrap(b, 0, n)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
    }
}
