package io.streamrec.candidates;

import io.streamrec.event.UserEvent;

import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Fuses the neighbour-ordered discovery list ({@code recs.discover-order=neighbours}): items outside the user's
 * history window and allowed by the filters, scored {@code ln(1 + covisit) + ws · ln(1 + session) + wc · ln(1 +
 * popularity in the event's category) + wq · ln(1 + how often it came after the event's item)}, best first (ties by
 * item id). The candidates are the {@code n} best of each term ({@code n} = the list's length; co-visitation's and the
 * category's with room for the history window, which they may contain), which is where the best of their sum lies
 * unless an item is middling on all: twice as many changed no evaluation figure but Diginetica's, a little for the
 * worse, and cost more lookups. The sequence term keeps its own {@code n} only: room for the history too gave the same
 * lists. An entry's source is the term that gave it most (ties: co-visitation, session, category, sequence).
 *
 * <p>Why a class of its own: it is the one place the four live tables' scores meet, and it needs no Flink, so it is
 * tested alone. Scratch is reused between events; not thread-safe.
 */
public final class DiscoveryFusion {
    private final int length;
    private final int sessionSeeds;
    private final int sessionNeighbours;
    private final double sessionWeight;
    private final double categoryWeight;
    private final double sequenceWeight;

    private final HistoryWindow historySet = new HistoryWindow();
    private final ItemScores fused = new ItemScores();
    private final ItemScores categoryScores = new ItemScores();
    private final ItemScores sequenceScores = new ItemScores();
    /** The best items of one term at a time. */
    private String[] poolIds = new String[0];

    // the call being fused
    private LiveTables tables;
    private ItemScores onlineScores;
    private Predicate<String> excluded;

    /**
     * @param length            how many entries a list has at most (top-K plus the catalog filter's overfetch)
     * @param sessionSeeds      the session index's seeds per user
     * @param sessionNeighbours the session index's neighbours per user
     * @param sessionWeight     {@code ws}
     * @param categoryWeight    {@code wc}; read only when the tables have a category table
     * @param sequenceWeight    {@code wq}; read only when the tables have a sequence table
     */
    public DiscoveryFusion(int length, int sessionSeeds, int sessionNeighbours, double sessionWeight,
                           double categoryWeight, double sequenceWeight) {
        this.length = length;
        this.sessionSeeds = sessionSeeds;
        this.sessionNeighbours = sessionNeighbours;
        this.sessionWeight = sessionWeight;
        this.categoryWeight = categoryWeight;
        this.sequenceWeight = sequenceWeight;
    }

    /**
     * Fuses the event's discovery list into {@code out}, after the session index and the category table have seen
     * the event.
     *
     * @param tables       the live tables; their session index must not be null
     * @param hist         the user's history window, most recent first, and {@code h} its length
     * @param onlineScores the online co-visitation scores of the history (read when the tables have an online table)
     * @param excluded     the items the filters refuse
     */
    public void fuse(LiveTables tables, UserEvent e, String[] hist, int h, ItemScores onlineScores,
                     Predicate<String> excluded, DiscoveryList out) {
        this.tables = tables;
        this.onlineScores = onlineScores;
        this.excluded = excluded;
        int pool = length;
        out.ensure(pool + h);
        if (poolIds.length < pool + h) {
            poolIds = new String[pool + h];
        }
        historySet.build(hist, null, null, h);
        fused.clearAll();
        if (tables.categories() != null) {
            tables.categories().scores(e.category, e.ts, categoryScores);
        }
        if (tables.sequence() != null) {
            tables.sequence().accumulate(hist, h, 1, sequenceScores); // what followed the event's item
        }
        // each term's best items; their scores are read back per item below (lastScore, get)
        int ns = tables.sessions().score(e.userId, sessionSeeds, sessionNeighbours, pool, poolIds, null);
        addAllowed(ns);
        if (tables.online() != null) {
            addAllowed(onlineScores.top(pool + h, poolIds, null));
        }
        if (tables.categories() != null) {
            addAllowed(categoryScores.top(pool + h, poolIds, null));
        }
        if (tables.sequence() != null) {
            addAllowed(sequenceScores.top(pool, poolIds, null));
        }
        int n = fused.top(length, out.ids, out.scores);
        for (int j = 0; j < n; j++) {
            out.sources[j] = bestSource(out.ids[j], out.scores[j]);
        }
        out.count = n;
        Arrays.fill(poolIds, null);
        this.tables = null;
        this.onlineScores = null;
        this.excluded = null;
    }

    /** Adds the first {@code n} pool items to the fused scores. */
    private void addAllowed(int n) {
        for (int j = 0; j < n; j++) {
            addAllowed(poolIds[j]);
        }
    }

    /** Adds an item's neighbour score to the fused scores, once, if it is outside the history and allowed. */
    private void addAllowed(String item) {
        if (fused.get(item) > 0 || historySet.find(item) >= 0 || excluded.test(item)) {
            return;
        }
        double v = covisitTerm(item) + sessionWeight * log1pOrZero(tables.sessions().lastScore(item))
                + categoryTerm(item) + sequenceTerm(item);
        if (v > 0) {
            fused.add(item, v);
        }
    }

    /** The term that gave a fused item most; the session term is what is left of its score. */
    private CandidateSource bestSource(String item, double score) {
        double covisit = covisitTerm(item);
        double category = categoryTerm(item);
        double next = sequenceTerm(item);
        double session = score - covisit - category - next;
        CandidateSource best = CandidateSource.ONLINE_COVISIT; // ties: co-visitation, session, category
        double top = covisit;
        if (session > top) {
            best = CandidateSource.SESSION_KNN;
            top = session;
        }
        if (category > top) {
            best = CandidateSource.CATEGORY_POPULAR;
            top = category;
        }
        if (next > top) {
            best = CandidateSource.SEQUENCE;
        }
        return best;
    }

    private double covisitTerm(String item) {
        return tables.online() == null ? 0.0 : log1pOrZero(onlineScores.get(item));
    }

    private double categoryTerm(String item) {
        return tables.categories() == null ? 0.0 : categoryWeight * log1pOrZero(categoryScores.get(item));
    }

    private double sequenceTerm(String item) {
        return tables.sequence() == null ? 0.0 : sequenceWeight * log1pOrZero(sequenceScores.get(item));
    }

    /** {@code ln(1 + x)}, without the call for the many items a term does not reach ({@code x = 0}). */
    private static double log1pOrZero(double x) {
        return x == 0.0 ? 0.0 : Math.log1p(x);
    }
}
