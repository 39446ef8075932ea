package io.streamrec.candidates;

import io.streamrec.model.Covisitation;
import io.streamrec.model.ItemIndex;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Large catalogues retrieve through the IVF index, which must find nearly what the exact scan finds. */
class IvfRetrievalTest {

    /** n items near 40 random directions, like embeddings of items in categories. */
    private static ItemIndex clustered(int n, int d, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[][] centres = new float[40][d];
        for (float[] c : centres) {
            for (int j = 0; j < d; j++) {
                c[j] = (float) rnd.nextGaussian();
            }
        }
        String[] ids = new String[n];
        float[] emb = new float[n * d];
        for (int i = 0; i < n; i++) {
            ids[i] = "i" + i;
            float[] c = centres[rnd.nextInt(centres.length)];
            for (int j = 0; j < d; j++) {
                emb[i * d + j] = c[j] + 0.4f * (float) rnd.nextGaussian();
            }
        }
        return ItemIndex.of(ids, emb, d);
    }

    private static CandidateGenerator retrievalOnly(ItemIndex items, int ivfMinItems) {
        return withRecent(items, ivfMinItems, 0);
    }

    /** Retrieval, and the user's {@code recentN} recent items before it (none when 0). */
    private static CandidateGenerator withRecent(ItemIndex items, int ivfMinItems, int recentN) {
        CandidateOptions o = new CandidateOptions();
        o.recentEnabled = recentN > 0;
        o.recentN = Math.max(1, recentN);
        o.covisitN = 0;
        o.popularN = 0;
        o.fillTo = 0;
        o.retrievalN = 100;
        o.ivfMinItems = ivfMinItems;
        return new CandidateGenerator(items, Covisitation.of(Map.of(), items), List.of(), 0, o);
    }

    @Test
    void largeCataloguesUseTheIndexAndFindNearlyWhatTheExactScanFinds() {
        ItemIndex items = clustered(40_000, 16, 3L);
        CandidateGenerator exact = retrievalOnly(items, 0);
        CandidateGenerator approx = retrievalOnly(items, 10_000);
        assertFalse(exact.approximate());
        assertTrue(approx.approximate());
        SplittableRandom rnd = new SplittableRandom(9L);
        double recall = 0;
        int queries = 20;
        CandidateSet a = new CandidateSet();
        CandidateSet b = new CandidateSet();
        for (int q = 0; q < queries; q++) {
            float[] v = new float[16];
            int seedItem = rnd.nextInt(items.size());
            System.arraycopy(items.embeddings(), seedItem * 16, v, 0, 16);
            exact.generate(v, new String[0], 0, null, a);
            approx.generate(v, new String[0], 0, null, b);
            assertEquals(100, b.size());
            recall += retrievedHits(retrieved(a), b, 0) / 100.0;
        }
        assertTrue(recall / queries > 0.9, "recall@100 of the IVF index was " + recall / queries);
    }

    @Test
    void excludedItemsAreSkippedAndTheQuotaIsStillFilled() {
        ItemIndex items = clustered(20_000, 8, 5L);
        CandidateGenerator approx = retrievalOnly(items, 10_000);
        float[] v = new float[8];
        System.arraycopy(items.embeddings(), 0, v, 0, 8);
        CandidateSet first = new CandidateSet();
        approx.generate(v, new String[0], 0, null, first);
        Set<String> banned = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            banned.add(first.item(i));
        }
        CandidateSet out = new CandidateSet();
        approx.generate(v, new String[0], 0, banned::contains, out);
        assertEquals(100, out.size());
        for (int i = 0; i < out.size(); i++) {
            assertFalse(banned.contains(out.item(i)));
        }
    }

    @Test
    void itemsAlreadyInTheSetDoNotTakeTheIndexsPlaces() {
        ItemIndex items = clustered(40_000, 16, 7L);
        float[] v = new float[16];
        System.arraycopy(items.embeddings(), 123 * 16, v, 0, 16);
        int[] top = new int[50];
        retrievalOnly(items, 0).retrieve(v, 50, top, null);
        String[] recent = new String[50]; // the user's recent items are the query's 50 best
        for (int i = 0; i < 50; i++) {
            recent[i] = items.idOf(top[i]);
        }
        CandidateSet exactSet = new CandidateSet();
        CandidateSet approxSet = new CandidateSet();
        withRecent(items, 0, 50).generate(v, recent, 50, null, exactSet);
        CandidateGenerator approx = withRecent(items, 10_000, 50);
        assertTrue(approx.approximate());
        approx.generate(v, recent, 50, null, approxSet);
        assertEquals(150, approxSet.size(), "50 recent items and 100 retrieved ones besides them");
        int hit = retrievedHits(retrieved(exactSet), approxSet, 50);
        assertTrue(hit >= 90, "the index found " + hit + " of the exact scan's 100 next-best items");
    }

    /** The items a set got from retrieval. */
    private static Set<String> retrieved(CandidateSet set) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < set.size(); i++) {
            if (set.source(i) == CandidateSource.RETRIEVAL) {
                out.add(set.item(i));
            }
        }
        return out;
    }

    /** How many of the set's entries from {@code from} on are in {@code truth}; each of them must be retrieved. */
    private static int retrievedHits(Set<String> truth, CandidateSet set, int from) {
        int hit = 0;
        for (int i = from; i < set.size(); i++) {
            assertEquals(CandidateSource.RETRIEVAL, set.source(i));
            if (truth.contains(set.item(i))) {
                hit++;
            }
        }
        return hit;
    }
}
