package io.streamrec.metrics;

/**
 * How many distinct items the last {@code capacity} lists showed: a live catalogue-coverage figure per A/B variant.
 * Why a sliding window of lists rather than a counter since start: a variant's coverage should move when its model
 * does, and memory stays bounded (at most capacity × K item hashes). Items are 32-bit hashes, the same ones the
 * user state keeps for the last list. The counts per hash live in a primitive open-addressing table (linear probing,
 * backward-shift deletion), so adding a list on the per-event path allocates nothing: no boxed keys, no map nodes.
 * Not thread-safe; read by a metric gauge, where a slightly stale int is fine.
 */
public final class CoverageWindow {
    private final int[][] lists;
    /** Open-addressing table: a slot is free when its count is 0. */
    private int[] keys = new int[64];
    private int[] counts = new int[64];
    private int used;
    private int next;
    private int size;
    private volatile int distinct;

    public CoverageWindow(int capacity) {
        lists = new int[Math.max(1, capacity)][];
    }

    /** Adds one list's item hashes, dropping the oldest list once the window is full. */
    public void add(int[] itemHashes) {
        int[] old = lists[next];
        if (old != null) {
            for (int h : old) {
                decrement(h);
            }
        } else {
            size++;
        }
        lists[next] = itemHashes;
        next = (next + 1) % lists.length;
        for (int h : itemHashes) {
            increment(h);
        }
        distinct = used;
    }

    /** Distinct items over the lists in the window. */
    public int distinctItems() {
        return distinct;
    }

    /** How many lists the window holds now. */
    public int lists() {
        return size;
    }

    private static int slot(int h, int mask) {
        int x = h * 0x9E3779B9;
        return (x ^ (x >>> 16)) & mask;
    }

    private void increment(int h) {
        if ((used + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = slot(h, mask);
        while (counts[i] != 0 && keys[i] != h) {
            i = (i + 1) & mask;
        }
        if (counts[i] == 0) {
            keys[i] = h;
            used++;
        }
        counts[i]++;
    }

    private void decrement(int h) {
        int mask = keys.length - 1;
        int i = slot(h, mask);
        while (counts[i] != 0 && keys[i] != h) {
            i = (i + 1) & mask;
        }
        if (counts[i] == 0 || --counts[i] > 0) {
            return;
        }
        used--;
        // backward-shift deletion: move later entries of the probe run into the hole, so lookups need no tombstones
        int hole = i;
        for (int j = (i + 1) & mask; counts[j] != 0; j = (j + 1) & mask) {
            int home = slot(keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                keys[hole] = keys[j];
                counts[hole] = counts[j];
                counts[j] = 0;
                hole = j;
            }
        }
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new int[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldCounts[j] != 0) {
                int i = slot(oldKeys[j], mask);
                while (counts[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = oldKeys[j];
                counts[i] = oldCounts[j];
            }
        }
    }
}
