package io.streamrec.candidates;

import java.util.Arrays;

/**
 * A recency order over int slots: a doubly linked list in two int arrays, from the most recently used slot (the
 * head) to the least (the tail), with O(1) unlink and move-to-front. The bounded tables of this package
 * ({@link OnlineCovisitation}, {@link SessionNeighbours}) evict their least recently used entry with it. Not
 * thread-safe.
 */
final class SlotRecency {
    private int[] newer;
    private int[] older;
    private int head = -1;
    private int tail = -1;

    SlotRecency(int capacity) {
        newer = new int[capacity];
        older = new int[capacity];
    }

    /** Makes room for slots below {@code capacity}. */
    void grow(int capacity) {
        if (capacity > newer.length) {
            newer = Arrays.copyOf(newer, capacity);
            older = Arrays.copyOf(older, capacity);
        }
    }

    /** The most recently used slot, or -1. */
    int head() {
        return head;
    }

    /** The least recently used slot, or -1. */
    int tail() {
        return tail;
    }

    /** The slot used just after {@code slot}, or -1 if it is the head. */
    int newer(int slot) {
        return newer[slot];
    }

    /** Puts a slot that is not in the list at its front. */
    void pushFront(int slot) {
        newer[slot] = -1;
        older[slot] = head;
        if (head >= 0) {
            newer[head] = slot;
        }
        head = slot;
        if (tail < 0) {
            tail = slot;
        }
    }

    /** Takes a slot out of the list. */
    void unlink(int slot) {
        int n = newer[slot];
        int o = older[slot];
        if (n >= 0) {
            older[n] = o;
        } else {
            head = o;
        }
        if (o >= 0) {
            newer[o] = n;
        } else {
            tail = n;
        }
    }
}
