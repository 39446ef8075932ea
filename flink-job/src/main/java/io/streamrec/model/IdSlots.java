package io.streamrec.model;

/**
 * The positions of a fixed array of ids, by open addressing with linear probing: {@link #find} gives an id's 1-based
 * position, 0 if absent. Why not a {@code HashMap<String, Integer>}: a lookup there reads a node, the key and a boxed
 * value, each a likely cache miss on a large vocabulary, and the candidate stage looks up several hundred ids per event;
 * here it reads two int arrays and, on a hash match, the id itself. A repeated id keeps its first position.
 * Immutable after construction; safe to share between threads.
 */
public final class IdSlots {
    private final String[] ids;
    /** Per slot: position + 1, 0 = empty. */
    private final int[] slots;
    /** Per slot: the mixed hash of its id, so a probe past another id does not read that id. */
    private final int[] hashes;
    private final int mask;
    /** Index of the first id that repeats an earlier one, or -1. */
    private int firstRepeat = -1;

    /** @param ids the ids, not copied: never change them */
    public IdSlots(String[] ids) {
        this.ids = ids;
        int cap = Integer.highestOneBit(Math.max(4, ids.length * 2 - 1)) << 1; // load at most one half
        this.slots = new int[cap];
        this.hashes = new int[cap];
        this.mask = cap - 1;
        for (int i = 0; i < ids.length; i++) {
            int h = mix(ids[i].hashCode());
            int s = h & mask;
            while (slots[s] != 0) {
                if (hashes[s] == h && ids[slots[s] - 1].equals(ids[i])) {
                    if (firstRepeat < 0) {
                        firstRepeat = i;
                    }
                    break; // a repeat: the first position stays
                }
                s = (s + 1) & mask;
            }
            if (slots[s] == 0) {
                slots[s] = i + 1;
                hashes[s] = h;
            }
        }
    }

    /** Index (0-based) of the first id equal to an earlier one, or -1 when all ids differ. */
    public int firstRepeat() {
        return firstRepeat;
    }

    /** The 1-based position of {@code id}, or 0 if absent or null. */
    public int find(String id) {
        if (id == null) {
            return 0;
        }
        int h = mix(id.hashCode());
        int s = h & mask;
        int p;
        while ((p = slots[s]) != 0) {
            if (hashes[s] == h) {
                String k = ids[p - 1];
                if (k == id || k.equals(id)) {
                    return p;
                }
            }
            s = (s + 1) & mask;
        }
        return 0;
    }

    /** Spreads a string hash over the low bits the tables mask (Fibonacci hashing). */
    public static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
