package io.streamrec.candidates;

/**
 * The two scans over a bounded weighted item list that {@link OnlineCovisitation} (an item's neighbours) and
 * {@link CategoryPopularity} (a category's items) both keep as parallel arrays of ids, cached hashes and weights:
 * finding an id, and finding the entry a full list gives up. The lists are short (at most a few hundred entries), so
 * a linear scan on the cached hash is cheaper than a map per list.
 */
final class WeightedLists {
    private WeightedLists() {
    }

    /** The index of {@code id} (whose hash is {@code h}) among the first {@code n} entries, or -1. */
    static int indexOf(String[] ids, int[] hashes, int n, String id, int h) {
        for (int i = 0; i < n; i++) {
            if (hashes[i] == h && (ids[i] == id || ids[i].equals(id))) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the smallest of the first {@code n ≥ 1} weights, the first on ties. */
    static int lightest(double[] weights, int n) {
        int min = 0;
        for (int i = 1; i < n; i++) {
            if (weights[i] < weights[min]) {
                min = i;
            }
        }
        return min;
    }
}
