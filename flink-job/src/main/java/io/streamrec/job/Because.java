package io.streamrec.job;

import io.streamrec.candidates.CandidateSource;
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
    private Because() {}

    /**
     * For an {@code online_covisit} candidate: the seed {@code d_q} (one of the last K distinct items) with the
     * largest term {@code T(d_q, item) / (q + 1)} of its score, i.e. the recent item it was most often seen with.
     */
    static String online(OnlineCovisitation table, OnlineCovisitation.Scores seeds, String item) {
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

    /**
     * @param histIndex model indices of the first {@code min(window, history)} history items, looked up once per
     *                  event by the caller (0 = unknown to the model)
     * @param histLists the bundle's co-visitation lists of the same items (null = none), also looked up once per event
     * @param itemIndex the candidate's model index (0 = unknown), as the candidate set already holds it
     */
    static String explain(ModelBundle bundle, String[] hist, int histLen, int[] histIndex,
                          Covisitation.Neighbours[] histLists, String item, int itemIndex, CandidateSource source,
                          int window) {
        int n = Math.min(window, histLen);
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
        ItemIndex items = bundle.items();
        int c = itemIndex;
        if (c == 0) {
            return null;
        }
        float[] emb = items.embeddings();
        int d = items.dim();
        String best = null;
        float bestDot = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            int h = histIndex[i];
            if (h == 0 || hist[i].equals(item)) {
                continue;
            }
            float dot = 0f;
            int a = (h - 1) * d;
            int b = (c - 1) * d;
            for (int k = 0; k < d; k++) {
                dot += emb[a + k] * emb[b + k];
            }
            if (dot > bestDot) {
                bestDot = dot;
                best = hist[i];
            }
        }
        return best;
    }
}
