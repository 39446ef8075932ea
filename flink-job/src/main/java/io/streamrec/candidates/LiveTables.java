package io.streamrec.candidates;

import io.streamrec.event.UserEvent;
import io.streamrec.state.UserState;

/**
 * The tables one operator instance learns from the live stream of the users it serves: online co-visitation (a
 * candidate source and ranker feature), and, for the neighbour-ordered discovery list, the directed sequence table,
 * the category popularity table and the session-kNN index. Each is null when neither the options nor the serving
 * model need it. Why a holder: the candidate stage reads all four, and the job checkpoints and restores them as one
 * unit; keeping them together lets both see the same tables without the operator threading four fields around.
 * Plain Java; not thread-safe (one per operator instance, used from its task thread).
 */
public final class LiveTables {
    private OnlineCovisitation online;
    private OnlineCovisitation sequence;
    private CategoryPopularity categories;
    private SessionNeighbours sessions;
    /** The history's times for {@link #learn}, reused (grown, never shrunk). */
    private long[] pairTs;

    /**
     * Pairs the event with the user's previous events in the online and sequence tables. Call it before the event
     * enters the user's state: the history as it stood before this event is what the event pairs with.
     */
    public void learn(UserState s, UserEvent e) {
        if (online != null) {
            learn(online, s, e);
        }
        if (sequence != null) {
            learn(sequence, s, e);
        }
    }

    private void learn(OnlineCovisitation table, UserState s, UserEvent e) {
        int n = Math.min(table.pairWindow(), s.histItems.length);
        if (pairTs == null || pairTs.length < n) {
            pairTs = new long[Math.max(n, 16)];
        }
        for (int i = 0; i < n; i++) {
            pairTs[i] = s.historyTs(i);
        }
        table.update(e.itemId, e.ts, s.histItems, pairTs, n);
    }

    /**
     * Shows an accepted event to the session index (the user's history window, this event included) and the category
     * popularity table. Call it after the event entered the user's state.
     */
    public void observe(UserEvent e, UserState s) {
        if (sessions != null) {
            sessions.observe(e.userId, s.histItems, s.histItems.length);
        }
        if (categories != null) {
            categories.observe(e.category, e.itemId, e.ts);
        }
    }

    /** The online co-visitation table, or null. */
    public OnlineCovisitation online() {
        return online;
    }

    public void setOnline(OnlineCovisitation online) {
        this.online = online;
    }

    /** The directed table of what followed each item, or null. */
    public OnlineCovisitation sequence() {
        return sequence;
    }

    public void setSequence(OnlineCovisitation sequence) {
        this.sequence = sequence;
    }

    /** What is popular in each category, or null. */
    public CategoryPopularity categories() {
        return categories;
    }

    public void setCategories(CategoryPopularity categories) {
        this.categories = categories;
    }

    /** The session-kNN index, or null: null exactly when the discovery list is not ordered by neighbours. */
    public SessionNeighbours sessions() {
        return sessions;
    }

    public void setSessions(SessionNeighbours sessions) {
        this.sessions = sessions;
    }
}
