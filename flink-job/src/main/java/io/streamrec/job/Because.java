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
            float dot = dot(emb, (h - 1) * d, (c - 1) * d, d);
            if (dot > bestDot) {
                bestDot = dot;
                best = hist[i];
            }
        }
        return best;
    }

    /**
     * Inner product of {@code emb[a..a+d)} and {@code emb[b..b+d)} with four independent partial sums: a single
     * running float sum is one long dependency chain the JIT may not reorder, and this loop was the largest Java cost
     * of the rank operator (docs/BENCHMARKS.md). Only the argmax is used, so the changed rounding is immaterial.
     */
    static float dot(float[] emb, int a, int b, int d) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        int k = 0;
        for (; k + 4 <= d; k += 4) {
            s0 += emb[a + k] * emb[b + k];
            s1 += emb[a + k + 1] * emb[b + k + 1];
            s2 += emb[a + k + 2] * emb[b + k + 2];
            s3 += emb[a + k + 3] * emb[b + k + 3];
        }
        for (; k < d; k++) {
            s0 += emb[a + k] * emb[b + k];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
