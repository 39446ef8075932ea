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
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                long p = keys[parent];
                if (k >= p) {
                    break;
                }
                keys[i] = p;
                i = parent;
            }
            keys[i] = k;
        } else if (k > keys[0]) {
            siftDown(k, size);
        }
    }

    private void siftDown(long k, int n) {
        long[] h = keys;
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
     * empty afterwards. Same result and tie rule as offering every score, but O(n) selection (a quickselect for the
     * cap-th largest score, then one gathering pass) instead of up to n heap operations: when scores rise along the
     * index order (items stored by category, a user interested in a late one), almost every offer enters the heap,
     * which made the heap the largest cost of the exact scan (docs/BENCHMARKS.md).
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
        if (n >= SAMPLED_MIN_N && n > 8 * m) {
            int c = selectBySample(scores, n, m, idBase);
            if (c > 0) {
                return c;
            }
        }
        float kth;
        if (m == n) {
            kth = Float.NEGATIVE_INFINITY;
        } else {
            if (scratch.length < n) {
                scratch = new float[n];
            }
            System.arraycopy(scores, 0, scratch, 0, n);
            kth = select(scratch, n, n - m); // the m-th largest
        }
        int c = 0;
        for (int i = 0; i < n; i++) {
            float v = scores[i];
            if (v > kth) {
                keys[c++] = key(v, idBase + i);
            }
        }
        for (int i = 0; i < n && c < m; i++) { // ties at the threshold: lower indices first
            float v = scores[i];
            if (v == kth) {
                keys[c++] = key(v, idBase + i);
            }
        }
        java.util.Arrays.sort(keys, 0, c);
        for (int i = 0, j = c - 1; i < j; i++, j--) {
            long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        return c;
    }

    private float[] scratch = new float[0];
    private long[] gathered = new long[0];

    /** From this many scores on, {@link #selectTop} first tries a threshold estimated on a sample. */
    static final int SAMPLED_MIN_N = 1024;
    private static final int SAMPLE_STEP = 8;

    /**
     * The large-n path of {@link #selectTop}: a threshold from every 8th score (a little below where the m-th best
     * would fall in the sample), one pass gathering the scores that reach it, and a sort of those few. Exact whenever
     * at least m scores reach the threshold (then the m best are all among them, ties included); returns 0 otherwise
     * and the caller selects over everything.
     */
    private int selectBySample(float[] scores, int n, int m, int idBase) {
        int ns = n / SAMPLE_STEP;
        if (scratch.length < ns) {
            scratch = new float[ns];
        }
        for (int i = 0; i < ns; i++) {
            scratch[i] = scores[i * SAMPLE_STEP];
        }
        int want = Math.min(ns, 2 * (m / SAMPLE_STEP) + 8);
        float t = select(scratch, ns, ns - want);
        int cap = 16 * want; // twice the expected count
        if (gathered.length < cap) {
            gathered = new long[cap];
        }
        int c = 0;
        for (int i = 0; i < n; i++) {
            float v = scores[i];
            if (v >= t) {
                if (c == cap) {
                    return 0; // the sample was unlucky: far more than expected reach t
                }
                gathered[c++] = key(v, idBase + i);
            }
        }
        if (c < m) {
            return 0;
        }
        // keys are distinct (ids are): put the m largest in [c-m, c), then sort only those
        if (c > m) {
            selectLong(gathered, c, c - m);
        }
        java.util.Arrays.sort(gathered, c - m, c);
        for (int j = 0; j < m; j++) {
            keys[j] = gathered[c - 1 - j];
        }
        return m;
    }

    /** Reorders a[0..n) so that a[k] holds the value it would have sorted ascending, smaller ones before it. */
    private static void selectLong(long[] a, int n, int k) {
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

    /** The value that would stand at position k (0-based) if a[0..n) were sorted ascending; reorders a. */
    private static float select(float[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            // median of three as the pivot
            float x = a[lo];
            float y = a[mid];
            float z = a[hi];
            float pivot = x < y ? (y < z ? y : Math.max(x, z)) : (x < z ? x : Math.max(y, z));
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
                    float t = a[i];
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
                return a[k];
            }
        }
        return a[k];
    }

    int idAt(int i) {
        return idOf(keys[i]);
    }

    float scoreAt(int i) {
        return scoreOf(keys[i]);
    }
}
