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

    int idAt(int i) {
        return idOf(keys[i]);
    }

    float scoreAt(int i) {
        return scoreOf(keys[i]);
    }
}
