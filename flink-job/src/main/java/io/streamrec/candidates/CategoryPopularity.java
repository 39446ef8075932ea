package io.streamrec.candidates;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What is popular in each category right now, learnt from the live stream: for every category, its most viewed items
 * with a time-decayed count. The neighbour-ordered discovery list adds the trigger's category's popular items to the
 * pairs of {@link OnlineCovisitation} and the sessions of {@link SessionNeighbours}: on real shop data most discoveries
 * are items no recent item or neighbour points to, but a shopper browsing a category tends to open what others open
 * there (docs/EVALUATION.md).
 *
 * <p>Count: every event of item {@code x} in category {@code c} at time {@code t} adds 1, which decays with the
 * half-life {@code h}: at time {@code now} an item's popularity is {@code Σ 2^(−(now − t_k)/h)} over its events. Stored
 * as weights relative to a per-category reference time, so an event costs one {@code exp} and reading a category
 * scales all its weights by one factor.
 *
 * <p>Bounds: each category keeps at most {@code itemsPerCategory} items; an event of an item not listed in a full
 * category replaces the least popular one (first in list order on ties) and starts from its own single event, so the
 * list's popular items never inflate. At most {@code maxCategories} categories are kept; one more drops the least
 * recently viewed. Memory is about {@code maxCategories × itemsPerCategory × 16} bytes plus the ids at most; the ids
 * are bounded by {@code maxBytes} ({@link HeapBytes}: a category costs {@link #CATEGORY_BYTES} plus its id, an item
 * {@link #ITEM_BYTES} a slot plus its id): past it the least recently viewed categories leave, and a single category
 * left over it gives up its least popular items.
 *
 * <p>Time: every event time goes through an {@link EventClock}, so one event far from the stream's time (year 9999, 0)
 * neither moves a category's reference time nor zeroes the others; a reference ahead of the trusted time by more
 * than the clock's window (left by an outlier the clock later disowned, or restored from such a checkpoint) is taken
 * as the trusted time, its weights kept. Reading clamps the decay factor, so every score stays finite.
 *
 * <p>One instance per parallel rank operator, over the events of the users that instance serves; not thread-safe.
 * Checkpointed with {@link #freeze} and {@link #restore}, chunks of whole categories that merge on rescale.
 */
public final class CategoryPopularity {
    /** Past this many half-lives since a category's reference time, its weights are rescaled (far from overflow). */
    private static final double REBASE_HALF_LIVES = 256;
    /** A read at a time this many half-lives before a reference time scales by at most 2^64 (never in order). */
    private static final double MAX_READ_EXPONENT = 64 * Math.log(2);
    /** Accounted per category: map node and boxed slot 48, slot arrays and recency links 40, three array headers 48,
     * rounded up. */
    static final long CATEGORY_BYTES = 160;
    /** Accounted per item slot of a category: id reference 4, hash 4, weight 8. */
    static final long ITEM_BYTES = 16;

    private final int itemsPerCategory;
    private final int maxCategories;
    private final double lambda;
    private final long rebaseMs;
    private final long maxBytes;
    private final EventClock clock;
    private long bytes;

    private final Map<String, Integer> slots = new HashMap<>();
    private String[] categories = new String[16];
    private long[] refTs = new long[16];
    private String[][] items = new String[16][];
    private int[][] hashes = new int[16][];
    private double[][] weights = new double[16][];
    private int[] counts = new int[16];
    /** Whether a category's arrays belong to a frozen chunk a checkpoint may still be writing (copy on write). */
    private boolean[] shared = new boolean[16];
    private final SlotRecency recency = new SlotRecency(16);
    private int[] free = new int[16];
    private int freeCount;
    private int slotCount;

    /**
     * @param itemsPerCategory the most items a category keeps, ≥ 1
     * @param maxCategories    the most categories kept, ≥ 1
     * @param halfLifeMs       how long an event takes to count half, ms, ≥ 1
     */
    public CategoryPopularity(int itemsPerCategory, int maxCategories, long halfLifeMs) {
        this(itemsPerCategory, maxCategories, halfLifeMs, Long.MAX_VALUE);
    }

    /**
     * @param maxBytes the most bytes the table accounts for ({@link HeapBytes}), ≥ 1
     */
    public CategoryPopularity(int itemsPerCategory, int maxCategories, long halfLifeMs, long maxBytes) {
        if (itemsPerCategory < 1 || maxCategories < 1 || halfLifeMs < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("itemsPerCategory, maxCategories, halfLifeMs and maxBytes must be "
                    + "positive");
        }
        this.maxBytes = maxBytes;
        this.clock = new EventClock(EventClock.DEFAULT_MAX_SKEW_MS, EventClock.DEFAULT_CONFIRMATIONS);
        this.itemsPerCategory = itemsPerCategory;
        this.maxCategories = maxCategories;
        this.lambda = Math.log(2) / halfLifeMs;
        this.rebaseMs = (long) Math.min(Long.MAX_VALUE / 4.0, REBASE_HALF_LIVES * halfLifeMs);
    }

    /** Categories kept. */
    public int categories() {
        return slots.size();
    }

    /** The bytes the table accounts for ({@link HeapBytes}); at most {@link #maxBytes()} after every call. */
    public long bytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** {@link #bytes()} counted again from the lists, for tests of the running count. */
    long recountBytes() {
        long b = 0;
        for (int c : slots.values()) {
            b += CATEGORY_BYTES + HeapBytes.of(categories[c]) + items[c].length * ITEM_BYTES;
            for (int i = 0; i < counts[c]; i++) {
                b += HeapBytes.of(items[c][i]);
            }
        }
        return b;
    }

    /** Counts one event of {@code item} in {@code category} at {@code ts} (epoch ms); null or empty ids are ignored. */
    public void observe(String category, String item, long ts) {
        if (category == null || category.isEmpty() || item == null) {
            return;
        }
        long t = clock.time(ts);
        int c = slotFor(category, t);
        own(c);
        if (refTs[c] > EventClock.plus(t, clock.maxSkewMs())) {
            refTs[c] = t; // a reference the clock no longer trusts: its weights count as of now
        }
        if (EventClock.minus(t, refTs[c]) > rebaseMs) {
            rebase(c, t);
        }
        add(c, item, Math.exp(lambda * EventClock.minus(t, refTs[c])), false);
        keepToBudget();
    }

    /**
     * Puts the popularity at {@code now} of every item kept for {@code category} into {@code out}, after clearing it;
     * an unknown category leaves it empty. {@link ItemScores#top} then gives the most popular.
     */
    public void scores(String category, long now, ItemScores out) {
        out.clearAll();
        Integer boxed = category == null ? null : slots.get(category);
        if (boxed == null) {
            return;
        }
        int c = boxed;
        double f = readFactor(c, now);
        String[] ids = items[c];
        int[] hs = hashes[c];
        double[] ws = weights[c];
        for (int i = 0, n = counts[c]; i < n; i++) {
            out.add(ids[i], hs[i], ws[i] * f);
        }
    }

    /** An item's popularity in a category at {@code now}, 0 if not kept; for tests and tools. */
    public double popularity(String category, String item, long now) {
        Integer c = slots.get(category);
        if (c == null) {
            return 0.0;
        }
        int i = find(c, item, item.hashCode());
        return i < 0 ? 0.0 : weights[c][i] * readFactor(c, now);
    }

    /**
     * The factor from category c's weights to popularity at {@code now}: {@code 2^(−(now − ref)/h)}, with {@code now}
     * brought into the clock's window, a reference the clock no longer trusts taken as {@code now}, and the factor at
     * most 2^64, so a finite weight always reads finite.
     */
    private double readFactor(int c, long now) {
        long t = clock.bound(now);
        if (refTs[c] > EventClock.plus(t, clock.maxSkewMs())) {
            return 1.0;
        }
        return Math.exp(Math.min(MAX_READ_EXPONENT, -lambda * EventClock.minus(t, refTs[c])));
    }

    // ------------------------------------------------------------------------------------------ checkpointing

    /**
     * The categories as they stand, least recently viewed first, in chunks of at most {@code perChunk} categories,
     * without copying: each list's stamp is its reference time. The table copies a frozen category's arrays before
     * it next changes them.
     */
    public List<ListChunk> freeze(int perChunk) {
        return ListChunk.freeze(recency, perChunk, (chunk, i, c) -> {
            chunk.keys[i] = categories[c];
            chunk.stamps[i] = refTs[c];
            chunk.counts[i] = counts[c];
            chunk.ids[i] = items[c];
            chunk.weights[i] = weights[c];
            shared[c] = true;
        });
    }

    /**
     * Merges a chunk of a snapshot: its categories become the most recently viewed, in their order. A category this
     * table already has (two instances merged on rescale) adds the chunk's popularity to its own, under the same
     * bound (an item not kept enters only if it is more popular than the least popular one kept).
     */
    public void restore(ListChunk chunk) {
        for (int i = 0; i < chunk.keys.length; i++) {
            long stamp = chunk.stamps[i];
            int c = slotFor(chunk.keys[i], stamp);
            own(c);
            if (EventClock.minus(stamp, refTs[c]) > rebaseMs) {
                rebase(c, stamp);
            }
            double f = Math.exp(lambda * EventClock.minus(stamp, refTs[c]));
            for (int j = 0; j < chunk.counts[i]; j++) {
                double w = chunk.weights[i][j] * f;
                if (w >= 0 && w < Double.POSITIVE_INFINITY) { // a corrupt weight (NaN, ∞, < 0) is not restored
                    add(c, chunk.ids[i][j], w, true);
                }
            }
            keepToBudget();
        }
    }

    // ------------------------------------------------------------------------------------------ internals

    private void add(int c, String item, double w, boolean onlyIfMorePopular) {
        int h = item.hashCode();
        int i = find(c, item, h);
        if (i >= 0) {
            weights[c][i] += w;
            return;
        }
        int n = counts[c];
        if (n < itemsPerCategory) {
            if (n == items[c].length) {
                int cap = Math.min(itemsPerCategory, n * 2);
                bytes += (cap - n) * ITEM_BYTES;
                items[c] = Arrays.copyOf(items[c], cap);
                hashes[c] = Arrays.copyOf(hashes[c], cap);
                weights[c] = Arrays.copyOf(weights[c], cap);
            }
            items[c][n] = item;
            hashes[c][n] = h;
            weights[c][n] = w;
            counts[c] = n + 1;
            bytes += HeapBytes.of(item);
            return;
        }
        double[] ws = weights[c];
        int min = WeightedLists.lightest(ws, n);
        if (onlyIfMorePopular && !(w > ws[min])) {
            return;
        }
        bytes += HeapBytes.of(item) - HeapBytes.of(items[c][min]);
        items[c][min] = item;
        hashes[c][min] = h;
        ws[min] = w;
    }

    /**
     * Past the byte budget, drops the least recently viewed categories; a single category left over it gives up its
     * least popular items (then itself).
     */
    private void keepToBudget() {
        while (bytes > maxBytes && !slots.isEmpty()) {
            int c = recency.tail();
            if (slots.size() > 1 || counts[c] == 0) {
                drop(c);
                continue;
            }
            own(c);
            int n = counts[c] - 1;
            int min = WeightedLists.lightest(weights[c], n + 1);
            bytes -= HeapBytes.of(items[c][min]);
            items[c][min] = items[c][n];
            hashes[c][min] = hashes[c][n];
            weights[c][min] = weights[c][n];
            items[c][n] = null;
            counts[c] = n;
        }
    }

    private int find(int c, String item, int h) {
        return WeightedLists.indexOf(items[c], hashes[c], counts[c], item, h);
    }

    /** Scales a category's weights to a new reference time. */
    private void rebase(int c, long ts) {
        double f = Math.exp(-lambda * EventClock.minus(ts, refTs[c]));
        double[] ws = weights[c];
        for (int i = 0, n = counts[c]; i < n; i++) {
            ws[i] *= f;
        }
        refTs[c] = ts;
    }

    /** Copies a category's arrays if a frozen chunk still shares them. */
    private void own(int c) {
        if (shared[c]) {
            items[c] = items[c].clone();
            hashes[c] = hashes[c].clone();
            weights[c] = weights[c].clone();
            shared[c] = false;
        }
    }

    /** The slot of a category, now the most recently viewed; created with reference time {@code ts} if new. */
    private int slotFor(String category, long ts) {
        Integer boxed = slots.get(category);
        if (boxed != null) {
            int c = boxed;
            if (c != recency.head()) {
                recency.unlink(c);
                recency.pushFront(c);
            }
            return c;
        }
        if (slots.size() >= maxCategories) {
            drop(recency.tail());
        }
        int c;
        if (freeCount > 0) {
            c = free[--freeCount];
        } else {
            c = slotCount++;
            if (c == categories.length) {
                int cap = c * 2;
                categories = Arrays.copyOf(categories, cap);
                refTs = Arrays.copyOf(refTs, cap);
                items = Arrays.copyOf(items, cap);
                hashes = Arrays.copyOf(hashes, cap);
                weights = Arrays.copyOf(weights, cap);
                counts = Arrays.copyOf(counts, cap);
                shared = Arrays.copyOf(shared, cap);
                recency.grow(cap);
            }
        }
        int initial = Math.min(itemsPerCategory, 8);
        categories[c] = category;
        refTs[c] = ts;
        items[c] = new String[initial];
        hashes[c] = new int[initial];
        weights[c] = new double[initial];
        counts[c] = 0;
        shared[c] = false;
        bytes += CATEGORY_BYTES + HeapBytes.of(category) + initial * ITEM_BYTES;
        slots.put(category, c);
        recency.pushFront(c);
        return c;
    }

    private void drop(int c) {
        bytes -= CATEGORY_BYTES + HeapBytes.of(categories[c]) + items[c].length * ITEM_BYTES;
        for (int i = 0; i < counts[c]; i++) {
            bytes -= HeapBytes.of(items[c][i]);
        }
        recency.unlink(c);
        slots.remove(categories[c]);
        categories[c] = null;
        items[c] = null;
        hashes[c] = null;
        weights[c] = null;
        counts[c] = 0;
        shared[c] = false;
        if (freeCount == free.length) {
            free = Arrays.copyOf(free, freeCount * 2);
        }
        free[freeCount++] = c;
    }
}
