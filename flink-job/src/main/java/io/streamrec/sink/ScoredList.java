package io.streamrec.sink;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The ranked candidates for one accepted event, best first, as the keyed ranking operator emits them. It holds a few
 * more than top-K so the catalog filter downstream can drop out-of-stock items and still fill the list. With the
 * discovery list on ({@code recs.discover-list}), it also says which entries the discovery list skips and carries
 * {@link #extra} entries, after the main list, that only the discovery list may use. Serialized by
 * {@link ScoredListSerializer}.
 */
@TypeInfo(ScoredListSerializer.Factory.class)
public class ScoredList {
    public String userId;
    public long seq;
    public String modelVersion;
    /** The A/B variant that ranked the list ({@code main} when one bundle serves). */
    public String variant;
    public String triggerEventId;
    public long eventTs;
    /** When the trigger event reached Kafka (record timestamp); 0 when unknown (offline replay). */
    public long ingestTs;
    public String[] items;
    public float[] scores;
    public String[] sources;
    /** For each item, the recent item that contributed most to proposing it, or null. */
    public String[] because;
    /**
     * How many trailing entries are for the discovery list only: the main list is the first
     * {@code items.length - extra} entries.
     */
    public int extra;
    /**
     * Per entry, whether the discovery list skips it: its item is in the user's history window, or (with
     * {@code recs.discover-order=neighbours}) it is a main-list entry. Null when there is no discovery list.
     */
    public boolean[] skipInDiscover;

    /** How many leading entries make up the main list. */
    public int mainCount() {
        return items == null ? 0 : items.length - extra;
    }

    public ScoredList() {}
}
