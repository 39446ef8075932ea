package io.streamrec.candidates;

import static io.streamrec.model.IdSlots.mix;

import io.streamrec.event.EventType;
import java.util.Arrays;

/**
 * The distinct item ids of a user's last {@code L'} history events (most recent first, {@code p = 0} the trigger),
 * with what the contract's history features need of each: how often it occurs, its most recent position {@code p*}
 * and that event's time, and which event types it was seen with. Entries are numbered in the order of their most
 * recent occurrence, so entry {@code e} is the item of distinct rank {@code r = e}.
 *
 * <p>Why one class: the ranker's {@code hist_*} candidate features ({@code ranking.CandidateFeatures}) and the re-visit
 * order ({@code ranking.RevisitScorer}) read the same window the same way; the candidate stage also builds one over a
 * user's purchased and recent items as sets for its filters ({@link EventCandidates}) and the discovery list
 * ({@link DiscoveryFusion}); it lives here, the lower of the two stages, so both can use it. An open-addressing
 * table, reused from event to event: once it has grown to the window's size, building it allocates nothing. Not
 * thread-safe.
 */
public final class HistoryWindow {
    private String[] keys = new String[16];
    private int[] hashes = new int[16];
    private int[] count = new int[16];
    private int[] first = new int[16];
    private long[] firstTs = new long[16];
    private int[] seen = new int[16];
    private int[] slots = new int[32];
    private int size;
    private boolean hasTs;

    /**
     * Reads the first {@code n} events of a history; null ids are skipped.
     *
     * @param types their event types, or null (no type seen)
     * @param ts    their times in epoch ms, or null (see {@link #hasTs})
     */
    public void build(String[] hist, EventType[] types, long[] ts, int n) {
        for (int i = 0; i < size; i++) {
            keys[i] = null;
        }
        size = 0;
        if (slots.length < 2 * n) {
            slots = new int[Integer.highestOneBit(Math.max(1, 2 * n - 1)) << 1];
        } else {
            Arrays.fill(slots, 0);
        }
        if (keys.length < n) {
            int cap = Math.max(n, keys.length * 2);
            keys = new String[cap];
            hashes = new int[cap];
            count = new int[cap];
            first = new int[cap];
            firstTs = new long[cap];
            seen = new int[cap];
        }
        hasTs = ts != null;
        int mask = slots.length - 1;
        for (int p = 0; p < n; p++) {
            String id = hist[p];
            if (id == null) {
                continue;
            }
            int h = id.hashCode();
            int s = mix(h) & mask;
            int e = -1;
            int q;
            while ((q = slots[s]) != 0) {
                if (hashes[q - 1] == h && keys[q - 1].equals(id)) {
                    e = q - 1;
                    break;
                }
                s = (s + 1) & mask;
            }
            if (e < 0) {
                e = size++;
                slots[s] = e + 1;
                keys[e] = id;
                hashes[e] = h;
                count[e] = 0;
                first[e] = p;
                firstTs[e] = ts != null ? ts[p] : 0L;
                seen[e] = 0;
            }
            count[e]++;
            EventType t = types != null ? types[p] : null;
            if (t != null) {
                seen[e] |= 1 << t.ordinal();
            }
        }
    }

    /** The entry (= distinct rank) of an item id, or -1 when it is not in the window (or null). */
    public int find(String id) {
        if (size == 0 || id == null) {
            return -1;
        }
        int h = id.hashCode();
        int mask = slots.length - 1;
        int s = mix(h) & mask;
        int q;
        while ((q = slots[s]) != 0) {
            if (hashes[q - 1] == h && keys[q - 1].equals(id)) {
                return q - 1;
            }
            s = (s + 1) & mask;
        }
        return -1;
    }

    /** The number of distinct items. */
    public int size() {
        return size;
    }

    /** Whether the history came with times. */
    public boolean hasTs() {
        return hasTs;
    }

    /** The item id of entry {@code e}. */
    public String item(int e) {
        return keys[e];
    }

    /** How many of the window's events are on entry {@code e}'s item. */
    public int count(int e) {
        return count[e];
    }

    /** {@code p*}: the position of the item's most recent event. */
    public int firstPos(int e) {
        return first[e];
    }

    /** The time of the item's most recent event (0 without times). */
    public long firstTs(int e) {
        return firstTs[e];
    }

    /** Whether some event of the window on entry {@code e}'s item has type {@code t}. */
    public boolean seen(int e, EventType t) {
        return (seen[e] & (1 << t.ordinal())) != 0;
    }

    /** Whether some event on entry {@code e}'s item has the type of ordinal {@code ordinal}. */
    public boolean seenOrdinal(int e, int ordinal) {
        return (seen[e] & (1 << ordinal)) != 0;
    }
}
