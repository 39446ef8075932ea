package io.streamrec.eval;

import io.streamrec.event.UserEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A method the scorer can score: it sees every event of the replayed log in time order ({@link #observe}) and, after
 * a scored test event, returns its list ({@link #recommend}). The full pipeline is one (its lists come from the
 * replayed job); the baselines are others, so all are scored by the same {@link Scorer} on the same events.
 */
public interface Recommender {
    /** The name used in the report and in metrics.json. */
    String name();

    /** One event, in time order, train and test part alike. Called before {@link #recommend} for the same event. */
    void observe(UserEvent e);

    /**
     * The list this method shows after {@code e}, best first, normally {@code k} items; it may be longer (the
     * scorer ranks within the first 20 only).
     */
    List<String> recommend(UserEvent e, int k);

    /** At most this many items beyond {@code k} are asked of {@link #recommend} to fill a discovery list. */
    int DISCOVERY_EXTRA = 200;

    /**
     * The list this method shows for discovery after {@code e}, scored in the {@code new} protocol (whose next items
     * are never in the user's history). By default the method's own list without the items of {@code history}
     * (every item the user has touched so far), asked for up to {@link #DISCOVERY_EXTRA} more items so it still
     * holds {@code k}: dropping items that cannot be a new next item only raises a method's {@code new} score, so
     * a one-list baseline is compared at its strongest. The job answers with the list it emitted for discovery.
     */
    default List<String> discover(UserEvent e, int k, Set<String> history) {
        List<String> out = new ArrayList<>(k);
        for (String item : recommend(e, k + Math.min(history.size(), DISCOVERY_EXTRA))) {
            if (!history.contains(item)) {
                out.add(item);
                if (out.size() == k) {
                    break;
                }
            }
        }
        return out;
    }
}
