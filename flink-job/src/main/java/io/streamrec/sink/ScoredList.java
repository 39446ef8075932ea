package io.streamrec.sink;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The ranked candidates for one accepted event, best first, as the keyed ranking operator emits them. It holds a few
 * more than top-K so the catalog filter downstream can drop out-of-stock items and still fill the list. Serialized by
 * {@link ScoredListSerializer}.
 */
@TypeInfo(ScoredListSerializer.Factory.class)
public class ScoredList {
    public String userId;
    public long seq;
    public String modelVersion;
    public String triggerEventId;
    public long eventTs;
    /** When the trigger event reached Kafka (record timestamp); 0 when unknown (offline replay). */
    public long ingestTs;
    public String[] items;
    public float[] scores;
    public String[] sources;
    /** For each item, the recent item that contributed most to proposing it, or null. */
    public String[] because;

    public ScoredList() {}
}
