package io.streamrec.candidates;

import static io.streamrec.model.IdSlots.mix;

import java.util.Arrays;

/**
 * The storage behind {@link OnlineCovisitation}: the item lists in dense parallel arrays, their open-addressing
 * index, the least-recently-updated order, the Space-Saving update of a full list and the byte budget that evicts
 * whole lists.
 *
 * <p>Why a class of its own: this is the bookkeeping that keeps the table inside {@code maxItems},
 * {@code maxNeighbours} and {@code maxBytes} ({@link HeapBytes}), and the running byte count must change in step
 * with every allocation and eviction; keeping it apart from the co-visitation rule, the reads and the checkpoint
 * code leaves one place where the accounting can go wrong. The table reads the arrays directly (package-private,
 * always through this object, as they are reallocated when they grow) so lookups stay allocation-free.
 */
final class CovisitLists {
    private static final int INITIAL_NEIGHBOURS = 2;
    /** Accounted per item list: id reference and hash 8, three list references 12, count and flag 5, recency links
     * 8, two index slots 8, the three list arrays' headers 48: 89, padded to the next multiple of 8. */
    static final long ROW_BYTES = 96;
    /** Accounted per neighbour slot (allocated, used or not): id reference 4, hash 4, weight 8. */
    static final long NEIGHBOUR_BYTES = 16;

    private final int maxNeighbours;
    private final int maxItems;
    private final long maxBytes;
    /** The accounted bytes of the entries and lists; the ids' are the pool's. */
    private long bytes;
    private final StringPool pool = new StringPool();

    /** Bounds already checked by the table: {@code maxNeighbours} ≥ 1, {@code maxItems} ≥ 2, {@code maxBytes} ≥ 1. */
    CovisitLists(int maxNeighbours, int maxItems, long maxBytes) {
        this.maxNeighbours = maxNeighbours;
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
    }

    /** The accounted bytes of the lists and, once each, of the distinct ids. */
    long bytes() {
        return bytes + pool.bytes();
    }

    // one entry per item with a neighbour list; entry ids are dense and reused after eviction
    String[] ids = new String[16];
    private int[] hashes = new int[16];
    String[][] nbIds = new String[16][];
    int[][] nbHashes = new int[16][];
    double[][] nbWeights = new double[16][];
    int[] nbCount = new int[16];
    /**
     * Whether entry e's neighbour arrays belong to a frozen snapshot ({@link OnlineCovisitation#freeze}) that may
     * still be being written by a checkpoint's asynchronous part: the next change to them copies them first (copy on
     * write).
     */
    boolean[] shared = new boolean[16];
    // LRU list over entries: head = most recently updated, tail = least
    final SlotRecency recency = new SlotRecency(16);
    int size;
    /** Entries ever used: entries below it are live or in {@link #free}. */
    private int top;
    private int[] free = new int[16];
    private int freeCount;
    // open addressing, linear probing: slot holds entry + 1, 0 = empty
    private int[] index = new int[32];

    /** {@link #bytes()} counted again from the lists, for tests of the running count. */
    long recountBytes() {
        long b = 0;
        java.util.Set<String> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int e = 0; e < top; e++) {
            if (ids[e] == null && nbIds[e] == null) {
                continue;
            }
            b += nbIds[e].length * NEIGHBOUR_BYTES;
            if (ids[e] != null) {
                b += ROW_BYTES;
                distinct.add(ids[e]);
                distinct.addAll(Arrays.asList(nbIds[e]).subList(0, nbCount[e]));
            }
        }
        for (String id : distinct) {
            b += HeapBytes.of(id) + StringPool.ENTRY_BYTES;
        }
        return b;
    }

    /** Past the byte budget, drops the least recently updated lists (their entries go to the free list). */
    void keepToBudget() {
        while (bytes() > maxBytes && size > 0) {
            int e = recency.tail();
            evict(e);
            bytes -= nbIds[e].length * NEIGHBOUR_BYTES;
            nbIds[e] = null;
            nbHashes[e] = null;
            nbWeights[e] = null;
            nbCount[e] = 0;
            shared[e] = false;
            size--;
            if (freeCount == free.length) {
                free = Arrays.copyOf(free, freeCount * 2);
            }
            free[freeCount++] = e;
        }
    }

    int touch(int e) {
        if (e != recency.head()) {
            recency.unlink(e);
            recency.pushFront(e);
        }
        return e;
    }

    /** The entry of {@code id}, created (evicting the least recently updated other than {@code keep}) if absent. */
    int rowFor(String id, int keep) {
        int found = find(id);
        if (found >= 0) {
            return touch(found);
        }
        int h = id.hashCode();
        int e;
        if (size >= maxItems) {
            int tail = recency.tail();
            e = tail == keep ? recency.newer(tail) : tail;
            evict(e);
            e = reuse(e);
        } else {
            if (freeCount > 0) {
                e = free[--freeCount];
            } else {
                e = top++;
                ensureEntries(top);
            }
            size++;
            if (size * 2 > index.length) {
                rehash(index.length * 2);
            }
        }
        ids[e] = pool.acquire(id);
        hashes[e] = h;
        bytes += ROW_BYTES;
        if (nbIds[e] == null) {
            int cap = Math.min(INITIAL_NEIGHBOURS, maxNeighbours);
            bytes += cap * NEIGHBOUR_BYTES;
            nbIds[e] = new String[cap];
            nbHashes[e] = new int[cap];
            nbWeights[e] = new double[cap];
        }
        nbCount[e] = 0;
        insertIndex(e);
        recency.pushFront(e);
        return e;
    }

    private int reuse(int e) {
        // keep the neighbour arrays for the next item: evictions happen at the bound, where churn is steady
        if (shared[e]) {
            nbIds[e] = new String[nbIds[e].length];
            nbWeights[e] = new double[nbWeights[e].length];
            shared[e] = false;
        } else {
            Arrays.fill(nbIds[e], 0, nbCount[e], null);
        }
        return e;
    }

    /** Adds {@code inc} to {@code T(row, nb)}, with the Space-Saving replacement when the list is full. */
    void add(int e, String nb, double inc) {
        if (shared[e]) {
            nbIds[e] = nbIds[e].clone();
            nbWeights[e] = nbWeights[e].clone();
            shared[e] = false;
        }
        int h = nb.hashCode();
        int n = nbCount[e];
        int[] hs = nbHashes[e];
        String[] ns = nbIds[e];
        int found = WeightedLists.indexOf(ns, hs, n, nb, h);
        if (found >= 0) {
            nbWeights[e][found] += inc;
            return;
        }
        if (n < maxNeighbours) {
            if (n == ns.length) {
                int cap = (int) Math.min((long) maxNeighbours, Math.max(INITIAL_NEIGHBOURS, (long) n * 2));
                bytes += (cap - ns.length) * NEIGHBOUR_BYTES;
                nbIds[e] = ns = Arrays.copyOf(ns, cap);
                nbHashes[e] = hs = Arrays.copyOf(hs, cap);
                nbWeights[e] = Arrays.copyOf(nbWeights[e], cap);
            }
            ns[n] = pool.acquire(nb);
            hs[n] = h;
            nbWeights[e][n] = inc;
            nbCount[e] = n + 1;
            return;
        }
        double[] ws = nbWeights[e];
        int lightest = WeightedLists.lightest(ws, n);
        pool.release(ns[lightest]);
        ns[lightest] = pool.acquire(nb);
        hs[lightest] = h;
        ws[lightest] += inc;
    }

    private void evict(int e) {
        // backward-shift deletion keeps linear probing free of tombstones
        int mask = index.length - 1;
        int s = mix(hashes[e]) & mask;
        while (index[s] != e + 1) {
            s = (s + 1) & mask;
        }
        int hole = s;
        int j = s;
        while (true) {
            j = (j + 1) & mask;
            int p = index[j];
            if (p == 0) {
                break;
            }
            int home = mix(hashes[p - 1]) & mask;
            // move p into the hole unless its home lies cyclically in (hole, j]
            boolean stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
            if (!stays) {
                index[hole] = p;
                hole = j;
            }
        }
        index[hole] = 0;
        recency.unlink(e);
        bytes -= ROW_BYTES;
        pool.release(ids[e]);
        for (int i = 0, n = nbCount[e]; i < n; i++) {
            pool.release(nbIds[e][i]);
        }
        ids[e] = null;
    }

    private void insertIndex(int e) {
        int mask = index.length - 1;
        int s = mix(hashes[e]) & mask;
        while (index[s] != 0) {
            s = (s + 1) & mask;
        }
        index[s] = e + 1;
    }

    private void rehash(int cap) {
        index = new int[cap];
        for (int e = 0; e < top; e++) {
            if (ids[e] != null) {
                insertIndex(e);
            }
        }
    }

    private void ensureEntries(int n) {
        if (n <= ids.length) {
            return;
        }
        int cap = (int) Math.min(Math.max((long) ids.length * 2, n), Math.min(maxItems, Integer.MAX_VALUE - 8));
        ids = Arrays.copyOf(ids, cap);
        hashes = Arrays.copyOf(hashes, cap);
        nbIds = Arrays.copyOf(nbIds, cap);
        nbHashes = Arrays.copyOf(nbHashes, cap);
        nbWeights = Arrays.copyOf(nbWeights, cap);
        nbCount = Arrays.copyOf(nbCount, cap);
        shared = Arrays.copyOf(shared, cap);
        recency.grow(cap);
    }

    /** The entry of an item, or -1 if it has no neighbour list. Does not count as an update. */
    int find(String id) {
        if (id == null) {
            return -1;
        }
        int h = id.hashCode();
        int mask = index.length - 1;
        int s = mix(h) & mask;
        int p;
        while ((p = index[s]) != 0) {
            int e = p - 1;
            if (hashes[e] == h && ids[e].equals(id)) {
                return e;
            }
            s = (s + 1) & mask;
        }
        return -1;
    }
}
