package io.streamrec.event;

/**
 * One record exactly as Kafka delivered it: bytes plus where it came from. Parsing happens after the source so that a
 * record that fails can go to the dead-letter topic with its topic, partition and offset. A Flink POJO.
 */
public class RawRecord {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    /** The Kafka record timestamp (producer or log-append time), used as the event's ingest time. */
    public long timestamp;

    public RawRecord() {}

    public RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
    }
}
