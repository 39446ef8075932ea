package io.streamrec.candidates;

import io.streamrec.model.BundleManifest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The online co-visitation table {@code T(a, b) ≥ 0} over item ids of docs/MODEL_BUNDLE.md ("Online co-visitation"),
 * learnt from the event stream as it is served.
 *
 * <p>Why: the bundle's vocabulary and {@code covisit.json} are frozen at training time, while on real data most next
 * items are unknown to them. This table learns pairs from the live stream, so items first seen after training get
 * neighbours (and become candidates) within a few events, and the {@code online_covisit} feature can tell them apart.
 *
 * <p>Update rule ({@link #update}): for an event {@code (x, ts)} and {@code k = 1 … W} over the user's previous
 * events (most recent first, item {@code h_k}, time {@code ts_k}): if {@code h_k ≠ x} and
 * {@code ts − ts_k ≤ G·1000}, then {@code T(x, h_k) += 1/k} and {@code T(h_k, x) += 1/k}. A {@link #directed}
 * table adds only {@code T(h_k, x) += 1/k}: "x came after h_k", the sequential rule behind the discovery list's
 * sequence term (docs/EVALUATION.md). The gap saturates instead of overflowing (any {@code long}
 * time is safe). The table keeps no time of its own, so an event stamped far from the stream's time (year 9999, 0)
 * changes nothing about how other users' events count: it pairs, or not, within its own user's window only.
 *
 * <p>Bounds: each item keeps at most {@code maxNeighbours} neighbours; when its list is full a new neighbour replaces
 * the lightest one (first in list order on ties) and starts from that one's weight plus its own increment (the
 * Space-Saving rule). The table keeps at most {@code maxItems} item lists; creating one more drops the list of the
 * least recently updated item (that item may stay in other items' lists until Space-Saving pushes it out). Below both
 * bounds the table is exactly the definition; {@link #UNBOUNDED} for both gives the plain definition (the evaluator's
 * {@code covisit_knn} baseline uses it that way).
 *
 * <p>Memory: no boxed maps. Each item is one entry of dense parallel arrays (id, hash, LRU links) plus its own small
 * neighbour arrays (id reference, hash, float64 weight: 16 bytes a neighbour), grown by doubling up to the bound, so
 * long-tail items cost little. The ids are bounded too: past {@code maxBytes} ({@link HeapBytes}: an item's list costs
 * {@link #ROW_BYTES}, each neighbour slot {@link #NEIGHBOUR_BYTES}, and each distinct id, however many lists reference
 * it, its size once, held in a {@link StringPool}) the least recently updated lists leave, as at the item bound.
 * Weights are float64 like the contract's accumulation, which also keeps sums of many
 * {@code 1/k} increments exact enough on long streams.
 *
 * <p>Reading: {@link #accumulate} sums {@code T(d_q, ·) · (1/(q+1))} over the first K distinct items of a history into
 * a reusable {@link ItemScores}, which answers per-candidate lookups and {@link ItemScores#top} (score desc, ties by
 * item id ascending). Not thread-safe: one table per operator instance, used from its task thread. Checkpointed with
 * {@link #freeze(int)} / {@link #restore(ListChunk)}, chunks of whole item lists that merge on rescale.
 *
 * <p>This class holds the update rule, the reads and the checkpoint hand-off; the storage it works on (the
 * hand-packed parallel arrays, their index and recency order, the Space-Saving replacement and the byte budget) is
 * {@link CovisitLists}, so the bounds' bookkeeping sits in one place apart from what the table means.
 */
public final class OnlineCovisitation {
    /** Manifest defaults when a bundle has no {@code online_covisit} object. */
    public static final int DEFAULT_ITEMS = BundleManifest.DEFAULT_ONLINE_COVISIT_ITEMS;
    public static final int DEFAULT_PAIR_WINDOW = BundleManifest.DEFAULT_ONLINE_COVISIT_PAIR_WINDOW;
    public static final long DEFAULT_MAX_GAP_S = BundleManifest.DEFAULT_ONLINE_COVISIT_MAX_GAP_S;
    /** For {@code maxNeighbours} and {@code maxItems}: no bound. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    /** Accounted per item list ({@link CovisitLists#ROW_BYTES}). */
    static final long ROW_BYTES = CovisitLists.ROW_BYTES;
    /** Accounted per neighbour slot ({@link CovisitLists#NEIGHBOUR_BYTES}). */
    static final long NEIGHBOUR_BYTES = CovisitLists.NEIGHBOUR_BYTES;

    private final int maxNeighbours;
    private final int maxItems;
    private final boolean directed;
    private final long maxBytes;
    /** The item lists, their bounds and the byte budget. */
    private final CovisitLists lists;
    private int pairWindow;
    private long maxGapMs;

    /**
     * @param pairWindow    W, how many previous events of the user pair with an event
     * @param maxGapS       G, pairs further apart than this many seconds are not counted
     * @param maxNeighbours neighbours kept per item ({@link #UNBOUNDED} for none), ≥ 1
     * @param maxItems      items with a neighbour list ({@link #UNBOUNDED} for none), ≥ 2 (a pair needs two lists)
     */
    public OnlineCovisitation(int pairWindow, long maxGapS, int maxNeighbours, int maxItems) {
        this(pairWindow, maxGapS, maxNeighbours, maxItems, Long.MAX_VALUE, false);
    }

    /** As {@link #OnlineCovisitation(int, long, int, int)}, at most {@code maxBytes} ({@link HeapBytes}), ≥ 1. */
    public OnlineCovisitation(int pairWindow, long maxGapS, int maxNeighbours, int maxItems, long maxBytes) {
        this(pairWindow, maxGapS, maxNeighbours, maxItems, maxBytes, false);
    }

    private OnlineCovisitation(int pairWindow, long maxGapS, int maxNeighbours, int maxItems, long maxBytes,
                               boolean directed) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
        if (maxNeighbours < 1) {
            throw new IllegalArgumentException("maxNeighbours must be at least 1, got " + maxNeighbours);
        }
        if (maxItems < 2) {
            throw new IllegalArgumentException("maxItems must be at least 2, got " + maxItems);
        }
        this.maxNeighbours = maxNeighbours;
        this.maxItems = maxItems;
        this.directed = directed;
        this.lists = new CovisitLists(maxNeighbours, maxItems, maxBytes);
        setParameters(pairWindow, maxGapS);
    }

    /**
     * A directed table, same bounds and parameters: an event on x after h_k adds {@code 1/k} to {@code T(h_k, x)}
     * only, so {@code T(a, ·)} lists what followed a, not what was viewed around it.
     */
    public static OnlineCovisitation directed(int pairWindow, long maxGapS, int maxNeighbours, int maxItems) {
        return directed(pairWindow, maxGapS, maxNeighbours, maxItems, Long.MAX_VALUE);
    }

    /** A {@link #directed} table of at most {@code maxBytes} ({@link HeapBytes}). */
    public static OnlineCovisitation directed(int pairWindow, long maxGapS, int maxNeighbours, int maxItems,
                                              long maxBytes) {
        return new OnlineCovisitation(pairWindow, maxGapS, maxNeighbours, maxItems, maxBytes, true);
    }

    /** Whether the table learns only "x after h" ({@link #directed}). */
    public boolean isDirected() {
        return directed;
    }

    /** An unbounded table with the given update parameters (the plain definition). */
    public static OnlineCovisitation unbounded(int pairWindow, long maxGapS) {
        return new OnlineCovisitation(pairWindow, maxGapS, UNBOUNDED, UNBOUNDED);
    }

    /**
     * A table loaded as given, e.g. a golden case's {@code online_covisit} object ({@code ITEM → [[NEIGHBOUR,
     * weight], ...]}): no learning, no bounds. Weights must be finite and ≥ 0.
     */
    public static OnlineCovisitation of(Map<String, ? extends List<Map.Entry<String, Double>>> lists) {
        OnlineCovisitation t = unbounded(DEFAULT_PAIR_WINDOW, DEFAULT_MAX_GAP_S);
        for (Map.Entry<String, ? extends List<Map.Entry<String, Double>>> e : lists.entrySet()) {
            int row = t.lists.rowFor(e.getKey(), -1);
            for (Map.Entry<String, Double> nb : e.getValue()) {
                double w = nb.getValue();
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("weight of " + e.getKey() + " → " + nb.getKey()
                            + " must be finite and ≥ 0, got " + w);
                }
                t.lists.add(row, nb.getKey(), w);
            }
        }
        return t;
    }

    /** Changes W and G (a new model bundle may bring other values); the learnt weights stay. */
    public void setParameters(int pairWindow, long maxGapS) {
        setParametersMs(pairWindow, maxGapS < 0 ? -1 : maxGapS > Long.MAX_VALUE / 1000 ? Long.MAX_VALUE
                : maxGapS * 1000);
    }

    /** As {@link #setParameters} with the max gap in milliseconds. */
    public void setParametersMs(int pairWindow, long maxGapMs) {
        if (pairWindow < 0 || maxGapMs < 0) {
            throw new IllegalArgumentException("pair window and max gap must not be negative, got " + pairWindow
                    + " and " + maxGapMs + " ms");
        }
        this.pairWindow = pairWindow;
        this.maxGapMs = maxGapMs;
    }

    public int pairWindow() {
        return pairWindow;
    }

    public long maxGapMs() {
        return maxGapMs;
    }

    public int maxNeighbours() {
        return maxNeighbours;
    }

    public int maxItems() {
        return maxItems;
    }

    /** Number of items that have a neighbour list. */
    public int size() {
        return lists.size;
    }

    /** The bytes the table accounts for ({@link HeapBytes}); at most {@link #maxBytes()} after every update. */
    public long bytes() {
        return lists.bytes();
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** {@link #bytes()} counted again from the lists, for tests of the running count. */
    long recountBytes() {
        return lists.recountBytes();
    }

    // ---------------------------------------------------------------- learning

    /**
     * Learns from one (non-duplicate) event before it is ranked.
     *
     * @param item      the event's item id {@code x}
     * @param ts        its time, epoch ms
     * @param prevItems the user's previous events' items, most recent first (not including this event)
     * @param prevTs    their times, epoch ms
     * @param prevLen   how many entries of the arrays are valid
     */
    public void update(String item, long ts, String[] prevItems, long[] prevTs, int prevLen) {
        int w = Math.min(pairWindow, prevLen);
        if (item == null) {
            return;
        }
        int xRow = -1;
        for (int k = 1; k <= w; k++) {
            String h = prevItems[k - 1];
            if (h == null || h.equals(item) || EventClock.minus(ts, prevTs[k - 1]) > maxGapMs) {
                continue;
            }
            double inc = 1.0 / k;
            if (directed) { // only h's list grows: x needs no list of its own
                lists.add(lists.rowFor(h, -1), item, inc);
                continue;
            }
            xRow = xRow < 0 ? lists.rowFor(item, -1) : lists.touch(xRow);
            int hRow = lists.rowFor(h, xRow); // never evicts xRow

            lists.add(xRow, lists.ids[hRow], inc);
            lists.add(hRow, lists.ids[xRow], inc);
        }
        lists.keepToBudget();
    }

    // ---------------------------------------------------------------- reading

    /** {@code T(a, b)}, 0 when absent. */
    public double weight(String a, String b) {
        int e = lists.find(a);
        if (e < 0 || b == null) {
            return 0.0;
        }
        int i = WeightedLists.indexOf(lists.nbIds[e], lists.nbHashes[e], lists.nbCount[e], b, b.hashCode());
        return i < 0 ? 0.0 : lists.nbWeights[e][i];
    }

    /** The number of neighbours of an item (0 if it has no list). */
    public int neighbourCount(String a) {
        int e = lists.find(a);
        return e < 0 ? 0 : lists.nbCount[e];
    }

    /** The items with a list, least recently updated first (for tests and tools; allocates). */
    public List<String> itemsByRecency() {
        List<String> out = new ArrayList<>(lists.size);
        for (int e = lists.recency.tail(); e >= 0; e = lists.recency.newer(e)) {
            out.add(lists.ids[e]);
        }
        return out;
    }

    /**
     * Sums {@code T(d_q, c) · (1/(q+1))} into {@code out} (cleared first) for every c, where {@code d_0, d_1, …}
     * are the first {@code k} distinct items of {@code hist[0..histLen)} (most recent first). The factor is the
     * reciprocal, as the {@code covisit_knn} baseline always computed it; it equals the contract's
     * {@code T/(q+1)} to within one float64 ulp, far below the float32 the feature is stored in.
     */
    public void accumulate(String[] hist, int histLen, int k, ItemScores out) {
        int seeds = out.clearAndSeed(hist, histLen, k);
        for (int q = 0; q < seeds; q++) {
            String item = out.seed(q);
            double w = 1.0 / (q + 1);
            int e = lists.find(item);
            if (e < 0) {
                continue;
            }
            String[] ns = lists.nbIds[e];
            int[] hs = lists.nbHashes[e];
            double[] ws = lists.nbWeights[e];
            for (int i = 0, n = lists.nbCount[e]; i < n; i++) {
                out.add(ns[i], hs[i], w * ws[i]);
            }
        }
    }

    // ---------------------------------------------------------------- checkpointing

    /**
     * The table as it stands, in chunks of whole item lists (least recently updated first, at most
     * {@code itemsPerChunk} items each, so operator state can hand chunks to any instance on rescale), without
     * copying or serialising the lists: a checkpoint calls this on the task thread, where serialising a full table at
     * the default bounds took 0.6 s (docs/BENCHMARKS.md), and serialises the chunks in its asynchronous part. The
     * table copies a frozen list before it next changes it.
     */
    public List<ListChunk> freeze(int itemsPerChunk) {
        return ListChunk.freeze(lists.recency, itemsPerChunk, (c, i, e) -> {
            c.keys[i] = lists.ids[e];
            c.counts[i] = lists.nbCount[e];
            c.ids[i] = lists.nbIds[e];
            c.weights[i] = lists.nbWeights[e];
            lists.shared[e] = true;
        });
    }

    /**
     * Merges a chunk of a snapshot: its items become the most recently updated, in their order. An item this table
     * already has (two instances merged on rescale) adds the chunk's weights to its own, neighbour by neighbour,
     * under the same bounds.
     */
    public void restore(ListChunk chunk) {
        for (int i = 0; i < chunk.keys.length; i++) {
            int row = lists.rowFor(chunk.keys[i], -1);
            for (int j = 0; j < chunk.counts[i]; j++) {
                double w = chunk.weights[i][j];
                if (w >= 0 && w < Double.POSITIVE_INFINITY) { // a corrupt weight (NaN, ∞, < 0) is not restored
                    lists.add(row, chunk.ids[i][j], w);
                }
            }
            lists.keepToBudget();
        }
    }
}
