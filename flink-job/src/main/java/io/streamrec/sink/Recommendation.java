package io.streamrec.sink;

/**
 * The message on the {@code recommendations} topic: a user's complete current list. {@code seq} increases per user,
 * so a consumer keeps only the highest one it has seen. It may carry a second list, {@link #discover}, for discovery.
 * Flink POJO; {@link RecommendationJson} writes the wire form.
 */
public class Recommendation {
    public String userId;
    public long seq;
    public String modelVersion;
    /** The A/B variant that served the list: a name from the model store's serving.json, or {@code main}. */
    public String variant;
    public String triggerEventId;
    public long eventTs;
    public long emittedTs;
    public long ingestTs;
    public RecommendedItem[] items;
    /**
     * The discovery list ({@code recs.discover-list}): the best items that are not in the user's history window, or
     * null when the job emits only {@link #items}.
     */
    public RecommendedItem[] discover;

    public Recommendation() {}

    /** One entry of the list. */
    public static class RecommendedItem {
        public String itemId;
        public float score;
        public String source;
        public String because;

        public RecommendedItem() {}

        public RecommendedItem(String itemId, float score, String source, String because) {
            this.itemId = itemId;
            this.score = score;
            this.source = source;
            this.because = because;
        }
    }
}
