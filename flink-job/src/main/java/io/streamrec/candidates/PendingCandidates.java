package io.streamrec.candidates;

import io.streamrec.state.UserState;

import java.util.function.Predicate;

/**
 * One event's candidates while they are being made: the set, the user's filters as they stood at the event, and what
 * {@link CandidateGenerator#complete} still owes it (retrieval by the event's interest vector, then popular items).
 * Why the split: the sources that read the live tables run at the event, in stream order; retrieval reads only the
 * event's own interest vector, so it can wait for the micro-batch and scan the item table once for all its events.
 * The filters are the event's own copies for the same reason: by then the user may have a later event in the batch.
 * Reused event after event (one per micro-batch slot). Not thread-safe.
 */
public final class PendingCandidates {
    final CandidateSet set;
    private final HistoryWindow purchasedSet = new HistoryWindow();
    private final HistoryWindow seenSet = new HistoryWindow();
    private boolean filterPurchased;
    private boolean filterSeen;
    private final Predicate<String> excluded = item -> (filterPurchased && purchasedSet.find(item) >= 0)
            || (filterSeen && seenSet.find(item) >= 0);

    /** The event's interest vector, when retrieval is owed. */
    float[] query = new float[0];
    /** Whether retrieval is owed (the source is on and the interest vector is not all zeros). */
    boolean retrieve;
    /** A cold user gets popular items outright, a warm one only to fill. */
    boolean cold;
    /** Whether {@link CandidateGenerator#complete} has yet to run for this event. */
    boolean open;

    /** Pending candidates that fill {@code set}. */
    public PendingCandidates(CandidateSet set) {
        this.set = set;
    }

    /** Builds the filters from the user's state as it stands now: purchased items, and all history items. */
    void buildFilters(UserState s, boolean purchased, boolean seen) {
        filterPurchased = purchased;
        filterSeen = seen;
        if (purchased) {
            purchasedSet.build(s.purchased, null, null, s.purchased.length);
        }
        if (seen) {
            seenSet.build(s.histItems, null, null, s.histItems.length);
        }
    }

    /** Whether the filters refuse an item, as built by the last {@link #buildFilters}. */
    public Predicate<String> excluded() {
        return excluded;
    }

    /** Whether {@link CandidateGenerator#complete} has yet to run: the set is not final. */
    public boolean isOpen() {
        return open;
    }
}
