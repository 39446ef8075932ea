package io.streamrec.ranking;

import io.streamrec.candidates.CandidateSource;
import io.streamrec.model.ItemIndex;
import io.streamrec.model.ModelBundle;
import io.streamrec.model.ShippedBundle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class BecauseTest {
    private static ModelBundle bundle;

    @BeforeAll
    static void load() throws Exception {
        bundle = ShippedBundle.load();
    }

    /** The history item with the largest inner product, in double precision, skipping unknown items and the item. */
    private static String closest(String[] hist, int n, String item) {
        ItemIndex items = bundle.items();
        float[] emb = items.embeddings();
        int d = items.dim();
        int c = items.indexOf(item);
        String best = null;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < Math.min(n, 10); i++) {
            int h = items.indexOf(hist[i]);
            if (h == 0 || hist[i].equals(item)) {
                continue;
            }
            double dot = 0;
            for (int k = 0; k < d; k++) {
                dot += (double) emb[(h - 1) * d + k] * emb[(c - 1) * d + k];
            }
            if (dot > bestDot) {
                bestDot = dot;
                best = hist[i];
            }
        }
        return best;
    }

    @Test
    void retrievalCandidatesAreExplainedByTheClosestKnownRecentItem() {
        ItemIndex items = bundle.items();
        SplittableRandom rnd = new SplittableRandom(7);
        Because because = new Because(10);
        for (int round = 0; round < 200; round++) {
            int n = 1 + rnd.nextInt(14); // shorter and longer than the window
            String[] hist = new String[n];
            for (int i = 0; i < n; i++) {
                hist[i] = rnd.nextInt(5) == 0 ? "unknown-" + i : items.idOf(1 + rnd.nextInt(items.size()));
            }
            because.prepare(bundle, hist, n);
            for (int c = 0; c < 20; c++) {
                String item = c == 0 ? hist[0] : items.idOf(1 + rnd.nextInt(items.size()));
                int idx = items.indexOf(item);
                assertEquals(idx == 0 ? null : closest(hist, n, item),
                        because.explain(item, idx, CandidateSource.RETRIEVAL), "round " + round + " item " + item);
            }
        }
    }

    @Test
    void recentItemsExplainThemselvesAndUnknownCandidatesOrAnEmptyHistoryHaveNoReason() {
        ItemIndex items = bundle.items();
        Because because = new Because(10);
        String[] hist = {items.idOf(1), items.idOf(2)};
        because.prepare(bundle, hist, 2);
        assertEquals(items.idOf(2), because.explain(items.idOf(2), 2, CandidateSource.RECENT));
        assertNull(because.explain("never-seen", 0, CandidateSource.POPULAR));
        because.prepare(bundle, new String[0], 0);
        assertNull(because.explain(items.idOf(3), 3, CandidateSource.RETRIEVAL));
    }

    @Test
    void covisitationCandidatesAreExplainedByTheRecentItemThatListsThemHighest() {
        ItemIndex items = bundle.items();
        // a recent item with a co-visitation list, and its first neighbour as the candidate
        for (int h = 1; h <= items.size(); h++) {
            var nb = bundle.covisit().neighbours(items.idOf(h));
            if (nb == null || nb.size() == 0) {
                continue;
            }
            String cand = nb.id(0);
            String other = items.idOf(h == 1 ? 2 : 1);
            Because because = new Because(10);
            because.prepare(bundle, new String[] {other, items.idOf(h)}, 2);
            float otherWeight = bundle.covisit().weight(other, cand);
            String expected = otherWeight > nb.weight(0) ? other : items.idOf(h);
            assertEquals(expected, because.explain(cand, items.indexOf(cand), CandidateSource.COVISIT));
            return;
        }
        throw new AssertionError("the shipped bundle has co-visitation lists");
    }
}
