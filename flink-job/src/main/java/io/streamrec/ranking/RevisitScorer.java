package io.streamrec.ranking;

import io.streamrec.candidates.CandidateSet;
import io.streamrec.candidates.HistoryWindow;
import io.streamrec.event.EventType;
import io.streamrec.model.ModelBundle;
import io.streamrec.model.RevisitFeatures;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The bundle's optional re-visit scorer (docs/MODEL_BUNDLE.md, "Re-visit order"): a linear model over a few features
 * of the items in the user's last {@code L' = min(L, history length)} events (rank among the distinct items, count,
 * minutes since the last touch, event types seen, how often the item came right after or before the trigger's item,
 * whether its category is the trigger's) that orders the items the user has already touched.
 *
 * <p>Why: most hits of a list are re-visits, and the ranker, whose softmax runs over all candidates, does not learn
 * their order well. So the ranker still decides how many slots go to re-visits and where, and {@link #refill} decides
 * which re-visit fills each of those slots.
 *
 * <p>Per event: {@link #prepare} reads the history window, then {@link #item}, {@link #feature} and {@link #score}
 * describe its distinct items by rank {@code r} (what the golden replay checks), and {@link #refill} reorders an
 * emitted list. The buffers are sized for {@code L} at construction (the window's table on first use) and reused:
 * nothing is allocated per event.
 * Not thread-safe: one instance per operator instance.
 */
public final class RevisitScorer {
    /** Every feature name this reader knows, in the contract's order ({@link RevisitFeatures#NAMES}). */
    public static final List<String> FEATURES = RevisitFeatures.NAMES;

    private static final int LOG_RANK = 0;
    private static final int INV_RANK = 1;
    private static final int RANK_0 = 2;
    private static final int RANK_1 = 3;
    private static final int RANK_2 = 4;
    private static final int LOG_COUNT = 5;
    private static final int LOG_MINUTES = 6;
    private static final int LOG_AFTER_TRIGGER = 7;
    private static final int AFTER_TRIGGER_INV_RANK = 8;
    private static final int LOG_BEFORE_TRIGGER = 9;
    private static final int SAME_CATEGORY = 10;
    private static final int SAME_CATEGORY_INV_RANK = 11;
    private static final int SEEN_BASE = 100; // SEEN_BASE + EventType.ordinal()

    private static final double MINUTE_MS = 60_000.0;

    private final List<String> names;
    private final int[] kinds;
    private final double[] weights;
    private final int seqLen;

    /** The window's distinct items: entry e is the item of distinct rank r = e. */
    private final HistoryWindow window = new HistoryWindow();
    private final double[] scores;
    /** Ranks r, best score first (ties: smaller r first). */
    private final int[] byScore;
    private int size;
    private long triggerTs;
    /** The prepared history's category keys, or null (no categories). */
    private byte[] categories;
    /** For {@link #refill}: the candidate index holding rank r, or -1. */
    private final int[] candidateOfRank;
    /**
     * By distinct rank r: how often the item came right after ({@code after}) and right before ({@code before}) an
     * occurrence of the trigger's item in the window; filled only when a feature reads them.
     */
    private final int[] after;
    private final int[] before;
    private final boolean transitions;

    /**
     * @param features the manifest's {@code revisit.features}, in order
     * @param weights  one finite weight per feature
     * @param seqLen   {@code L}, the manifest's {@code seq_len}
     * @throws IllegalArgumentException for an unknown or repeated name, a count mismatch or a non-finite weight
     */
    public RevisitScorer(List<String> features, double[] weights, int seqLen) {
        if (seqLen <= 0) {
            throw new IllegalArgumentException("seq_len must be positive, got " + seqLen);
        }
        if (features.size() != weights.length) {
            throw new IllegalArgumentException(weights.length + " weights for " + features.size() + " features");
        }
        this.names = List.copyOf(features);
        this.kinds = new int[names.size()];
        HashSet<String> distinct = new HashSet<>();
        for (int f = 0; f < kinds.length; f++) {
            kinds[f] = kind(names.get(f));
            if (kinds[f] < 0) {
                throw new IllegalArgumentException("unknown re-visit feature '" + names.get(f) + "'");
            }
            if (!distinct.add(names.get(f))) {
                throw new IllegalArgumentException("re-visit feature '" + names.get(f) + "' is named twice");
            }
            if (!Double.isFinite(weights[f])) {
                throw new IllegalArgumentException("the weight of '" + names.get(f) + "' is not finite: "
                        + weights[f]);
            }
        }
        this.weights = weights.clone();
        this.seqLen = seqLen;
        scores = new double[seqLen];
        byScore = new int[seqLen];
        candidateOfRank = new int[seqLen];
        after = new int[seqLen];
        before = new int[seqLen];
        boolean t = false;
        for (int k : kinds) {
            t |= k == LOG_AFTER_TRIGGER || k == AFTER_TRIGGER_INV_RANK || k == LOG_BEFORE_TRIGGER;
        }
        transitions = t;
    }

    /**
     * A new re-visit scorer for a bundle's {@code revisit} object, or null when its manifest has none (then the job
     * keeps the ranker's order). A scorer holds per-event buffers: one per operator instance or thread.
     */
    public static RevisitScorer forBundle(ModelBundle bundle) {
        if (!bundle.manifest().hasRevisit()) {
            return null;
        }
        return new RevisitScorer(bundle.manifest().revisitFeatures(), bundle.manifest().revisitWeights(),
                bundle.manifest().seqLen());
    }

    /** True when {@code name} is a re-visit feature this reader knows. */
    public static boolean isKnownFeature(String name) {
        return name != null && kind(name) >= 0;
    }

    private static int kind(String name) {
        switch (name) {
            case "log_rank":
                return LOG_RANK;
            case "inv_rank":
                return INV_RANK;
            case "rank_0":
                return RANK_0;
            case "rank_1":
                return RANK_1;
            case "rank_2":
                return RANK_2;
            case "log_count":
                return LOG_COUNT;
            case "log_minutes":
                return LOG_MINUTES;
            case "log_after_trigger":
                return LOG_AFTER_TRIGGER;
            case "after_trigger_inv_rank":
                return AFTER_TRIGGER_INV_RANK;
            case "log_before_trigger":
                return LOG_BEFORE_TRIGGER;
            case "same_category":
                return SAME_CATEGORY;
            case "same_category_inv_rank":
                return SAME_CATEGORY_INV_RANK;
            default:
                if (name.startsWith("seen_")) {
                    String type = name.substring("seen_".length());
                    EventType t = EventType.fromWire(type);
                    if (t != null && t.wireName().equals(type)) {
                        return SEEN_BASE + t.ordinal();
                    }
                }
                return -1;
        }
    }

    /** The feature names, in the manifest's order. */
    public List<String> features() {
        return names;
    }

    public int numFeatures() {
        return kinds.length;
    }

    /** The weight of feature {@code f}. */
    public double weight(int f) {
        return weights[f];
    }

    /** {@code L}. */
    public int seqLen() {
        return seqLen;
    }

    /**
     * Reads the window {@code p < L' = min(L, histLen)} of a history and scores its distinct items (null entries are
     * skipped).
     *
     * @param hist      item ids, most recent first ({@code p = 0} is the trigger)
     * @param types     their event types; null reads as no type seen
     * @param ts        their times, epoch ms; null reads as {@code log_minutes = 0}
     * @param triggerTs the trigger event's time, epoch ms
     * @return the number of distinct items of the window, {@link #size()}
     */
    public int prepare(String[] hist, EventType[] types, long[] ts, int histLen, long triggerTs) {
        return prepare(hist, types, ts, null, histLen, triggerTs);
    }

    /**
     * {@link #prepare(String[], EventType[], long[], int, long)} with the events' category keys
     * ({@link io.streamrec.model.CategoryKey}); null reads as no category, which makes {@code same_category} 0.
     */
    public int prepare(String[] hist, EventType[] types, long[] ts, byte[] categories, int histLen, long triggerTs) {
        this.triggerTs = triggerTs;
        this.categories = categories;
        int n = Math.min(seqLen, histLen);
        window.build(hist, types, ts, n);
        size = window.size();
        if (transitions) {
            countTransitions(hist, n);
        }
        for (int r = 0; r < size; r++) {
            double sc = 0.0;
            for (int f = 0; f < kinds.length; f++) {
                sc += weights[f] * value(kinds[f], r);
            }
            scores[r] = sc;
            // insertion by score, descending; an equal score stays behind the smaller r already placed
            int pos = r;
            while (pos > 0 && scores[byScore[pos - 1]] < sc) {
                byScore[pos] = byScore[pos - 1];
                pos--;
            }
            byScore[pos] = r;
        }
        return size;
    }

    /**
     * Fills {@link #after} and {@link #before}: for each position p of the window holding the trigger's item, the
     * item at p - 1 (the event right after it) and at p + 1 (right before it), unless that is the trigger's item too.
     */
    private void countTransitions(String[] hist, int n) {
        Arrays.fill(after, 0, size, 0);
        Arrays.fill(before, 0, size, 0);
        String t = n > 0 ? hist[0] : null;
        if (t == null) {
            return;
        }
        for (int p = 0; p < n; p++) {
            if (!t.equals(hist[p])) {
                continue;
            }
            if (p > 0 && hist[p - 1] != null && !t.equals(hist[p - 1])) {
                after[window.find(hist[p - 1])]++;
            }
            if (p + 1 < n && hist[p + 1] != null && !t.equals(hist[p + 1])) {
                before[window.find(hist[p + 1])]++;
            }
        }
    }

    private double value(int kind, int r) {
        switch (kind) {
            case LOG_RANK:
                return Math.log1p(r);
            case INV_RANK:
                return 1.0 / (1 + r);
            case RANK_0:
                return r == 0 ? 1.0 : 0.0;
            case RANK_1:
                return r == 1 ? 1.0 : 0.0;
            case RANK_2:
                return r == 2 ? 1.0 : 0.0;
            case LOG_COUNT:
                return Math.log1p(window.count(r));
            case LOG_MINUTES:
                return window.hasTs() ? Math.log1p(Math.max(0L, triggerTs - window.firstTs(r)) / MINUTE_MS) : 0.0;
            case LOG_AFTER_TRIGGER:
                return after[r] == 0 ? 0.0 : Math.log1p(after[r]); // most items have no transition: skip the log
            case AFTER_TRIGGER_INV_RANK:
                return after[r] > 0 ? 1.0 / (1 + r) : 0.0;
            case LOG_BEFORE_TRIGGER:
                return before[r] == 0 ? 0.0 : Math.log1p(before[r]);
            case SAME_CATEGORY:
                return sameCategory(r) ? 1.0 : 0.0;
            case SAME_CATEGORY_INV_RANK:
                return sameCategory(r) ? 1.0 / (1 + r) : 0.0;
            default:
                return window.seenOrdinal(r, kind - SEEN_BASE) ? 1.0 : 0.0;
        }
    }

    /** Whether the item of rank r, at its most recent position, has the trigger's (known) category key. */
    private boolean sameCategory(int r) {
        if (categories == null) {
            return false;
        }
        byte k = categories[window.firstPos(r)];
        return k != io.streamrec.model.CategoryKey.NONE && k == categories[0];
    }

    /** The number of distinct items of the last prepared window. */
    public int size() {
        return size;
    }

    /** The item of distinct rank {@code r} ({@code r = 0} is the trigger's item). */
    public String item(int r) {
        check(r);
        return window.item(r);
    }

    /** The item's distinct rank r in the prepared window, or -1 if it is not there (or null). */
    public int rankOf(String item) {
        return window.find(item);
    }

    /** Feature {@code f} (manifest order) of the item of rank {@code r}, in float64. */
    public double feature(int r, int f) {
        check(r);
        return value(kinds[f], r);
    }

    /** The re-visit score {@code Σ weight_f · feature_f} of the item of rank {@code r}. */
    public double score(int r) {
        check(r);
        return scores[r];
    }

    /** The rank r of the k-th best item by score ({@code k = 0} is the best; ties: smaller r first). */
    public int rankByScore(int k) {
        check(k);
        return byScore[k];
    }

    /**
     * The serving rule, on the prepared window: {@code order[0..m)} holds the candidate indices of the emitted list,
     * best ranker score first. The positions holding a window item ({@code S}, in list order) are given, in place,
     * the window's items that may be shown ({@code H}, best re-visit score first): {@code S[k]} gets {@code H[k]}.
     * An item of {@code H} that is a candidate is written as its candidate index; one that is not (the candidate
     * sources propose only the most recent few) as {@code -1 - r}, its distinct rank; see {@link #item}. Other
     * positions are untouched. The caller keeps each position's ranker score.
     *
     * @param candidates the candidates' item ids, {@code [0, numCandidates)}; the list's entries are distinct
     * @param allowedAt  whether the item of history position {@code p} may be recommended (the job's filters), or
     *                   null when every item may
     * @return how many positions got another item
     */
    public int refill(int[] order, int m, String[] candidates, int numCandidates, boolean[] allowedAt) {
        if (size == 0 || m == 0) {
            return 0;
        }
        Arrays.fill(candidateOfRank, 0, size, -1);
        for (int i = 0; i < numCandidates; i++) {
            int r = rankOf(candidates[i]);
            if (r >= 0) {
                candidateOfRank[r] = i;
            }
        }
        int next = 0;
        int changed = 0;
        for (int j = 0; j < m; j++) {
            if (order[j] < 0 || rankOf(candidates[order[j]]) < 0) {
                continue;
            }
            while (next < size && allowedAt != null && !allowedAt[window.firstPos(byScore[next])]) {
                next++;
            }
            if (next == size) {
                break; // cannot happen: each slot of S is itself an allowed window item (a candidate)
            }
            int r = byScore[next++];
            int c = candidateOfRank[r] >= 0 ? candidateOfRank[r] : -1 - r;
            if (c != order[j]) {
                order[j] = c;
                changed++;
            }
        }
        return changed;
    }

    /** {@link #refill(int[], int, String[], int, boolean[])} over a candidate set. */
    public int refill(int[] order, int m, CandidateSet candidates, boolean[] allowedAt) {
        return refill(order, m, candidates.itemArray(), candidates.size(), allowedAt);
    }

    private void check(int r) {
        if (r < 0 || r >= size) {
            throw new IndexOutOfBoundsException("rank " + r + " of " + size);
        }
    }
}
