package io.streamrec.ranking;

import io.streamrec.candidates.ItemScores;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.event.EventType;

/**
 * One event to rank for: the user's interest vector (after the trigger event), the history most recent first (position
 * 0 is the trigger event) and the candidates. Mutable and reusable: fill the public fields, the arrays may be longer
 * than {@link #histLen}/{@link #numCandidates}.
 */
public final class RankRequest {
    /** Interest vector after the trigger event, length {@code embedding_dim}. */
    public float[] interest;
    /** History item ids, most recent first; entries beyond {@code seq_len} are ignored by the ranker. */
    public String[] histItems;
    public EventType[] histTypes;
    /** Event times, epoch ms. */
    public long[] histTs;
    /**
     * The events' category keys ({@link io.streamrec.model.CategoryKey}), read only by the re-visit order; null reads
     * as no category.
     */
    public byte[] histCategories;
    /** Number of valid history entries (including the trigger), ≤ the arrays' length. */
    public int histLen;
    public long triggerTs;
    /** The trigger event's type; if null, {@code histTypes[0]} is used. */
    public EventType triggerType;
    public String[] candidates;
    public int numCandidates;
    /**
     * If not null, the candidates' model indices (0 = unknown to the model), as the candidate generator already
     * looked them up; else the encoder looks each id up in the bundle's vocabulary.
     */
    public int[] candidateIndices;
    /**
     * The online co-visitation table after the trigger event was added to it, read by the {@code online_covisit}
     * feature; null reads as an empty table.
     */
    public OnlineCovisitation onlineCovisit;
    /**
     * If not null, the {@code online_covisit} scores already accumulated from {@link #onlineCovisit} for this history
     * (K distinct items of the first {@code min(seq_len, histLen)} events) when the trigger was added; used instead of
     * reading the table at scoring time, which matters when scoring is deferred (micro-batching) and the table has
     * learnt from later events meanwhile.
     */
    public ItemScores onlineScores;

    public RankRequest() {
    }

    /** Convenience for tests and tools: arrays are used as given (not copied). */
    public static RankRequest of(float[] interest, String[] histItems, EventType[] histTypes, long[] histTs,
                                 String[] candidates) {
        RankRequest r = new RankRequest();
        r.interest = interest;
        r.histItems = histItems;
        r.histTypes = histTypes;
        r.histTs = histTs;
        r.histLen = histItems.length;
        r.triggerTs = histTs.length > 0 ? histTs[0] : 0L;
        r.triggerType = histTypes.length > 0 ? histTypes[0] : null;
        r.candidates = candidates;
        r.numCandidates = candidates.length;
        return r;
    }
}
