package io.streamrec.ranking;

import io.streamrec.candidates.CandidateSource;
import io.streamrec.candidates.ItemScores;
import io.streamrec.candidates.OnlineCovisitation;
import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import io.streamrec.model.ModelBundle;

/**
 * Names the recent item that contributed most to a recommendation, cheaply: the item itself when it was re-proposed
 * from the history, the strongest co-visitation source among the recent items for co-visitation candidates, the
 * seed whose online co-visitation term was largest for online co-visitation candidates, and otherwise the recent
 * item whose embedding is closest (inner product) to the candidate's.
 */
final class Because {
    /**
     * For an {@code online_covisit} candidate: the seed {@code d_q} (one of the last K distinct items) with the
     * largest term {@code T(d_q, item) / (q + 1)} of its score, i.e. the recent item it was most often seen with.
     */
    static String online(OnlineCovisitation table, ItemScores seeds, String item) {
        if (table == null) {
            return null;
        }
        String best = null;
        double bestTerm = 0;
        for (int q = 0, k = seeds.numSeeds(); q < k; q++) {
            double term = table.weight(seeds.seed(q), item) / (q + 1);
            if (term > bestTerm) {
                bestTerm = term;
                best = seeds.seed(q);
            }
        }
        return best;
    }

    private final int window;
    private final String[] hist;
    private final int[] histIndex;
    private final Covisitation.Neighbours[] histLists;
    /** The window's embeddings transposed, {@code [k * n + i]} = dimension k of history item i (0 if unknown). */
    private float[] histT = new float[0];
    private final float[] dots;
    private int n;
    private ItemIndex items;

    /** Explains with the first {@code window} history events; reusable event after event. */
    Because(int window) {
        this.window = window;
        this.hist = new String[window];
        this.histIndex = new int[window];
        this.histLists = new Covisitation.Neighbours[window];
        this.dots = new float[window];
    }

    /**
     * Looks the first {@code min(window, histLen)} history items up once per event: model indices, the bundle's
     * co-visitation lists and their embeddings, transposed so {@link #explain} scores a candidate against all of them
     * in one pass whose inner loop (over the history items) the JIT vectorises.
     */
    void prepare(ModelBundle bundle, String[] history, int histLen) {
        items = bundle.items();
        n = Math.min(window, histLen);
        int d = items.dim();
        if (histT.length < d * window) {
            histT = new float[d * window];
        }
        float[] emb = items.embeddings();
        for (int i = 0; i < n; i++) {
            hist[i] = history[i];
            int h = items.indexOf(history[i]);
            histIndex[i] = h;
            histLists[i] = bundle.covisit().neighbours(history[i]);
            for (int k = 0; k < d; k++) {
                histT[k * n + i] = h == 0 ? 0f : emb[(h - 1) * d + k];
            }
        }
    }

    /**
     * The recent item that explains {@code item} (see the class comment), or null.
     *
     * @param itemIndex the candidate's model index (0 = unknown), as the candidate set already holds it
     */
    String explain(String item, int itemIndex, CandidateSource source) {
        if (n == 0) {
            return null;
        }
        if (source == CandidateSource.RECENT) {
            return item;
        }
        if (source == CandidateSource.COVISIT) {
            String best = null;
            float bestWeight = 0f;
            for (int i = 0; i < n; i++) {
                Covisitation.Neighbours nb = histLists[i];
                float w = nb == null ? 0f : nb.weightOf(item);
                if (w > bestWeight) {
                    bestWeight = w;
                    best = hist[i];
                }
            }
            if (best != null) {
                return best;
            }
        }
        if (itemIndex == 0) {
            return null;
        }
        float[] emb = items.embeddings();
        int d = items.dim();
        java.util.Arrays.fill(dots, 0, n, 0f);
        int c = (itemIndex - 1) * d;
        for (int k = 0; k < d; k++) {
            float e = emb[c + k];
            int row = k * n;
            for (int i = 0; i < n; i++) {
                dots[i] += histT[row + i] * e;
            }
        }
        String best = null;
        float bestDot = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            if (histIndex[i] == 0 || hist[i].equals(item)) {
                continue;
            }
            if (dots[i] > bestDot) {
                bestDot = dots[i];
                best = hist[i];
            }
        }
        return best;
    }

    /** Drops the references to the last event's history. */
    void release() {
        java.util.Arrays.fill(hist, null);
        java.util.Arrays.fill(histLists, null);
        n = 0;
    }
}
