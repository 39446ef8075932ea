package io.streamrec.candidates;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Session-kNN over the live stream: which other shoppers recently looked at the same things as this one, and what
 * else they looked at. Item co-visitation ({@link OnlineCovisitation}) links pairs of items; this links whole recent
 * sessions, so it finds items that no single recent item points to (docs/EVALUATION.md).
 *
 * <p>The index is a bipartite graph between users and items. A user's list holds the distinct items of the user's
 * history window as the job's state has it, most recent first ({@link #observe}); an item's list holds the users
 * whose lists contain it, most recent touch first, at most {@code itemUsers} of them. The users are bounded too: past
 * {@code maxUsers}, the least recently active user leaves the index with all its edges, and an item leaves when no
 * user's list holds it. So memory is bounded by {@code maxUsers × history window} edges. And in bytes
 * ({@link HeapBytes}): a user costs {@link #USER_BYTES} plus its id and 4 bytes an item slot, an item
 * {@link #ITEM_BYTES} plus its id and 4 bytes a user slot; past {@code maxBytes} the least recently active users leave,
 * as at the user bound.
 *
 * <p>No time: the index orders users by when their events arrive, not by the events' times, so an event stamped far
 * from the others (year 9999, 0) counts like any other.
 *
 * <p>Scoring ({@link #score}) for a user with seeds {@code d_0, d_1, …} (the first items of its own list, i.e. the
 * first distinct items of its history window): every other user {@code v} in the seeds' item lists gets
 * {@code sim(v) = Σ_q 1/(q+1)} over the seeds whose list holds it; the {@code neighbours} users with the highest
 * {@code sim} (ties: first met, reading seed by seed and each item list most recent first) each add
 * {@code sim(v)/√|items(v)|} to every item of their list; with {@code idf}, each item's sum is then weighted by
 * {@code ln(1 + users / users whose list holds it)}, as V-SKNN weights it. One instance per parallel rank operator,
 * over the users that instance serves; not thread-safe.
 *
 * <p>About 500 lines, not split: the users' and the items' lists are the two sides of one bipartite graph, updated
 * and evicted together on every event, and {@link #score} reads both sides' slot arrays and the reference counts the
 * IDF weight needs; splitting them would put those arrays behind accessors on the per-event path, or make them
 * package-visible state shared by two classes that must change together.
 */
public final class SessionNeighbours {
    private final int itemUsers;
    private final int maxUsers;
    private final long maxBytes;
    private final boolean idf;
    private long bytes;

    /** Accounted per user: map node and boxed slot 48, slot arrays and recency links 32, its list's header 16. */
    static final long USER_BYTES = 96;
    /** Accounted per item: map node and boxed slot 48, slot arrays and scratch 32, its list's header 16. */
    static final long ITEM_BYTES = 96;

    // users: slot -> id, distinct items (item slots, most recent first), LRU links (head = most recently active)
    private final Map<String, Integer> userSlots = new HashMap<>();
    private String[] userIds = new String[16];
    private int[][] userItems = new int[16][];
    private int[] userItemCount = new int[16];
    private final SlotRecency recency = new SlotRecency(16);
    private int[] freeUsers = new int[16];
    private int freeUserCount;
    private int userSlotCount;

    // items: slot -> id, users (user slots, most recent touch first), how many user lists hold it
    private final Map<String, Integer> itemSlots = new HashMap<>();
    private String[] itemIds = new String[16];
    private int[][] itemUserLists = new int[16][];
    private int[] itemUserCount = new int[16];
    private int[] refs = new int[16];
    private int[] freeItems = new int[16];
    private int freeItemCount;
    private int itemSlotCount;

    // per-call scratch, reused
    private int[] window = new int[64];
    private int windowLen;
    private double[] sim = new double[16];
    private int[] met = new int[64];
    private int metCount;
    private double[] itemScore = new double[16];
    private int[] touchedItems = new int[64];
    private int touchedCount;
    private boolean[] ownMark = new boolean[16];
    private final TopK heap = new TopK(16);

    /**
     * @param itemUsers the most users an item's list keeps
     * @param maxUsers  the most users the index keeps
     */
    public SessionNeighbours(int itemUsers, int maxUsers) {
        this(itemUsers, maxUsers, Long.MAX_VALUE);
    }

    /**
     * @param maxBytes the most bytes the index accounts for ({@link HeapBytes}), ≥ 1
     */
    public SessionNeighbours(int itemUsers, int maxUsers, long maxBytes) {
        this(itemUsers, maxUsers, maxBytes, false);
    }

    /**
     * @param idf whether an item's score is weighted by {@code ln(1 + users / users whose list holds the item)}, as
     *            V-SKNN weights it: an item every neighbour holds says less about this user than a rare one
     */
    public SessionNeighbours(int itemUsers, int maxUsers, long maxBytes, boolean idf) {
        this.idf = idf;
        if (itemUsers < 1 || maxUsers < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("itemUsers, maxUsers and maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
        this.itemUsers = itemUsers;
        this.maxUsers = maxUsers;
    }

    /** Users in the index. */
    public int users() {
        return userSlots.size();
    }

    /** Items in the index (items some user's list holds). */
    public int items() {
        return itemSlots.size();
    }

    /** The bytes the index accounts for ({@link HeapBytes}); at most {@link #maxBytes()} after every call. */
    public long bytes() {
        return bytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** {@link #bytes()} counted again from the lists, for tests of the running count. */
    long recountBytes() {
        long b = 0;
        for (int u : userSlots.values()) {
            b += USER_BYTES + HeapBytes.of(userIds[u]) + (userItems[u] == null ? 0 : 4L * userItems[u].length);
        }
        for (int it : itemSlots.values()) {
            b += ITEM_BYTES + HeapBytes.of(itemIds[it])
                    + (itemUserLists[it] == null ? 0 : 4L * itemUserLists[it].length);
        }
        return b;
    }

    /**
     * Records a user's event: the user's list becomes the distinct items of {@code hist[0..histLen)} (most recent
     * first, the trigger's item at position 0), the trigger's item moves the user to the front of its list, and the
     * user becomes the most recently active.
     */
    public void observe(String user, String[] hist, int histLen) {
        Integer boxed = userSlots.get(user);
        int u;
        if (boxed == null) {
            if (userSlots.size() >= maxUsers) {
                removeUser(recency.tail());
            }
            u = newUserSlot(user);
        } else {
            u = boxed;
            recency.unlink(u);
        }
        recency.pushFront(u);

        // the new list: distinct items of the window, most recent first
        windowLen = 0;
        if (window.length < histLen) {
            window = new int[Math.max(histLen, window.length * 2)];
        }
        for (int p = 0; p < histLen; p++) {
            String id = hist[p];
            if (id == null) {
                continue;
            }
            int it = itemSlot(id);
            if (!contains(window, windowLen, it)) {
                window[windowLen++] = it;
            }
        }
        // items that left the window lose this user; new ones gain it (at the back: it touched them earlier)
        int[] old = userItems[u];
        int oldCount = userItemCount[u];
        for (int i = 0; i < oldCount; i++) {
            int it = old[i];
            if (!contains(window, windowLen, it)) {
                removeUserFromItem(it, u);
                release(it);
            }
        }
        for (int i = 0; i < windowLen; i++) {
            int it = window[i];
            if (!contains(old, oldCount, it)) {
                refs[it]++;
                if (i > 0) {
                    appendUser(it, u);
                }
            }
        }
        if (windowLen > 0) {
            moveUserToFront(window[0], u);
        }
        if (old == null || old.length < windowLen) {
            int cap = Math.max(windowLen, 8);
            bytes += 4L * (cap - (old == null ? 0 : old.length));
            old = new int[cap];
            userItems[u] = old;
        }
        System.arraycopy(window, 0, old, 0, windowLen);
        userItemCount[u] = windowLen;
        while (bytes > maxBytes && !userSlots.isEmpty()) {
            removeUser(recency.tail());
        }
    }

    /**
     * Scores items for {@code user} from its first {@code seeds} items (its own list's, which are the first distinct
     * items of its history window) and its {@code neighbours} nearest other users, and writes the best {@code n} that
     * are not in the user's own list to {@code outIds} (and {@code outScores} if not null), best first (ties: the item
     * first reached).
     * Until the next call, {@link #lastScore} reads the score of any item. The index must have observed the user.
     *
     * @return how many were written
     */
    public int score(String user, int seeds, int neighbours, int n, String[] outIds, double[] outScores) {
        for (int i = 0; i < touchedCount; i++) { // the previous call's scores, kept for lastScore
            itemScore[touchedItems[i]] = 0.0;
        }
        touchedCount = 0;
        Integer self = userSlots.get(user);
        if (self == null) {
            return 0;
        }
        int selfSlot = self;
        int[] own = userItems[selfSlot];
        int numSeeds = Math.min(seeds, userItemCount[selfSlot]);
        metCount = 0;
        for (int q = 0; q < numSeeds; q++) {
            double w = 1.0 / (q + 1);
            int it = own[q];
            int[] us = itemUserLists[it];
            for (int i = 0, m = itemUserCount[it]; i < m; i++) {
                int v = us[i];
                if (v == selfSlot) {
                    continue;
                }
                if (sim[v] == 0.0) {
                    if (metCount == met.length) {
                        met = Arrays.copyOf(met, metCount * 2);
                    }
                    met[metCount++] = v;
                }
                sim[v] += w;
            }
        }
        // the nearest neighbours: a heap keyed by (sim, first met); sims are sums of a few 1/(q+1), exact in float
        heap.reset(Math.min(neighbours, metCount));
        for (int i = 0; i < metCount; i++) {
            heap.offer((float) sim[met[i]], i);
        }
        int k = heap.drainSorted();
        for (int c = 0; c < k; c++) {
            int v = met[heap.idAt(c)];
            int count = userItemCount[v];
            double w = sim[v] / Math.sqrt(count);
            int[] items = userItems[v];
            for (int i = 0; i < count; i++) {
                int it = items[i];
                if (itemScore[it] == 0.0) {
                    if (touchedCount == touchedItems.length) {
                        touchedItems = Arrays.copyOf(touchedItems, touchedCount * 2);
                    }
                    touchedItems[touchedCount++] = it;
                }
                itemScore[it] += w;
            }
        }
        for (int i = 0; i < metCount; i++) {
            sim[met[i]] = 0.0;
        }
        if (idf) {
            double users = userSlots.size();
            for (int i = 0; i < touchedCount; i++) {
                int it = touchedItems[i];
                itemScore[it] *= Math.log(1.0 + users / refs[it]);
            }
        }
        // the best n items outside the user's own list
        for (int q = 0, m = userItemCount[selfSlot]; q < m; q++) {
            ownMark[own[q]] = true;
        }
        heap.reset(Math.min(n, touchedCount));
        for (int i = 0; i < touchedCount; i++) {
            int it = touchedItems[i];
            if (!ownMark[it]) {
                heap.offer((float) itemScore[it], i);
            }
        }
        for (int q = 0, m = userItemCount[selfSlot]; q < m; q++) {
            ownMark[own[q]] = false;
        }
        int out = heap.drainSorted();
        for (int j = 0; j < out; j++) {
            int it = touchedItems[heap.idAt(j)];
            outIds[j] = itemIds[it];
            if (outScores != null) {
                outScores[j] = itemScore[it];
            }
        }
        return out;
    }

    /** An item's score from the last {@link #score} call (0 if it got none); valid until the index changes. */
    public double lastScore(String item) {
        Integer it = itemSlots.get(item);
        return it == null ? 0.0 : itemScore[it];
    }

    /** The distinct items the index holds for a user, most recent first (empty if unknown); for tests. */
    public String[] itemsOf(String user) {
        Integer u = userSlots.get(user);
        if (u == null) {
            return new String[0];
        }
        String[] out = new String[userItemCount[u]];
        for (int i = 0; i < out.length; i++) {
            out[i] = itemIds[userItems[u][i]];
        }
        return out;
    }

    /** The users an item's list holds, most recent touch first (empty if unknown); for tests. */
    public String[] usersOf(String item) {
        Integer it = itemSlots.get(item);
        if (it == null) {
            return new String[0];
        }
        String[] out = new String[itemUserCount[it]];
        for (int i = 0; i < out.length; i++) {
            out[i] = userIds[itemUserLists[it][i]];
        }
        return out;
    }

    /** The users, least recently active first: the order {@link #observe} must replay them in after a restore. */
    public String[] usersByActivity() {
        String[] out = new String[userSlots.size()];
        int i = 0;
        for (int u = recency.tail(); u >= 0; u = recency.newer(u)) {
            out[i++] = userIds[u];
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------ users

    private int newUserSlot(String user) {
        int u;
        if (freeUserCount > 0) {
            u = freeUsers[--freeUserCount];
        } else {
            u = userSlotCount++;
            if (u == userIds.length) {
                int cap = u * 2;
                userIds = Arrays.copyOf(userIds, cap);
                userItems = Arrays.copyOf(userItems, cap);
                userItemCount = Arrays.copyOf(userItemCount, cap);
                recency.grow(cap);
                sim = Arrays.copyOf(sim, cap);
            }
        }
        userIds[u] = user;
        userItemCount[u] = 0;
        bytes += USER_BYTES + HeapBytes.of(user);
        userSlots.put(user, u);
        return u;
    }

    private void removeUser(int u) {
        for (int i = 0; i < userItemCount[u]; i++) {
            int it = userItems[u][i];
            removeUserFromItem(it, u);
            release(it);
        }
        userItemCount[u] = 0;
        recency.unlink(u);
        userSlots.remove(userIds[u]);
        bytes -= USER_BYTES + HeapBytes.of(userIds[u]) + (userItems[u] == null ? 0 : 4L * userItems[u].length);
        userItems[u] = null;
        userIds[u] = null;
        if (freeUserCount == freeUsers.length) {
            freeUsers = Arrays.copyOf(freeUsers, freeUserCount * 2);
        }
        freeUsers[freeUserCount++] = u;
    }

    // ------------------------------------------------------------------------------------------ items

    private int itemSlot(String id) {
        Integer boxed = itemSlots.get(id);
        if (boxed != null) {
            return boxed;
        }
        int it;
        if (freeItemCount > 0) {
            it = freeItems[--freeItemCount];
        } else {
            it = itemSlotCount++;
            if (it == itemIds.length) {
                int cap = it * 2;
                itemIds = Arrays.copyOf(itemIds, cap);
                itemUserLists = Arrays.copyOf(itemUserLists, cap);
                itemUserCount = Arrays.copyOf(itemUserCount, cap);
                refs = Arrays.copyOf(refs, cap);
                itemScore = Arrays.copyOf(itemScore, cap);
                ownMark = Arrays.copyOf(ownMark, cap);
            }
        }
        itemIds[it] = id;
        itemUserCount[it] = 0;
        refs[it] = 0;
        bytes += ITEM_BYTES + HeapBytes.of(id);
        itemSlots.put(id, it);
        return it;
    }

    /** One user list fewer holds the item; at none, the item leaves the index. */
    private void release(int it) {
        if (--refs[it] == 0) {
            freeItem(it);
        }
    }

    private void freeItem(int it) {
        bytes -= ITEM_BYTES + HeapBytes.of(itemIds[it])
                + (itemUserLists[it] == null ? 0 : 4L * itemUserLists[it].length);
        itemSlots.remove(itemIds[it]);
        itemScore[it] = 0.0;
        itemIds[it] = null;
        itemUserCount[it] = 0;
        itemUserLists[it] = null;
        if (freeItemCount == freeItems.length) {
            freeItems = Arrays.copyOf(freeItems, freeItemCount * 2);
        }
        freeItems[freeItemCount++] = it;
    }

    private void removeUserFromItem(int it, int u) {
        int[] us = itemUserLists[it];
        int n = itemUserCount[it];
        for (int i = 0; i < n; i++) {
            if (us[i] == u) {
                System.arraycopy(us, i + 1, us, i, n - i - 1);
                itemUserCount[it] = n - 1;
                return;
            }
        }
    }

    /** Adds u at the back of the item's list, if there is room (an older touch than every listed user's). */
    private void appendUser(int it, int u) {
        int n = itemUserCount[it];
        if (n >= itemUsers) {
            return;
        }
        int[] us = ensureUserList(it, n + 1);
        us[n] = u;
        itemUserCount[it] = n + 1;
    }

    /** Moves (or inserts) u to the front of the item's list; a full list drops its last user. */
    private void moveUserToFront(int it, int u) {
        int n = itemUserCount[it];
        int[] us = itemUserLists[it];
        int at = -1;
        for (int i = 0; i < n; i++) {
            if (us[i] == u) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            at = Math.min(n, itemUsers - 1);
            if (n < itemUsers) {
                us = ensureUserList(it, n + 1);
                itemUserCount[it] = n + 1;
            }
        }
        System.arraycopy(us, 0, us, 1, at);
        us[0] = u;
    }

    private int[] ensureUserList(int it, int size) {
        int[] us = itemUserLists[it];
        if (us == null || us.length < size) {
            int before = us == null ? 0 : us.length;
            us = us == null ? new int[Math.min(itemUsers, 4)] : Arrays.copyOf(us, Math.min(itemUsers, us.length * 2));
            if (us.length < size) {
                us = Arrays.copyOf(us, size);
            }
            bytes += 4L * (us.length - before);
            itemUserLists[it] = us;
        }
        return us;
    }

    private static boolean contains(int[] a, int n, int v) {
        if (a == null) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (a[i] == v) {
                return true;
            }
        }
        return false;
    }
}
