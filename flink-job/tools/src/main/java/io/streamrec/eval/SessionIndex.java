package io.streamrec.eval;

import io.streamrec.event.UserEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sessions of all users observed so far, for the session-kNN baselines ({@link SessionKnn}). A user's session ends
 * after {@code gapMs} without an event, when the event's {@code session_id} changes, or after {@link #MAX_SESSION}
 * events. Sessions are int arrays of item indices in event order; an inverted index maps each item to the sessions that
 * touched it most recently (at most {@code postingCap} per item), so candidate neighbours are found without scanning
 * every session. Built only from events already observed: a still-running session of another user is a neighbour
 * with the events it has so far, never with later ones.
 *
 * <p>Several recommenders may share one index (the tuning grid does): {@link #observe} ignores a repeated call for
 * the same event object, so each recommender can forward every event it sees.
 */
public final class SessionIndex {
    /** Sessions longer than this are split, so the per-event work of a bot-like user stays bounded. */
    static final int MAX_SESSION = 500;

    private final long gapMs;
    private final int postingCap;
    private final Map<String, Integer> itemIds = new HashMap<>();
    private final List<String> items = new ArrayList<>();
    /** Per item index: sessions containing it, a ring of the most recent {@code postingCap}. */
    private int[][] postings = new int[1024][];
    private int[] postingCount = new int[1024];
    /** Per item index: the number of sessions containing it (for IDF). */
    private int[] sessionFreq = new int[1024];
    private int[][] sessionItems = new int[1024][];
    private int[] sessionLen = new int[1024];
    private long[] sessionLast = new long[1024];
    private int sessions;
    private final Map<String, Cursor> current = new HashMap<>();
    private UserEvent lastObserved;
    private long version;
    private Neighbourhood neighbourhood;

    /** A user's running session. */
    private static final class Cursor {
        int session;
        long lastTs;
        String sessionId;
    }

    /**
     * @param gapMs inactivity that ends a session (ms)
     * @param postingCap sessions remembered per item (the largest sample size m any reader asks for)
     */
    public SessionIndex(long gapMs, int postingCap) {
        this.gapMs = gapMs;
        this.postingCap = Math.max(1, postingCap);
    }

    public long gapMs() {
        return gapMs;
    }

    /** Adds {@code e} to its user's session; a second call with the same event object does nothing. */
    public void observe(UserEvent e) {
        if (e == lastObserved) {
            return;
        }
        lastObserved = e;
        version++;
        int item = intern(e.itemId);
        Cursor c = current.get(e.userId);
        boolean fresh = c == null || e.ts - c.lastTs > gapMs || sessionLen[c.session] >= MAX_SESSION
                || (e.sessionId != null && !e.sessionId.equals(c.sessionId));
        if (c == null) {
            c = new Cursor();
            current.put(e.userId, c);
        }
        if (fresh) {
            c.session = newSession();
        }
        c.lastTs = e.ts;
        c.sessionId = e.sessionId;
        int s = c.session;
        if (!contains(s, item)) {
            sessionFreq[item]++;
            post(item, s);
        }
        if (sessionLen[s] == sessionItems[s].length) {
            sessionItems[s] = Arrays.copyOf(sessionItems[s], sessionItems[s].length * 2);
        }
        sessionItems[s][sessionLen[s]++] = item;
        sessionLast[s] = e.ts;
    }

    private int intern(String id) {
        Integer i = itemIds.get(id);
        if (i != null) {
            return i;
        }
        int n = items.size();
        itemIds.put(id, n);
        items.add(id);
        if (n == postings.length) {
            postings = Arrays.copyOf(postings, n * 2);
            postingCount = Arrays.copyOf(postingCount, n * 2);
            sessionFreq = Arrays.copyOf(sessionFreq, n * 2);
        }
        return n;
    }

    private int newSession() {
        int s = sessions++;
        if (s == sessionItems.length) {
            sessionItems = Arrays.copyOf(sessionItems, s * 2);
            sessionLen = Arrays.copyOf(sessionLen, s * 2);
            sessionLast = Arrays.copyOf(sessionLast, s * 2);
        }
        sessionItems[s] = new int[8];
        return s;
    }

    private boolean contains(int s, int item) {
        int[] a = sessionItems[s];
        for (int i = sessionLen[s] - 1; i >= 0; i--) {
            if (a[i] == item) {
                return true;
            }
        }
        return false;
    }

    private void post(int item, int s) {
        int[] p = postings[item];
        int n = postingCount[item];
        if (p == null) {
            p = new int[Math.min(4, postingCap)];
            postings[item] = p;
        }
        if (n < postingCap) {
            if (n == p.length) {
                p = Arrays.copyOf(p, Math.min(postingCap, n * 2));
                postings[item] = p;
            }
            p[n] = s;
        } else {
            p[n % postingCap] = s; // ring: overwrite the oldest
        }
        postingCount[item] = n + 1;
    }

    /** The item index of {@code id}, or -1 if never observed. */
    int itemIndex(String id) {
        Integer i = itemIds.get(id);
        return i == null ? -1 : i;
    }

    String itemId(int index) {
        return items.get(index);
    }

    int itemCount() {
        return items.size();
    }

    int sessionCount() {
        return sessions;
    }

    /** The running session of {@code user} (the one its last event went to), or -1. */
    int currentSession(String user) {
        Cursor c = current.get(user);
        return c == null ? -1 : c.session;
    }

    int[] items(int session) {
        return sessionItems[session];
    }

    int length(int session) {
        return sessionLen[session];
    }

    long lastTs(int session) {
        return sessionLast[session];
    }

    int sessionFrequency(int item) {
        return sessionFreq[item];
    }

    /** The sessions of {@code item}'s posting list (at most {@code postingCap}, any order); adds to {@code out}. */
    int postings(int item, int[] out, int from) {
        int n = Math.min(postingCount[item], postingCap);
        int[] p = postings[item];
        int w = from;
        for (int i = 0; i < n && w < out.length; i++) {
            out[w++] = p[i];
        }
        return w;
    }

    int postingCap() {
        return postingCap;
    }

    /** How many events have been observed: a query's neighbours stay valid while it is unchanged. */
    long version() {
        return version;
    }

    /** The neighbour search shared by every session-kNN recommender on this index. */
    Neighbourhood neighbourhood() {
        if (neighbourhood == null) {
            neighbourhood = new Neighbourhood(this);
        }
        return neighbourhood;
    }
}
