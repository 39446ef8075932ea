package io.streamrec.candidates;

/**
 * A bounded min-heap of (score, model index) that keeps the best {@code capacity} entries, primitive arrays only.
 * Ties prefer the lower index, so results are deterministic. Not thread-safe.
 */
final class TopK {
    private float[] scores;
    private int[] ids;
    private int capacity;
    private int size;

    TopK(int capacity) {
        scores = new float[Math.max(1, capacity)];
        ids = new int[Math.max(1, capacity)];
        reset(capacity);
    }

    /** Empties the heap and sets its bound, growing the arrays only if needed. */
    void reset(int capacity) {
        if (capacity > scores.length) {
            scores = new float[capacity];
            ids = new int[capacity];
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

    /** The score an entry must beat to enter a full heap. */
    float threshold() {
        return size < capacity ? Float.NEGATIVE_INFINITY : scores[0];
    }

    /** a is worse than b */
    private static boolean worse(float sa, int ia, float sb, int ib) {
        return sa < sb || (sa == sb && ia > ib);
    }

    void offer(float score, int id) {
        if (capacity == 0) {
            return;
        }
        if (size < capacity) {
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!worse(score, id, scores[parent], ids[parent])) {
                    break;
                }
                scores[i] = scores[parent];
                ids[i] = ids[parent];
                i = parent;
            }
            scores[i] = score;
            ids[i] = id;
        } else if (worse(scores[0], ids[0], score, id)) {
            siftDown(score, id, size);
        }
    }

    private void siftDown(float score, int id, int n) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1;
            if (l >= n) {
                break;
            }
            int r = l + 1;
            int c = (r < n && worse(scores[r], ids[r], scores[l], ids[l])) ? r : l;
            if (!worse(scores[c], ids[c], score, id)) {
                break;
            }
            scores[i] = scores[c];
            ids[i] = ids[c];
            i = c;
        }
        scores[i] = score;
        ids[i] = id;
    }

    /**
     * Sorts the heap's content best-first in place and returns the count; read with {@link #idAt}/{@link #scoreAt}.
     * The heap is empty (size 0) for offers afterwards but the sorted content stays readable until the next reset.
     */
    int drainSorted() {
        int n = size;
        for (int end = n - 1; end > 0; end--) {
            float s = scores[0];
            int id = ids[0];
            float ls = scores[end];
            int lid = ids[end];
            scores[end] = s;
            ids[end] = id;
            siftDown(ls, lid, end);
        }
        size = 0;
        return n;
    }

    int idAt(int i) {
        return ids[i];
    }

    float scoreAt(int i) {
        return scores[i];
    }
}
