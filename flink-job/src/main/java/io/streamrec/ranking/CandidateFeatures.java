package io.streamrec.ranking;

import io.streamrec.candidates.HistoryWindow;
import io.streamrec.candidates.ItemScores;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.event.EventType;
import io.streamrec.model.BundleException;
import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;

import java.util.Arrays;
import java.util.List;

/**
 * The candidate features of docs/MODEL_BUNDLE.md ("Candidate features"): {@code covisit}, the history aggregates
 * {@code hist_*} and {@code online_covisit}. Per event, {@link #prepare} builds the state they read once (the covisit
 * window's lists and per-index sums, the history's per-item aggregates over at most L entries, the online
 * co-visitation scores over at most K lists); {@link #encode} then costs each candidate a few lookups, never a
 * history scan.
 *
 * <p>Kept apart from {@link FeatureEncoder} because this is the only part with per-event state: its buffers are
 * reused between events and grown only when an event needs more room. Not thread-safe: one per encoder.
 */
final class CandidateFeatures {
    private static final int COVISIT = 0;
    private static final int HIST_COUNT = 1;
    private static final int HIST_RECENCY = 2;
    private static final int HIST_AGE = 3;
    private static final int HIST_CART = 4;
    private static final int HIST_PURCHASE = 5;
    private static final int ONLINE_COVISIT = 6;

    private static final long HOUR_MS = 3_600_000L;

    private final ItemIndex items;
    private final Covisitation covisit;
    private final int seqLen;
    private final int covisitWindow;
    private final int onlineItems;
    private final int[] kinds;
    private final boolean needsHistory;
    private final boolean needsCovisit;
    private final boolean needsOnline;

    private Covisitation.Neighbours[] windowLists = new Covisitation.Neighbours[0];
    private int windowLen;
    /**
     * The {@code covisit} feature's sums by model index, accumulated once per event from the window's lists (each
     * list's neighbours, in window order, so every sum adds its terms in the same order as looking the candidate up
     * in every list would); only the {@link #covisitTouched} entries are non-zero. Candidates the model does not know
     * (index 0) are still looked up by id.
     */
    private double[] covisitSums = new double[0];
    private int[] covisitTouched = new int[0];
    private int covisitTouchedLen;
    /** Whether the bundle's co-visitation lists carry model indices of this encoder's vocabulary. */
    private final boolean covisitByIndex;
    private final HistoryWindow history = new HistoryWindow();
    private final ItemScores onlineScores = new ItemScores();
    /** The scores the current candidates read: {@link #onlineScores} or a request's precomputed ones. */
    private ItemScores activeScores = onlineScores;
    private long triggerTs;

    /** Compiles the manifest's candidate feature names; an unknown name is refused. */
    CandidateFeatures(List<String> names, ItemIndex items, Covisitation covisit, int seqLen, int covisitWindow,
                      int onlineItems, String where) throws BundleException {
        this.items = items;
        this.covisit = covisit;
        this.seqLen = seqLen;
        this.covisitWindow = covisitWindow;
        this.onlineItems = onlineItems;
        this.kinds = new int[names.size()];
        for (int i = 0; i < kinds.length; i++) {
            kinds[i] = kind(names.get(i));
            if (kinds[i] < 0) {
                throw new BundleException(where + ": manifest.json candidate_features has unknown feature name '"
                        + names.get(i) + "'");
            }
        }
        boolean hist = false;
        boolean cov = false;
        boolean online = false;
        for (int k : kinds) {
            hist |= k >= HIST_COUNT && k <= HIST_PURCHASE;
            cov |= k == COVISIT;
            online |= k == ONLINE_COVISIT;
        }
        this.needsHistory = hist;
        this.needsCovisit = cov;
        this.covisitByIndex = covisit != null && covisit.itemIndex() == items;
        this.needsOnline = online;
    }

    static boolean isKnown(String name) {
        return kind(name) >= 0;
    }

    private static int kind(String name) {
        switch (name) {
            case "covisit":
                return COVISIT;
            case "hist_count":
                return HIST_COUNT;
            case "hist_recency":
                return HIST_RECENCY;
            case "hist_age":
                return HIST_AGE;
            case "hist_cart":
                return HIST_CART;
            case "hist_purchase":
                return HIST_PURCHASE;
            case "online_covisit":
                return ONLINE_COVISIT;
            default:
                return -1;
        }
    }

    /** The number of candidate features {@code F}. */
    int size() {
        return kinds.length;
    }

    boolean needsHistory() {
        return needsHistory;
    }

    boolean needsOnline() {
        return needsOnline;
    }

    int onlineItems() {
        return onlineItems;
    }

    /** The {@code covisit} feature by definition; see {@link FeatureEncoder#covisitFeature}. */
    static double covisitFeature(Covisitation covisit, String[] hist, int histLen, int window, String candidate) {
        int m = Math.min(window, histLen);
        double sum = 0;
        for (int p = 0; p < m; p++) {
            sum += (double) covisit.weight(hist[p], candidate) / (p + 1);
        }
        return Math.log1p(sum);
    }

    /** Builds the per-event state; see {@link FeatureEncoder#prepareCandidates}. */
    void prepare(String[] hist, EventType[] types, long[] ts, int histLen, long triggerTs,
                 OnlineCovisitation online, ItemScores precomputed) {
        int lp = Math.min(seqLen, histLen);
        this.triggerTs = triggerTs;
        windowLen = needsCovisit ? prepareWindow(hist, histLen) : 0;
        if (needsHistory) {
            history.build(hist, types, ts, lp);
        }
        if (needsOnline) {
            if (precomputed != null) {
                activeScores = precomputed;
            } else {
                activeScores = onlineScores;
                if (online != null) {
                    online.accumulate(hist, lp, onlineItems, onlineScores);
                } else {
                    onlineScores.clearAll();
                }
            }
        }
    }

    private int prepareWindow(String[] hist, int histLen) {
        int m = Math.min(covisitWindow, histLen);
        if (windowLists.length < m) {
            windowLists = new Covisitation.Neighbours[m];
        }
        for (int i = 0; i < covisitTouchedLen; i++) {
            covisitSums[covisitTouched[i]] = 0.0;
        }
        covisitTouchedLen = 0;
        if (covisitByIndex && covisitSums.length < items.size() + 1) {
            covisitSums = new double[items.size() + 1];
        }
        for (int p = 0; p < m; p++) {
            Covisitation.Neighbours nb = covisit.neighbours(hist[p]);
            windowLists[p] = nb;
            if (nb == null || !covisitByIndex) {
                continue;
            }
            for (int j = 0, k = nb.size(); j < k; j++) {
                int idx = nb.modelIndex(j);
                if (idx <= 0) {
                    continue;
                }
                if (covisitSums[idx] == 0.0) {
                    if (covisitTouchedLen == covisitTouched.length) {
                        covisitTouched = Arrays.copyOf(covisitTouched, Math.max(64, 2 * covisitTouchedLen));
                    }
                    covisitTouched[covisitTouchedLen++] = idx;
                }
                covisitSums[idx] += (double) nb.weight(j) / (p + 1);
            }
        }
        return m;
    }

    /** One candidate's features from the prepared state, to {@code out[off..off+F)} (model index 0 = unknown). */
    void encode(String candidate, int modelIndex, float[] out, int off) {
        int slot = needsHistory && candidate != null ? history.find(candidate) : -1;
        for (int f = 0; f < kinds.length; f++) {
            double v;
            switch (kinds[f]) {
                case COVISIT: {
                    double sum = 0;
                    if (modelIndex > 0 && covisitByIndex) {
                        sum = covisitSums[modelIndex];
                    } else if (candidate != null) {
                        for (int p = 0; p < windowLen; p++) {
                            Covisitation.Neighbours n = windowLists[p];
                            if (n != null) {
                                sum += (double) n.weightOf(candidate) / (p + 1);
                            }
                        }
                    }
                    v = Math.log1p(sum);
                    break;
                }
                case HIST_COUNT:
                    v = slot < 0 ? 0.0 : Math.log1p(history.count(slot));
                    break;
                case HIST_RECENCY:
                    v = slot < 0 ? 0.0 : 1.0 / (1 + history.firstPos(slot));
                    break;
                case HIST_AGE:
                    v = slot < 0 || !history.hasTs() ? 0.0
                            : Math.log1p(Math.max(0L, triggerTs - history.firstTs(slot)) / (double) HOUR_MS);
                    break;
                case HIST_CART:
                    v = slot >= 0 && history.seen(slot, EventType.ADD_TO_CART) ? 1.0 : 0.0;
                    break;
                case HIST_PURCHASE:
                    v = slot >= 0 && history.seen(slot, EventType.PURCHASE) ? 1.0 : 0.0;
                    break;
                default: // ONLINE_COVISIT
                    v = Math.log1p(activeScores.get(candidate));
                    break;
            }
            out[off + f] = (float) v;
        }
    }
}
