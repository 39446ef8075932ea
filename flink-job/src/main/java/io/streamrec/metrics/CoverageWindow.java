package io.streamrec.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * How many distinct items the last {@code capacity} lists showed: a live catalogue-coverage figure per A/B variant.
 * Why a sliding window of lists rather than a counter since start: a variant's coverage should move when its model
 * does, and memory stays bounded (at most capacity × K item hashes). Items are 32-bit hashes, the same ones the
 * user state keeps for the last list. Not thread-safe; read by a metric gauge, where a slightly stale int is fine.
 */
public final class CoverageWindow {
    private final int[][] lists;
    private final Map<Integer, int[]> counts = new HashMap<>();
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
                int[] c = counts.get(h);
                if (c != null && --c[0] == 0) {
                    counts.remove(h);
                }
            }
        } else {
            size++;
        }
        lists[next] = itemHashes;
        next = (next + 1) % lists.length;
        for (int h : itemHashes) {
            counts.computeIfAbsent(h, k -> new int[1])[0]++;
        }
        distinct = counts.size();
    }

    /** Distinct items over the lists in the window. */
    public int distinctItems() {
        return distinct;
    }

    /** How many lists the window holds now. */
    public int lists() {
        return size;
    }
}
