package io.streamrec.state;

import io.streamrec.event.EventType;
import io.streamrec.event.UserEvent;
import io.streamrec.model.InterestVector;
import io.streamrec.model.ModelBundle;

import java.util.Arrays;

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
        for (String id : s.recentEventIds) {
            if (id.equals(eventId)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Applies the event. Returns false, leaving the state untouched, when the event is a duplicate.
     */
    public boolean apply(UserState s, UserEvent e, ModelBundle bundle) {
        if (isDuplicate(s, e.eventId)) {
            return false;
        }
        s.recentEventIds = pushFront(s.recentEventIds, e.eventId, dedupWindow);
        if (!bundle.modelVersion().equals(s.modelVersion)) {
            rebuildInterest(s, bundle);
        }
        s.lastTs = InterestVector.update(bundle, s.interest, s.lastTs, e.itemId, e.type, e.ts);

        s.histItems = pushFront(s.histItems, e.itemId, historyLength);
        s.histTypes = pushFront(s.histTypes, (byte) e.type.modelIndex(), historyLength);
        s.histTs = pushFront(s.histTs, e.ts, historyLength);

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
        s.interest = new float[d];
        s.lastTs = Long.MIN_VALUE;
        for (int i = s.histItems.length - 1; i >= 0; i--) {
            s.lastTs = InterestVector.update(bundle, s.interest, s.lastTs, s.histItems[i],
                    EventType.fromModelIndex(s.histTypes[i]), s.histTs[i]);
        }
        s.modelVersion = bundle.modelVersion();
    }

    static String[] pushFront(String[] a, String v, int cap) {
        int n = Math.min(a.length + 1, cap);
        String[] out = new String[n];
        out[0] = v;
        System.arraycopy(a, 0, out, 1, n - 1);
        return out;
    }

    static byte[] pushFront(byte[] a, byte v, int cap) {
        int n = Math.min(a.length + 1, cap);
        byte[] out = new byte[n];
        out[0] = v;
        System.arraycopy(a, 0, out, 1, n - 1);
        return out;
    }

    static long[] pushFront(long[] a, long v, int cap) {
        int n = Math.min(a.length + 1, cap);
        long[] out = new long[n];
        out[0] = v;
        System.arraycopy(a, 0, out, 1, n - 1);
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
