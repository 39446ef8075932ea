package io.streamrec.state;

/**
 * Everything the job remembers about one user, stored as one value in RocksDB keyed state. Arrays (no collections),
 * sized exactly to their content and bounded by the bundle's sequence length and the {@code state.*} options, so a
 * user's state can never grow without bound. Arrays are most-recent-first. Serialized by {@link UserStateSerializer}
 * (dense: varints, delta-coded times), which {@code TypeInformation.of(UserState.class)} picks through the annotation.
 */
@org.apache.flink.api.common.typeinfo.TypeInfo(UserStateTypeInfo.Factory.class)
public class UserState {
    /** The interest vector, or null before the first event. */
    public float[] interest;
    /** Event time the interest vector was last decayed to; {@code Long.MIN_VALUE} before the first event. */
    public long lastTs = Long.MIN_VALUE;
    /** Model version whose embeddings built {@link #interest}; a new model rebuilds the vector from the history. */
    public String modelVersion;

    /**
     * The last events, most recent first: item ids, type indices (EventType.modelIndex), and how long before
     * {@link #lastTs} each happened in ms (an int, clamped at about 24.8 days, to keep state small).
     */
    public String[] histItems = new String[0];
    public byte[] histTypes = new byte[0];
    public int[] histOffsetMs = new int[0];
    /**
     * The events' one-byte category keys ({@link io.streamrec.model.CategoryKey}, 0 for none), as long as
     * {@link #histItems}: what the re-visit order's {@code same_category} features read.
     */
    public byte[] histCategories = new byte[0];

    /** Purchased items and the current cart, most recent first. */
    public String[] purchased = new String[0];
    public String[] cart = new String[0];

    /** Per-user sequence number of the last emitted list; increases by one per accepted event. */
    public long seq;

    /** 64-bit hashes of the most recent accepted event ids, most recent first, to drop duplicates. */
    public long[] recentEventHashes = new long[0];

    /**
     * 32-bit hashes ({@link UserStateUpdater#itemHash}) of the items of the last list emitted for the user, in rank
     * order, at most top-K: the next event is judged against it (online feedback: was its item in the list, at which
     * rank). The ranked list before the catalog filter. Empty before the first list and after a restore of state
     * written before it existed (serializer format 1).
     *
     * <p>32 bits, not the 64 of the event-id hashes, to halve the list's share of the 1-KiB per-user state budget
     * (docs/BENCHMARKS.md): 4 bytes per item instead of 8, 81 bytes instead of 161 at top-K 20. The price is a false
     * hit: an event whose item was not in the list matches one of its K hashes with probability about K/2^32 per
     * judged event, about 5e-9 at K 20 (one in some 200 million judged events), far below the feedback metrics'
     * resolution.
     */
    public int[] lastList = new int[0];

    public UserState() {}

    public int historyLength() {
        return histItems.length;
    }

    /** Event time of the i-th most recent history event. */
    public long historyTs(int i) {
        return lastTs - histOffsetMs[i];
    }
}
