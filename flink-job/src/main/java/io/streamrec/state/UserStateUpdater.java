package io.streamrec.state;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.CategoryKey;
import io.streamrec.model.InterestVector;
import io.streamrec.model.ModelBundle;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Applies one event to a {@link UserState}: duplicate check, interest vector update (the bundle's formula and
 * parameters), history, purchased and cart sets, and the sequence number. Pure logic with no Flink dependency, so the
 * state function, the offline replay and the tests all share exactly this code.
 */
public final class UserStateUpdater {

    private final int historyLength;
    private final int purchasedMax;
    private final int dedupWindow;

    public UserStateUpdater(int historyLength, int purchasedMax, int dedupWindow) {
        if (historyLength < 1) {
            throw new IllegalArgumentException("history length must be positive, got " + historyLength);
        }
        this.historyLength = historyLength;
        this.purchasedMax = purchasedMax;
        this.dedupWindow = dedupWindow;
    }

    /** True when the state has already accepted an event with this id. */
    public static boolean isDuplicate(UserState s, String eventId) {
        long h = eventIdHash(eventId);
        for (long x : s.recentEventHashes) {
            if (x == h) {
                return true;
            }
        }
        return false;
    }

    /**
     * 64-bit FNV-1a of the id's UTF-16 code units. Two different ids of one user collide with probability about
     * 2^-64 per pair, so storing the hash instead of the id saves most of the dedup window's bytes safely.
     */
    public static long eventIdHash(String eventId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < eventId.length(); i++) {
            h ^= eventId.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /**
     * The 32-bit hash of an item id in {@link UserState#lastList}: the same 64-bit FNV-1a as the event ids, its high
     * half folded onto the low one (xor) so that every input bit still counts. An item not in a list of K hashes
     * matches one of them with probability about K/2^32.
     */
    public static int itemHash(String itemId) {
        long h = eventIdHash(itemId);
        return (int) (h ^ (h >>> 32));
    }

    /** The hashes of the first {@code n} items (fewer if the list is shorter), in rank order. */
    public static int[] itemHashes(String[] items, int n) {
        int[] h = new int[Math.max(0, Math.min(n, items == null ? 0 : items.length))];
        for (int i = 0; i < h.length; i++) {
            h[i] = itemHash(items[i]);
        }
        return h;
    }

    /** The 1-based rank of {@code itemId} in the user's last list, 0 when it is not in it. */
    public static int rankInLastList(UserState s, String itemId) {
        int h = itemHash(itemId);
        for (int i = 0; i < s.lastList.length; i++) {
            if (s.lastList[i] == h) {
                return i + 1;
            }
        }
        return 0;
    }

    /**
     * Applies the event. Returns false, leaving the state untouched, when the event is a duplicate.
     */
    public boolean apply(UserState s, UserEvent e, ModelBundle bundle) {
        if (isDuplicate(s, e.eventId)) {
            return false;
        }
        s.recentEventHashes = pushFront(s.recentEventHashes, eventIdHash(e.eventId), dedupWindow);
        if (!bundle.modelVersion().equals(s.modelVersion)) {
            rebuildInterest(s, bundle);
        }
        long previous = s.lastTs;
        s.lastTs = InterestVector.update(bundle, s.interest, s.lastTs, e.itemId, e.type, e.ts);
        long advance = previous == Long.MIN_VALUE ? 0 : s.lastTs - previous;

        if (s.histCategories.length != s.histItems.length) { // a state built without keys: align them, keys 0
            s.histCategories = Arrays.copyOf(s.histCategories, s.histItems.length);
        }
        s.histItems = pushFront(s.histItems, e.itemId, historyLength);
        s.histTypes = pushFront(s.histTypes, (byte) e.type.modelIndex(), historyLength);
        s.histCategories = pushFront(s.histCategories, CategoryKey.of(e.category), historyLength);
        s.histOffsetMs = pushFront(s.histOffsetMs, offset(s.lastTs - e.ts), historyLength);
        if (advance > 0) {
            for (int i = 1; i < s.histOffsetMs.length; i++) {
                s.histOffsetMs[i] = offset(s.histOffsetMs[i] + advance);
            }
        }

        switch (e.type) {
            case PURCHASE:
                s.purchased = pushFront(remove(s.purchased, e.itemId), e.itemId, purchasedMax);
                s.cart = remove(s.cart, e.itemId);
                break;
            case ADD_TO_CART:
                s.cart = pushFront(remove(s.cart, e.itemId), e.itemId, purchasedMax);
                break;
            case REMOVE_FROM_CART:
                s.cart = remove(s.cart, e.itemId);
                break;
            default:
                break;
        }
        s.seq++;
        return true;
    }

    /**
     * Recomputes the interest vector from the stored history with the given bundle's embeddings, oldest event first.
     * Used when a user first meets a new model version, so the vector always lives in the serving model's space.
     */
    public static void rebuildInterest(UserState s, ModelBundle bundle) {
        int d = bundle.manifest().embeddingDim();
        long[] ts = new long[s.histItems.length];
        for (int i = 0; i < ts.length; i++) {
            ts[i] = s.historyTs(i);
        }
        long newest = s.lastTs;
        s.interest = new float[d];
        s.lastTs = Long.MIN_VALUE;
        for (int i = s.histItems.length - 1; i >= 0; i--) {
            s.lastTs = InterestVector.update(bundle, s.interest, s.lastTs, s.histItems[i],
                    EventType.fromModelIndex(s.histTypes[i]), ts[i]);
        }
        if (ts.length > 0) {
            s.lastTs = Math.max(s.lastTs, newest);
        }
        s.modelVersion = bundle.modelVersion();
    }

    private static int offset(long ms) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, ms));
    }

    /**
     * {@code a} (length {@code len}) with a free slot 0 and the rest shifted, at most {@code cap} long: in place when
     * it is already {@code cap} long (the usual case once a user's window is full, so the per-event path allocates
     * nothing), else a copy. In place is safe: nothing keeps a state's arrays past the event (ranking copies what it
     * reads, {@link io.streamrec.state.UserStateSerializer#copy} copies every array).
     */
    private static <A> A shifted(A a, int len, int cap, IntFunction<A> alloc) {
        if (len == cap && cap > 0) {
            System.arraycopy(a, 0, a, 1, len - 1);
            return a;
        }
        int n = Math.min(len + 1, cap);
        A out = alloc.apply(n);
        System.arraycopy(a, 0, out, 1, n - 1);
        return out;
    }

    static String[] pushFront(String[] a, String v, int cap) {
        String[] out = shifted(a, a.length, cap, String[]::new);
        out[0] = v;
        return out;
    }

    static byte[] pushFront(byte[] a, byte v, int cap) {
        byte[] out = shifted(a, a.length, cap, byte[]::new);
        out[0] = v;
        return out;
    }

    static int[] pushFront(int[] a, int v, int cap) {
        int[] out = shifted(a, a.length, cap, int[]::new);
        out[0] = v;
        return out;
    }

    static long[] pushFront(long[] a, long v, int cap) {
        long[] out = shifted(a, a.length, cap, long[]::new);
        out[0] = v;
        return out;
    }

    static String[] remove(String[] a, String v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals(v)) {
                String[] out = Arrays.copyOf(a, a.length - 1);
                System.arraycopy(a, i + 1, out, i, a.length - i - 1);
                return out;
            }
        }
        return a;
    }
}
