package io.streamrec.candidates;

/**
 * A bounded min-heap that keeps the best {@code capacity} (score, model index) entries. Each entry is one {@code long}
 * key that orders exactly like "higher score first, then lower index" — the score's bits made sortable as a signed
 * int in the high half, {@code Integer.MAX_VALUE - index} in the low half — so every heap step is one primitive
 * comparison instead of two data-dependent branches on parallel arrays (the branchy version was the largest single
 * cost of retrieval over a small catalogue, see docs/BENCHMARKS.md). Ties prefer the lower index, so results are
 * deterministic. Not thread-safe.
 */
final class TopK {
    private long[] keys;
    private int capacity;
    private int size;

    TopK(int capacity) {
        keys = new long[Math.max(1, capacity)];
        reset(capacity);
    }

    /** Empties the heap and sets its bound, growing the array only if needed. */
    void reset(int capacity) {
        if (capacity > keys.length) {
            keys = new long[capacity];
        }
        this.capacity = capacity;
        this.size = 0;
    }

    int size() {
        return size;
    }

    boolean full() {
        return size == capacity;
    }

    /** The score an entry must reach to be offered to a full heap (ties may still lose on the index). */
    float threshold() {
        return size < capacity ? Float.NEGATIVE_INFINITY : scoreOf(keys[0]);
    }

    static long key(float score, int id) {
        int bits = Float.floatToRawIntBits(score);
        int sortable = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return ((long) sortable << 32) | (Integer.MAX_VALUE - id);
    }

    static float scoreOf(long key) {
        int sortable = (int) (key >> 32);
        return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7FFFFFFF));
    }

    static int idOf(long key) {
        return Integer.MAX_VALUE - (int) key;
    }

    void offer(float score, int id) {
        if (capacity == 0) {
            return;
        }
        long k = key(score, id);
        if (size < capacity) {
            siftUp(keys, k, size++);
        } else if (k > keys[0]) {
            siftDown(k, size);
        }
    }

    private void siftDown(long k, int n) {
        siftDown(keys, k, n);
    }

    /** Places {@code k} in the min-heap {@code h[0..i]} whose free slot is {@code i}. */
    private static void siftUp(long[] h, long k, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            long p = h[parent];
            if (k >= p) {
                break;
            }
            h[i] = p;
            i = parent;
        }
        h[i] = k;
    }

    /** Moves {@code k} down from the root of the min-heap {@code h[0..n)}, replacing the root. */
    private static void siftDown(long[] h, long k, int n) {
        int i = 0;
        int l;
        while ((l = 2 * i + 1) < n) {
            int r = l + 1;
            int c = (r < n && h[r] < h[l]) ? r : l;
            long ck = h[c];
            if (ck >= k) {
                break;
            }
            h[i] = ck;
            i = c;
        }
        h[i] = k;
    }

    /**
     * Sorts the heap's content best-first in place and returns the count; read with {@link #idAt}/{@link #scoreAt}.
     * The heap is empty (size 0) for offers afterwards but the sorted content stays readable until the next reset.
     */
    int drainSorted() {
        int n = size;
        for (int end = n - 1; end > 0; end--) {
            long top = keys[0];
            long last = keys[end];
            keys[end] = top;
            siftDown(last, end);
        }
        size = 0;
        return n;
    }

    /**
     * Selects the best {@code cap} of {@code scores[0..n)} (entry i has index {@code idBase + i}) and leaves them
     * sorted best-first, readable with {@link #idAt}/{@link #scoreAt} like after {@link #drainSorted}; the heap is
     * empty afterwards. Same result and tie rule as offering every score (the keys order exactly like the heap and are
     * distinct), but O(n): a quickselect puts the cap best keys last and only those are sorted. Offering every score
     * to the heap was the largest cost of the exact scan when scores rise along the index order (items stored by
     * category, a user interested in a late one), where almost every offer enters the heap (docs/BENCHMARKS.md).
     * From {@link #SAMPLED_MIN_N} scores on, when the cap is under an eighth of them, only the keys above a threshold
     * estimated on every 8th score are selected from.
     *
     * @return how many were selected, {@code min(cap, n)}
     */
    int selectTop(float[] scores, int n, int cap, int idBase) {
        int m = Math.min(cap, n);
        size = 0;
        if (m <= 0) {
            return 0;
        }
        if (keys.length < m) {
            keys = new long[m];
        }
        int c = n >= SAMPLED_MIN_N && n > 8 * m ? gatherAboveSample(scores, n, m, idBase) : 0;
        if (c == 0) {
            if (pool.length < n) {
                pool = new long[n];
            }
            for (int i = 0; i < n; i++) {
                pool[i] = key(scores[i], idBase + i);
            }
            c = n;
        }
        return takeBest(c, m);
    }

    /** Leaves the m best of {@code pool[0..c)} sorted best-first in {@link #keys}; returns m. */
    private int takeBest(int c, int m) {
        if (c > m) {
            selectLong(pool, c, c - m); // the m largest keys now stand in [c-m, c)
        }
        java.util.Arrays.sort(pool, c - m, c);
        for (int j = 0; j < m; j++) {
            keys[j] = pool[c - 1 - j];
        }
        return m;
    }

    // streaming selection: the pool holds every key offered that could still be among the best streamCap
    private int streamCap;
    private int poolSize;
    private long streamMin;
    private float streamMinScore;

    /**
     * Starts a selection of the best {@code cap} of scores offered block by block ({@link #offerAll}), for a scan that
     * cannot keep all its scores (the batched scan scores one tile for several queries in turn). Same result and tie
     * rule as {@link #selectTop} over all the scores at once.
     */
    void beginStream(int cap) {
        streamCap = Math.max(0, cap);
        poolSize = 0;
        size = 0;
        streamMin = Long.MIN_VALUE;
        streamMinScore = Float.NEGATIVE_INFINITY;
        int room = Math.max(8 * streamCap, 2048);
        if (pool.length < room) {
            pool = new long[room];
        }
        if (keys.length < streamCap) {
            keys = new long[streamCap];
        }
    }

    /**
     * Offers {@code scores[0..rows)}, entry i having index {@code idBase + i}. A key under the best {@code cap} kept
     * so far is dropped at once, most of them by a float test; when the pool fills, it is cut to its best
     * {@code cap}, whose lowest key becomes the bar. Amortised O(1) per score even when scores rise along the index.
     */
    void offerAll(float[] scores, int rows, int idBase) {
        if (streamCap == 0) {
            return;
        }
        long[] p = pool;
        int c = poolSize;
        float bar = streamMinScore;
        long barKey = streamMin;
        for (int i = 0; i < rows; i++) {
            float sc = scores[i];
            if (sc < bar) { // NaN is never under anything: it gets its key's test
                continue;
            }
            int id = idBase + i;
            long k = key(sc, id);
            if (k < barKey) {
                continue;
            }
            p[c++] = k;
            if (c == p.length) {
                c = cutPool(c);
                bar = streamMinScore;
                barKey = streamMin;
            }
        }
        // raise the bar after every block that left more than twice the keys kept: early, when it is low, and the
        // float test then drops almost every later score
        poolSize = c > 2 * streamCap ? cutPool(c) : c;
    }

    /** Cuts the pool's c keys to the best {@code streamCap}, whose lowest becomes the bar; returns the new size. */
    private int cutPool(int c) {
        long[] p = pool;
        selectLong(p, c, c - streamCap);
        System.arraycopy(p, c - streamCap, p, 0, streamCap); // p[c - streamCap], now p[0], is their lowest
        streamMin = p[0];
        streamMinScore = scoreOf(streamMin);
        return streamCap;
    }

    /** Ends a streaming selection: its best, sorted best-first, readable with {@link #idAt}; returns how many. */
    int endStream() {
        return takeBest(poolSize, Math.min(streamCap, poolSize));
    }

    /** Candidate keys for {@link #selectTop}; reused between calls. */
    private long[] pool = new long[0];
    private long[] sample = new long[0];

    /** From this many scores on, {@link #selectTop} first tries a threshold estimated on a sample. */
    static final int SAMPLED_MIN_N = 1024;
    private static final int SAMPLE_STEP = 8;

    /**
     * Gathers into {@link #pool} the keys at or above a threshold taken from every 8th score (a little below where the
     * m-th best would fall in the sample). When at least m keys reach it, the m best are all among them (ties
     * included, keys being distinct); returns their count, or 0 when the sample was unlucky (too few or far too many
     * reach it) and the caller must take every key.
     */
    private int gatherAboveSample(float[] scores, int n, int m, int idBase) {
        int ns = n / SAMPLE_STEP;
        int want = Math.min(ns, 2 * (m / SAMPLE_STEP) + 8);
        // the want-th best sampled key, by a small min-heap: after the first few, almost no sample enters it (a
        // quickselect over the whole sample mispredicts a branch per element and cost more than the scan itself)
        if (sample.length < want) {
            sample = new long[want];
        }
        long[] h = sample;
        int hs = 0;
        for (int i = 0; i < ns; i++) {
            int j = i * SAMPLE_STEP;
            long k = key(scores[j], idBase + j);
            if (hs < want) {
                siftUp(h, k, hs++);
            } else if (k > h[0]) {
                siftDown(h, k, want);
            }
        }
        long t = h[0];
        int cap = 16 * want; // twice the expected count
        if (pool.length < cap) {
            pool = new long[cap];
        }
        // a float test first: a score under the threshold's own score cannot reach it, and most do not (NaN is never
        // under anything, so it still gets its key's test)
        float tf = scoreOf(t);
        int c = 0;
        for (int i = 0; i < n; i++) {
            if (scores[i] < tf) {
                continue;
            }
            long k = key(scores[i], idBase + i);
            if (k >= t) {
                if (c == cap) {
                    return 0;
                }
                pool[c++] = k;
            }
        }
        return c >= m ? c : 0;
    }

    /** Reorders a[0..n) so that a[k] holds the value it would have sorted ascending, smaller ones before it. */
    static void selectLong(long[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    int idAt(int i) {
        return idOf(keys[i]);
    }

    float scoreAt(int i) {
        return scoreOf(keys[i]);
    }
}
