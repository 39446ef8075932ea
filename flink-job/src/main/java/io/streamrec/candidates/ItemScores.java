package io.streamrec.candidates;

import static io.streamrec.model.IdSlots.mix;

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
    private long[] packed = new long[0];
    private int[] merge = new int[0];

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
        int s = mix(h) & mask;
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
                int t = mix(keyHashes[i]) & m;
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
        int s = mix(h) & mask;
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
        // each positive score as one long that orders like its float rounding (higher first, then lower entry):
        // a primitive select and sort do the work, where a heap of entries compared score and id cost more than
        // the rest of the online source (docs/BENCHMARKS.md). Rounding to float is monotone, so only entries whose
        // floats are equal can be out of order; each such run is put in the exact order afterwards.
        if (packed.length < size) {
            packed = new long[Math.max(size, 64)];
        }
        int c = 0;
        for (int i = 0; i < size; i++) {
            if (values[i] > 0) {
                packed[c++] = TopK.key((float) values[i], i);
            }
        }
        m = Math.min(m, c);
        if (m == 0) {
            return 0;
        }
        int from = 0;
        if (c > m) {
            TopK.selectLong(packed, c, c - m); // the m best now stand in [c-m, c)
            // entries whose float equals the m-th best's may still belong: bring them in
            float edge = TopK.scoreOf(packed[c - m]);
            from = c - m;
            for (int j = c - m - 1; j >= 0; j--) {
                if (TopK.scoreOf(packed[j]) == edge) {
                    long t = packed[j];
                    packed[j] = packed[--from];
                    packed[from] = t;
                }
            }
        }
        java.util.Arrays.sort(packed, from, c);
        int len = c - from;
        if (order.length < len) {
            order = new int[Math.max(len, 64)];
        }
        for (int j = 0; j < len; j++) {
            order[j] = TopK.idOf(packed[c - 1 - j]); // best first
        }
        for (int j = 0; j < len; ) {
            float f = (float) values[order[j]];
            int r = j + 1;
            while (r < len && (float) values[order[r]] == f) {
                r++;
            }
            if (r - j > 1) {
                sortRun(j, r);
            }
            j = r;
        }
        for (int j = 0; j < m; j++) {
            outIds[j] = keys[order[j]];
            if (outScores != null) {
                outScores[j] = values[order[j]];
            }
        }
        return m;
    }

    /**
     * Sorts {@code order[from..to)} best first by the exact order ({@link #better}): insertion for short runs, a
     * merge sort for the long runs of equal co-visitation counts, whose ties go to the ids.
     */
    private void sortRun(int from, int to) {
        if (to - from <= 12) {
            for (int j = from + 1; j < to; j++) {
                int e = order[j];
                int i = j - 1;
                while (i >= from && better(e, order[i])) {
                    order[i + 1] = order[i];
                    i--;
                }
                order[i + 1] = e;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        sortRun(from, mid);
        sortRun(mid, to);
        if (!better(order[mid], order[mid - 1])) {
            return; // already in order
        }
        if (merge.length < mid - from) {
            merge = new int[Math.max(mid - from, 64)];
        }
        System.arraycopy(order, from, merge, 0, mid - from);
        int a = 0;
        int aEnd = mid - from;
        int b = mid;
        int o = from;
        while (a < aEnd && b < to) {
            order[o++] = better(order[b], merge[a]) ? order[b++] : merge[a++];
        }
        System.arraycopy(merge, a, order, o, aEnd - a);
    }

    private boolean better(int a, int b) {
        double va = values[a];
        double vb = values[b];
        return va > vb || (va == vb && keys[a].compareTo(keys[b]) < 0);
    }
}
