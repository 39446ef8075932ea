package io.streamrec.candidates;

import java.util.Arrays;

/**
 * Reusable per-event item scores: an open-addressing map from item id to score, kept between calls so the hot path
 * allocates nothing once warm, with {@link #top} (score desc, ties by item id ascending). Filled by
 * {@link OnlineCovisitation#accumulate} (which also records the seeds {@code d_q}), {@link CategoryPopularity#scores}
 * and the discovery list's fusion. Its own class because every live table scores into it, not only co-visitation.
 */
public final class ItemScores {
    private String[] keys = new String[64];
    private int[] keyHashes = new int[64];
    private double[] values = new double[64];
    private int[] slots = new int[128];
    private int size;
    private String[] seeds = new String[4];
    private int numSeeds;
    // top-n scratch
    private int[] order = new int[0];

    /**
     * Empties the scores and takes the seeds {@code d_0, d_1, …}: the first {@code k} distinct items of
     * {@code hist[0..histLen)} (most recent first; null entries skipped).
     *
     * @return how many seeds there are ({@code K' ≤ k})
     */
    public int clearAndSeed(String[] hist, int histLen, int k) {
        clear();
        int n = 0;
        for (int p = 0; p < histLen && n < k; p++) {
            String item = hist[p];
            if (item != null && !isSeed(item, n)) {
                addSeed(item, n++);
            }
        }
        return n;
    }

    /** Empties the scores and seeds (an empty table's result). */
    public void clearAll() {
        clear();
    }

    void clear() {
        for (int i = 0; i < size; i++) {
            keys[i] = null;
        }
        if (size > 0) {
            Arrays.fill(slots, 0);
        }
        size = 0;
        Arrays.fill(seeds, 0, numSeeds, null);
        numSeeds = 0;
    }

    private boolean isSeed(String item, int n) {
        for (int i = 0; i < n; i++) {
            if (seeds[i].equals(item)) {
                return true;
            }
        }
        return false;
    }

    private void addSeed(String item, int n) {
        if (n == seeds.length) {
            seeds = Arrays.copyOf(seeds, n * 2);
        }
        seeds[n] = item;
        numSeeds = n + 1;
    }

    /** How many seed items {@code d_q} the last accumulation used ({@code K' ≤ K}). */
    public int numSeeds() {
        return numSeeds;
    }

    /** Seed {@code d_q}, most recent first. */
    public String seed(int q) {
        return seeds[q];
    }

    /** Number of items with a score. */
    public int size() {
        return size;
    }

    /** The i-th item with a score ({@code 0 <= i < size()}), in the order they were first added. */
    public String key(int i) {
        return keys[i];
    }

    /** The score of {@link #key(int) key(i)}. */
    public double value(int i) {
        return values[i];
    }

    /** Adds {@code v} to an item's score. */
    public void add(String key, double v) {
        add(key, key.hashCode(), v);
    }

    void add(String key, int h, double v) {
        int mask = slots.length - 1;
        int s = OnlineCovisitation.mix(h) & mask;
        int p;
        while ((p = slots[s]) != 0) {
            int i = p - 1;
            if (keyHashes[i] == h && (keys[i] == key || keys[i].equals(key))) {
                values[i] += v;
                return;
            }
            s = (s + 1) & mask;
        }
        if (size == keys.length) {
            int cap = size * 2;
            keys = Arrays.copyOf(keys, cap);
            keyHashes = Arrays.copyOf(keyHashes, cap);
            values = Arrays.copyOf(values, cap);
        }
        keys[size] = key;
        keyHashes[size] = h;
        values[size] = v; // 0.0 + v, bit for bit
        size++;
        if (size * 2 > slots.length) {
            slots = new int[slots.length * 2];
            int m = slots.length - 1;
            for (int i = 0; i < size; i++) {
                int t = OnlineCovisitation.mix(keyHashes[i]) & m;
                while (slots[t] != 0) {
                    t = (t + 1) & m;
                }
                slots[t] = i + 1;
            }
        } else {
            slots[s] = size;
        }
    }

    /** The score of an item, 0 if none. */
    public double get(String key) {
        if (key == null || size == 0) {
            return 0.0;
        }
        int h = key.hashCode();
        int mask = slots.length - 1;
        int s = OnlineCovisitation.mix(h) & mask;
        int p;
        while ((p = slots[s]) != 0) {
            int i = p - 1;
            if (keyHashes[i] == h && keys[i].equals(key)) {
                return values[i];
            }
            s = (s + 1) & mask;
        }
        return 0.0;
    }

    /**
     * Writes the (at most) {@code n} best items with score {@code > 0} to {@code outIds} (and {@code outScores}
     * if not null), score descending, ties by item id ascending ({@link String#compareTo}).
     *
     * @return how many were written
     */
    public int top(int n, String[] outIds, double[] outScores) {
        int m = Math.min(n, size);
        if (m <= 0) {
            return 0;
        }
        if (order.length < m) {
            order = new int[Math.max(m, 64)];
        }
        // a bounded heap with the worst kept item at the root: O(size log m), where an insertion into a sorted
        // prefix was O(size m) (m is a few hundred, the whole table when exclusions ate the first pass). The order is
        // total (ids are distinct), so the result is the same whatever the selection method.
        int filled = 0;
        for (int i = 0; i < size; i++) {
            if (!(values[i] > 0)) {
                continue;
            }
            if (filled < m) {
                int c = filled++;
                while (c > 0) { // sift up: a worse item moves toward the root
                    int parent = (c - 1) >>> 1;
                    if (!better(order[parent], i)) {
                        break;
                    }
                    order[c] = order[parent];
                    c = parent;
                }
                order[c] = i;
            } else if (better(i, order[0])) {
                siftDown(i, filled);
            }
        }
        // pop the worst to the end, one by one: best first
        for (int end = filled - 1; end > 0; end--) {
            int worst = order[0];
            siftDown(order[end], end);
            order[end] = worst;
        }
        for (int j = 0; j < filled; j++) {
            outIds[j] = keys[order[j]];
            if (outScores != null) {
                outScores[j] = values[order[j]];
            }
        }
        return filled;
    }

    /** Puts {@code item} at the root of the heap {@code order[0..len)} and sifts it down to its place. */
    private void siftDown(int item, int len) {
        int c = 0;
        while (true) {
            int child = 2 * c + 1;
            if (child >= len) {
                break;
            }
            if (child + 1 < len && better(order[child], order[child + 1])) {
                child++; // the worse of the two children
            }
            if (!better(item, order[child])) {
                break;
            }
            order[c] = order[child];
            c = child;
        }
        order[c] = item;
    }

    private boolean better(int a, int b) {
        double va = values[a];
        double vb = values[b];
        return va > vb || (va == vb && keys[a].compareTo(keys[b]) < 0);
    }
}
