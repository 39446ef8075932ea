package io.streamrec.event;

/**
 * A record that could not be accepted, as written to the dead-letter topic: the reason, the record's origin and the
 * original bytes (or a prefix of them for huge payloads, with the full size). Nothing that arrives is dropped silently.
 */
public class DeadLetter {
    public String reason;
    public String topic;
    public int partition;
    public long offset;
    /** When the job rejected the record, epoch ms. */
    public long ts;
    /** The Kafka record timestamp of the rejected record. */
    public long recordTs;
    /** The original key, UTF-8 decoded leniently; null if none. */
    public String key;
    /** Base64 of the payload, or of its first {@code dlq.payload-prefix-bytes} bytes. */
    public String payloadBase64;
    public int payloadBytes;
    public boolean payloadTruncated;

    public DeadLetter() {}
}
