package io.streamrec.candidates;

import io.streamrec.event.UserEvent;
import io.streamrec.state.UserState;

/**
 * The candidate stage of one event: builds the user's filter sets, starts the event's candidates, sums the
 * history's online co-visitation scores and, for the neighbour-ordered discovery list, fuses it. Why one class: the
 * filter sets are built once per event and read by all three (the generator asks about hundreds of candidates per
 * event, and a linear scan of a 100-item purchase list per candidate was a tenth of the operator's Java time, JFR),
 * by the ranking stage's re-visit filter right after, and by the generator when it completes the candidates with
 * the micro-batch ({@link PendingCandidates}). Reused event after event; not thread-safe.
 */
public final class EventCandidates {
    private final boolean filterPurchased;
    private final boolean filterSeen;
    private final DiscoveryFusion discovery;

    /**
     * @param filterPurchased whether a user's purchased items are excluded
     * @param filterSeen      whether the items of a user's history are excluded
     * @param discovery       the discovery list's fusion, or null unless the list is ordered by neighbours
     */
    public EventCandidates(boolean filterPurchased, boolean filterSeen, DiscoveryFusion discovery) {
        this.filterPurchased = filterPurchased;
        this.filterSeen = filterSeen;
        this.discovery = discovery;
    }

    /**
     * Builds the event's filters into {@code out}, starts its candidates (the rest is owed until
     * {@link CandidateGenerator#complete}), and fills its online scores (when the tables have an online table) and
     * discovery list (when the list is ordered by neighbours), from the user's state after this event.
     *
     * @param onlineSeeds how many distinct history items seed the online scores (the model's K)
     * @param seqLen      how much of the history the online scores read (the model's L)
     */
    public void generate(CandidateGenerator generator, UserState s, UserEvent e, LiveTables tables, int onlineSeeds,
                         int seqLen, PendingCandidates out, ItemScores onlineScores, DiscoveryList discover) {
        int h = s.histItems.length;
        out.buildFilters(s, filterPurchased, filterSeen);
        generator.begin(s.interest, s.histItems, h, tables.online(), out);
        if (tables.online() != null) {
            tables.online().accumulate(s.histItems, Math.min(h, seqLen), onlineSeeds, onlineScores);
        }
        if (discovery != null) {
            discovery.fuse(tables, e, s.histItems, h, onlineScores, out.excluded(), discover);
        }
    }

    /** Whether any filter is on. */
    public boolean filters() {
        return filterPurchased || filterSeen;
    }
}
