package io.streamrec.eval;

import java.util.List;

/**
 * A method the scorer can score: it sees every event of the replayed log in time order ({@link #observe}) and, after
 * a scored test event, returns its list ({@link #recommend}). The full pipeline is one (its lists come from the
 * replayed job); the baselines are others, so all are scored by the same {@link Scorer} on the same events.
 */
public interface Recommender {
    /** The name used in the report and in metrics.json. */
    String name();

    /** One event, in time order, train and test part alike. Called before {@link #recommend} for the same event. */
    void observe(LogEvent e);

    /**
     * The list this method shows after {@code e}, best first, normally {@code k} items; it may be longer (the
     * scorer ranks within the first 20 only).
     */
    List<String> recommend(LogEvent e, int k);
}
